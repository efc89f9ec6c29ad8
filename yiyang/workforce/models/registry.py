"""养老服务人才台账: the care workers (养老护理员、助老员) of every provider, institution and canteen, and
their certificates (职业技能等级证书).

One record per person: the ID number is stored as the registry stores an elder's (ciphertext, keyed
digest, masked form) and is unique. ``services.Worker`` — the dispatch profile of a provider's worker
(home base, capacity, service qualifications) — points here one-to-one, so the workers dispatch knows
are these people.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core import crypto
from yiyang.core.idnumber import IdNumber, mask_id_number
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.institutions.models import Institution
from yiyang.meals.models import Canteen
from yiyang.people.choices import Sex
from yiyang.services.models import Provider
from yiyang.workforce.choices import CertificateLevel, EmployerKind, ExitReason, Post, WorkerStatus

#: The employer's kind → the foreign key naming it.
EMPLOYER_FIELDS = {
    EmployerKind.PROVIDER: "provider",
    EmployerKind.INSTITUTION: "institution",
    EmployerKind.CANTEEN: "canteen",
}


def mask_account(number: str) -> str:
    return f"{number[:4]}****{number[-4:]}" if len(number) > 8 else "****"


class CareWorker(TimeStampedModel):
    """养老护理员 / 助老员: one person working in elderly care, with the employer they work for.

    The employer is exactly one of a provider (居家服务商), an institution (养老机构) or a canteen
    (助餐点); its staff see the worker through their membership (``scope_organisation``), the street
    and district through the worker's place of work (``area_path``). Organisations are retired, not
    deleted, in use; a deleted one (a demo rebuilt) takes its workers and their records with it,
    unless a reviewed or approved subsidy line was paid to one of them: then the deletion is refused
    (``subsidies.protect_settled``). ``post_since`` is the first day
    in a care post, which the 工龄补贴 counts from; ``left_on`` ends the post (离职) and every subsidy.
    """

    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True)
    id_number_hash = models.CharField(_("身份证号摘要"), max_length=32, blank=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone_enc = models.TextField(_("手机号（密文）"), blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    employer_kind = models.CharField(_("用人单位类型"), max_length=12, choices=EmployerKind.choices)
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    canteen = models.ForeignKey(
        Canteen, verbose_name=_("助餐点"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(Area, verbose_name=_("工作地"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    post = models.CharField(_("岗位"), max_length=12, choices=Post.choices, default=Post.CARER)
    post_since = models.DateField(_("从事养老护理工作起始日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    exit_reason = models.CharField(_("离职原因"), max_length=12, choices=ExitReason.choices, blank=True)
    health_certificate_number = models.CharField(_("健康证编号"), max_length=40, blank=True)
    health_certificate_expires = models.DateField(_("健康证有效期至"), null=True, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    account_enc = models.TextField(_("银行账号（密文）"), blank=True)
    account_masked = models.CharField(_("银行账号"), max_length=30, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = ("provider_id", "institution_id", "canteen_id")
    audit_masked_fields = {
        "id_number_enc": "id_number_masked",
        "phone_enc": "phone_masked",
        "account_enc": "account_masked",
    }
    audit_exclude = ("id_number_hash", "id_number_masked", "phone_masked", "account_masked")

    class Meta:
        verbose_name = _("养老护理员")
        verbose_name_plural = _("养老服务人才台账")
        ordering = ["area_path", "name", "id"]
        permissions = [
            ("export_careworker", "导出养老服务人才台账"),
            ("import_careworker", "导入养老服务人才台账"),
            ("leave_careworker", "办理护理员离职"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="careworker_one_per_id_number",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        employer_kind=EmployerKind.PROVIDER,
                        provider__isnull=False,
                        institution__isnull=True,
                        canteen__isnull=True,
                    )
                    | Q(
                        employer_kind=EmployerKind.INSTITUTION,
                        provider__isnull=True,
                        institution__isnull=False,
                        canteen__isnull=True,
                    )
                    | Q(
                        employer_kind=EmployerKind.CANTEEN,
                        provider__isnull=True,
                        institution__isnull=True,
                        canteen__isnull=False,
                    )
                ),
                name="careworker_one_employer",
            ),
            models.CheckConstraint(
                condition=Q(status=WorkerStatus.ACTIVE, left_on__isnull=True)
                | Q(status=WorkerStatus.LEFT, left_on__isnull=False),
                name="careworker_left_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path", "status"], name="careworker_area_idx"),
            models.Index(fields=["provider"], name="careworker_provider_idx"),
            models.Index(fields=["institution"], name="careworker_institution_idx"),
            models.Index(fields=["canteen"], name="careworker_canteen_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("workforce:careworker_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def employer(self) -> models.Model | None:
        field = EMPLOYER_FIELDS.get(EmployerKind(self.employer_kind)) if self.employer_kind else None
        return getattr(self, field) if field else None

    def set_employer(self, employer: models.Model) -> None:
        for kind, field in EMPLOYER_FIELDS.items():
            model = type(self)._meta.get_field(field).related_model
            if isinstance(employer, model):  # type: ignore[arg-type]
                self.employer_kind = kind
                setattr(self, field, employer)
            else:
                setattr(self, field, None)

    def set_id_number(self, parsed: IdNumber) -> None:
        protected = crypto.protect(parsed.value, mask_id_number(parsed.value))
        self.id_number_enc, self.id_number_hash = protected.ciphertext, protected.digest
        self.id_number_masked = protected.masked
        self.sex, self.birth_date = parsed.sex, parsed.birth_date

    def set_phone(self, phone: str) -> None:
        self.phone_enc = crypto.encrypt(phone) if phone else ""
        self.phone_masked = crypto.mask_phone(phone) if phone else ""

    def set_account(self, number: str) -> None:
        self.account_enc = crypto.encrypt(number) if number else ""
        self.account_masked = mask_account(number) if number else ""

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc) if self.id_number_enc else ""

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc) if self.phone_enc else ""

    @property
    def account(self) -> str:
        return crypto.decrypt(self.account_enc) if self.account_enc else ""

    def years_in_post(self, day: datetime.date) -> int:
        """Whole years in a care post on ``day`` (the 工龄 the seniority subsidy counts)."""
        years = day.year - self.post_since.year
        return years - ((day.month, day.day) < (self.post_since.month, self.post_since.day))


class Certificate(TimeStampedModel):
    """职业技能等级证书: a 养老护理员 certificate at a level, issued by a body, valid between two dates.

    A certificate counts for a month's post subsidy only if it is in force on the month's last day
    (issued on or before, not expired before): never before it was issued nor after it expired.
    """

    worker = models.ForeignKey(
        CareWorker, verbose_name=_("护理员"), on_delete=models.CASCADE, related_name="certificates"
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=CertificateLevel.choices)
    issuer = models.CharField(_("发证机构"), max_length=100)
    number = models.CharField(_("证书编号"), max_length=40)
    valid_from = models.DateField(_("发证日期"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("空 = 长期有效"))
    training_class = models.ForeignKey(
        "workforce.TrainingClass",
        verbose_name=_("培训班"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        editable=False,
    )

    objects = ScopedManager()
    scope_path = "worker__area_path"
    scope_organisation = ("worker__provider_id", "worker__institution_id", "worker__canteen_id")

    class Meta:
        verbose_name = _("职业技能等级证书")
        verbose_name_plural = _("职业技能等级证书")
        ordering = ["worker", "level", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="certificate_unique_number"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="certificate_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["worker", "valid_from"], name="certificate_worker_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:careworker_detail", args=[self.worker_id])

    @property
    def audit_area_path(self) -> str:
        return self.worker.area_path
