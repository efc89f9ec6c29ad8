"""Home adaptation (适老化改造): contractors, the item catalogue and caps, projects and their photos.

A project is one household's adaptation, from enrolment (the registry's 低保, 低边, 三老 and 特困
elders, or an application) through the home survey against the catalogue, the street's approval within
the per-household cap, a contractor's works with before/after photos, acceptance by the elder and the
street or a third party, payment to the contractor and the use check 3–6 months later; or an opt-out
recorded in writing with its reason. The catalogue's prices and the caps are rules with effective dates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.adaptation.choices import (
    Acceptor,
    Category,
    OptOutReason,
    PhotoStage,
    Source,
    Status,
    UseResult,
)
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder, ElderRecord
from yiyang.safety.choices import DeviceKind

_PATTERN = ["varchar_pattern_ops"]


class Contractor(TimeStampedModel):
    """施工单位: a firm that carries out adaptation works; its staff see only its own jobs."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    objects = ScopedManager()
    scope_path = None
    scope_organisation = "pk"

    class Meta:
        verbose_name = _("施工单位")
        verbose_name_plural = _("施工单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("adaptation:contractor_list")


class CatalogueItem(models.Model):
    """改造项目目录: one item of works with its price, in force from ``valid_from`` to ``valid_to``.

    A new price is a new row from a later date; a survey takes the price in force on its day.
    ``device_kind`` marks items that install a safety device (一键呼叫, 烟感 …): accepted, they appear in
    safety's device registry.
    """

    code = models.CharField(_("编码"), max_length=16)
    name = models.CharField(_("名称"), max_length=60)
    unit = models.CharField(_("计量单位"), max_length=8, default="个")
    price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    device_kind = models.CharField(
        _("安装设备"), max_length=16, choices=DeviceKind.choices, blank=True, default=""
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's catalogue: the permission alone decides

    class Meta:
        verbose_name = _("改造项目目录")
        verbose_name_plural = _("改造项目目录")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unique_adaptation_item_from"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="adaptation_item_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="adaptation_item_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("adaptation:catalogueitem_list")


class CapRule(models.Model):
    """每户补助上限: the most a household's works may cost, by category (blank: any), as a dated rule."""

    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, blank=True)
    amount = models.DecimalField(_("上限（元）"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("每户补助上限")
        verbose_name_plural = _("每户补助上限")
        ordering = ["category", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="adaptation_cap_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="adaptation_cap_positive"),
        ]

    def __str__(self) -> str:
        label = Category(self.category).label if self.category else _("各类")
        return f"{label} {self.amount} ({self.valid_from:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("adaptation:caprule_list")


class Project(ElderRecord, TimeStampedModel):
    """适老化改造项目: one household's adaptation, enrolment to use check (or opt-out).

    ``cap`` is frozen from the rule in force on enrolment. The contractor's staff see the project
    through their membership once it is assigned to them (``scope_organisation``).
    """

    elder = models.ForeignKey(Elder, verbose_name=_("老人"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.REGISTRY)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ENROLLED)
    cap = models.DecimalField(_("补助上限（元）"), max_digits=10, decimal_places=2)
    enrolled_on = models.DateField(_("纳入日期"), default=timezone.localdate)
    application_note = models.CharField(_("申请说明"), max_length=300, blank=True)

    surveyed_on = models.DateField(_("勘查日期"), null=True, blank=True)
    surveyor = models.CharField(_("勘查人"), max_length=50, blank=True)
    survey_note = models.CharField(_("勘查情况"), max_length=500, blank=True)
    plan_total = models.DecimalField(_("方案金额（元）"), max_digits=10, decimal_places=2, default=Decimal(0))
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    contractor = models.ForeignKey(
        Contractor, verbose_name=_("施工单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="projects",
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    works_finished_on = models.DateField(_("完工日期"), null=True, blank=True)

    elder_signed = models.BooleanField(_("老人签字确认"), default=False)
    acceptor = models.CharField(_("验收方"), max_length=12, choices=Acceptor.choices, blank=True)
    acceptor_name = models.CharField(_("验收单位/人"), max_length=100, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    acceptance_note = models.CharField(_("验收意见"), max_length=300, blank=True)

    paid_amount = models.DecimalField(
        _("付款金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("付款日期"), null=True, blank=True)
    payment_ref = models.CharField(_("付款凭证号"), max_length=40, blank=True)

    use_check_from = models.DateField(_("回访起始"), null=True, blank=True)
    use_check_to = models.DateField(_("回访截止"), null=True, blank=True)
    use_checked_on = models.DateField(_("回访日期"), null=True, blank=True)
    use_result = models.CharField(_("使用情况"), max_length=10, choices=UseResult.choices, blank=True)
    use_note = models.CharField(_("回访记录"), max_length=300, blank=True)

    opt_out_reason = models.CharField(_("放弃原因"), max_length=12, choices=OptOutReason.choices, blank=True)
    opt_out_statement = models.CharField(_("书面声明"), max_length=500, blank=True)
    opt_out_signed_on = models.DateField(_("声明签署日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "contractor_id"

    class Meta:
        verbose_name = _("适老化改造项目")
        verbose_name_plural = _("适老化改造项目")
        ordering = ["-year", "area_path", "id"]
        permissions = [
            ("export_project", "导出适老化改造项目"),
            ("enrol_project", "从台账纳入改造对象"),
            ("survey_project", "入户勘查、制定改造方案"),
            ("approve_project", "审批改造方案、指派施工单位"),
            ("works_project", "施工、上传施工照片"),
            ("accept_project", "验收改造"),
            ("pay_project", "向施工单位付款"),
            ("check_project", "使用情况回访"),
            ("optout_project", "登记放弃改造"),
        ]
        constraints = [
            # One adaptation per household and year: enrolling twice doubles nothing.
            models.UniqueConstraint(fields=["elder", "year"], name="unique_adaptation_elder_year"),
            # Never paid above the cap, never paid without acceptance.
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__lte=models.F("cap")),
                name="adaptation_paid_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(accepted_on__isnull=False),
                name="adaptation_paid_after_acceptance",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.OPTED_OUT) | ~Q(opt_out_statement=""),
                name="adaptation_opt_out_in_writing",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="adaptation_area_idx"),
            models.Index(fields=["status", "use_check_from"], name="adaptation_status_check_idx"),
            models.Index(fields=["contractor", "status"], name="adaptation_contractor_idx"),
        ]

    def __str__(self) -> str:
        name = self.elder.name if self.elder_id else ""
        return f"{self.number} {name}"

    @property
    def number(self) -> str:
        return f"SL{self.year}-{self.pk or 0:05d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.elder.area_path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("adaptation:project_detail", args=[self.pk])

    @property
    def use_check_due(self) -> bool:
        today = timezone.localdate()
        return bool(
            self.status in (Status.ACCEPTED, Status.PAID)
            and self.use_checked_on is None
            and self.use_check_from is not None
            and self.use_check_from <= today
        )

    @property
    def use_check_overdue(self) -> bool:
        return bool(self.use_check_due and self.use_check_to and self.use_check_to < timezone.localdate())

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class PlanLine(models.Model):
    """改造清单: one catalogue item of a household's plan, priced on the survey day; a device's serial
    is recorded when it is installed."""

    project = models.ForeignKey(
        Project, verbose_name=_("改造项目"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        CatalogueItem, verbose_name=_("改造项目"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("数量"))
    unit_price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    device_serial = models.CharField(_("设备序列号"), max_length=64, blank=True)

    objects = ScopedManager()
    scope_path = "project__area_path"
    scope_organisation = "project__contractor_id"

    class Meta:
        verbose_name = _("改造清单")
        verbose_name_plural = _("改造清单")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="unique_adaptation_line_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="adaptation_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} × {self.quantity}"


class Photo(models.Model):
    """施工照片: a before or after photo of the works, kept privately (served only through the door)."""

    project = models.ForeignKey(
        Project, verbose_name=_("改造项目"), on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    image = models.FileField(_("照片"), upload_to="adaptation/photos/%Y/%m/")
    sha256 = models.CharField(_("指纹"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = ScopedManager()
    scope_path = "project__area_path"
    scope_organisation = "project__contractor_id"

    class Meta:
        verbose_name = _("施工照片")
        verbose_name_plural = _("施工照片")
        ordering = ["project", "stage", "uploaded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "sha256"], name="unique_adaptation_photo")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_stage_display()} {self.sha256[:8]}"

    @property
    def audit_area_path(self) -> str:
        return self.project.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.project.elder_id


def use_check_window(accepted_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """3 to 6 months after acceptance (the same day of month, or the month's last day)."""
    return add_months(accepted_on, 3), add_months(accepted_on, 6)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
