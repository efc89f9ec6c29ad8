"""老年人优待证 (the elder's preferential card) and 银龄安康 (the province's accident insurance for elders).

Both are about one elder each and lie in the elder's area (``area_path`` copied at issue or enrolment,
so the scope filter and the coverage figures need no join). Who qualifies is decided by dated rules
(:class:`CardRule`, :class:`InsuranceRule`), never by constants.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.cards.choices import (
    CardBasis,
    CardStatus,
    ClaimKind,
    ClaimStatus,
    EnrolmentSource,
    InsuredGroup,
    Payer,
    VoidReason,
)
from yiyang.core.i18n import records_language
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder, ElderRecord

_PATTERN = ["varchar_pattern_ops"]
_DATES_ORDERED = Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from"))


class CardRule(TimeStampedModel):
    """优待证办理条件: who may have a card from ``valid_from`` (age, 户籍 or 居住证) and for how long."""

    name = models.CharField(_("名称"), max_length=60)
    min_age = models.PositiveSmallIntegerField(_("起始年龄"), default=60)
    hukou_local = models.BooleanField(_("本地户籍可办"), default=True)
    residence_permit = models.BooleanField(_("持本地居住证可办"), default=True)
    validity_years = models.PositiveSmallIntegerField(
        _("有效期（年）"), null=True, blank=True, help_text=_("空 = 长期有效")
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("优待证办理条件")
        verbose_name_plural = _("优待证办理条件")
        ordering = ["-valid_from"]
        constraints = [models.CheckConstraint(condition=_DATES_ORDERED, name="cardrule_dates_ordered")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cards:cardrule_edit", args=[self.pk])


class CardSequence(models.Model):
    """The last card number used in a community (证号 = 社区区划代码 + 六位顺序号).

    Numbers are taken by one ``UPDATE … SET last_number = last_number + n`` on this row, which locks
    it until the issuing transaction ends: two clerks of one community never get the same number.
    """

    prefix = models.CharField(_("社区代码"), max_length=15, unique=True)
    last_number = models.PositiveIntegerField(_("已用顺序号"), default=0)

    class Meta:
        verbose_name = _("优待证号段")
        verbose_name_plural = _("优待证号段")

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last_number}"


class Card(ElderRecord, TimeStampedModel):
    """老年人优待证: one card issued to one elder, with its number and validity.

    An elder holds at most one valid card. A lost or damaged card is voided and a new one with a new
    number issued (``replaces``); a death or move away cancels the valid card.
    """

    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="cards")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    number = models.CharField(_("证号"), max_length=24, unique=True)
    basis = models.CharField(_("办理依据"), max_length=10, choices=CardBasis.choices, default=CardBasis.HUKOU)
    permit_number = models.CharField(_("居住证号"), max_length=30, blank=True)
    issued_on = models.DateField(_("发证日期"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CardStatus.choices, default=CardStatus.VALID)
    void_reason = models.CharField(_("作废原因"), max_length=10, choices=VoidReason.choices, blank=True)
    ended_on = models.DateField(_("作废/注销日期"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("补换自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    rule = models.ForeignKey(
        CardRule, verbose_name=_("办理条件"), null=True, blank=True, on_delete=models.PROTECT
    )
    batch = models.CharField(_("批次"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("老年人优待证")
        verbose_name_plural = _("老年人优待证")
        ordering = ["-issued_on", "-id"]
        permissions = [
            ("issue_card", "发放、补办优待证"),
            ("print_card", "打印优待证"),
            ("export_card", "导出优待证"),
        ]
        indexes = [
            models.Index(
                fields=["area_path", "status"], opclasses=[*_PATTERN, "varchar_ops"], name="card_area_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["elder"], condition=Q(status=CardStatus.VALID), name="card_one_valid_per_elder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.elder.name}"

    def get_absolute_url(self) -> str:
        return reverse("cards:card_detail", args=[self.pk])

    def expired(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.status == CardStatus.VALID and self.valid_to is not None and self.valid_to < day

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class InsuranceRule(TimeStampedModel):
    """银龄安康参保规则: the year's premium, which groups the government pays for, and the county's
    coverage target. The rule in force on 1 January decides a year's list."""

    name = models.CharField(_("名称"), max_length=60)
    premium = models.DecimalField(_("每人保费（元）"), max_digits=8, decimal_places=2)
    tekun_paid = models.BooleanField(_("特困人员政府代缴"), default=True)
    dibao_paid = models.BooleanField(_("低保对象政府代缴"), default=True)
    paid_from_age = models.PositiveSmallIntegerField(
        _("政府代缴起始年龄"), null=True, blank=True, help_text=_("空 = 不按年龄代缴")
    )
    target = models.DecimalField(_("覆盖率目标（%）"), max_digits=5, decimal_places=2)
    insurer = models.CharField(_("承保公司"), max_length=60, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("银龄安康参保规则")
        verbose_name_plural = _("银龄安康参保规则")
        ordering = ["-valid_from"]
        constraints = [models.CheckConstraint(condition=_DATES_ORDERED, name="insurancerule_dates_ordered")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cards:insurancerule_edit", args=[self.pk])


class Enrolment(ElderRecord, TimeStampedModel):
    """银龄安康参保名单: one elder insured for one year, paid by the government or by the elder.

    The same elder twice in one year is refused by the database (``enrolment_one_per_year``) and
    reported row by row by the import. ``elder_living`` follows the registry's status (kept by the
    status listener), so the coverage rate counts the living.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="enrolments"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    payer = models.CharField(_("缴费方式"), max_length=12, choices=Payer.choices)
    group = models.CharField(_("参保类别"), max_length=12, choices=InsuredGroup.choices)
    premium = models.DecimalField(_("保费（元）"), max_digits=8, decimal_places=2)
    policy_number = models.CharField(_("保单号"), max_length=40, blank=True)
    enrolled_on = models.DateField(_("参保日期"))
    source = models.CharField(_("来源"), max_length=12, choices=EnrolmentSource.choices)
    elder_living = models.BooleanField(_("在册"), default=True)
    import_batch = models.ForeignKey(
        "core.ImportBatch", verbose_name=_("导入批次"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("银龄安康参保")
        verbose_name_plural = _("银龄安康参保名单")
        ordering = ["-year", "area_path", "id"]
        permissions = [("import_enrolment", "导入保险公司参保名单"), ("export_enrolment", "导出参保名单")]
        constraints = [models.UniqueConstraint(fields=["elder", "year"], name="enrolment_one_per_year")]
        indexes = [
            # The coverage figures: an index-only count per area for a year.
            models.Index(
                fields=["year", "elder_living", "area_path"],
                opclasses=["int2_ops", "bool_ops", *_PATTERN],
                name="enrolment_coverage_idx",
            ),
        ]

    def __str__(self) -> str:
        with records_language():
            return f"{self.year}年 {self.elder.name}（{self.get_group_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("cards:enrolment_list") + f"?year={self.year}&q={self.elder.name}"

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class Claim(ElderRecord, TimeStampedModel):
    """银龄安康理赔: an accident of an insured elder, the amount claimed and what the insurer paid."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("参保记录"), on_delete=models.PROTECT, related_name="claims"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="insurance_claims"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    number = models.CharField(_("报案号"), max_length=40, unique=True)
    kind = models.CharField(_("理赔类型"), max_length=12, choices=ClaimKind.choices)
    occurred_on = models.DateField(_("出险日期"))
    description = models.CharField(_("出险经过"), max_length=300, blank=True)
    claimed = models.DecimalField(_("申请金额（元）"), max_digits=10, decimal_places=2)
    paid = models.DecimalField(_("赔付金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    decided_on = models.DateField(_("结案日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("银龄安康理赔")
        verbose_name_plural = _("银龄安康理赔")
        ordering = ["-occurred_on", "-id"]
        permissions = [("export_claim", "导出理赔记录")]
        constraints = [
            models.CheckConstraint(condition=Q(claimed__gte=0), name="claim_claimed_not_negative"),
            models.CheckConstraint(
                condition=Q(paid__isnull=True) | Q(paid__gte=0), name="claim_paid_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.elder.name}"

    def get_absolute_url(self) -> str:
        return reverse("cards:claim_edit", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def save(self, *args: object, **kwargs: object) -> None:
        self.elder_id = self.enrolment.elder_id
        self.area_path = self.enrolment.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]
