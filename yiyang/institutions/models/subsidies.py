"""Subsidies to homes: construction per new bed and operating per occupied bed-month by care level,
as rules with effective dates; a monthly roll per area computed from occupancy, reviewed, approved and
paid by bank file."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.institutions.choices import BedKind, CareLevel, ClaimStatus, SubsidyKind
from yiyang.institutions.models.facility import Institution


class SubsidyRule(models.Model):
    """机构补贴标准: an amount per new bed (construction, by bed kind) or per occupied bed-month
    (operating, by care level); blank kind or level means any. The most specific rule in force wins."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("补贴类型"), max_length=14, choices=SubsidyKind.choices)
    care_level = models.CharField(_("护理等级"), max_length=12, choices=CareLevel.choices, blank=True)
    bed_kind = models.CharField(_("床位类型"), max_length=12, choices=BedKind.choices, blank=True)
    amount = models.DecimalField(_("标准（元）"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("机构补贴标准")
        verbose_name_plural = _("机构补贴标准")
        ordering = ["kind", "care_level", "bed_kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="institution_subsidy_amount_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="institution_subsidy_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.amount} 元"

    def get_edit_url(self) -> str:
        return reverse("institutions:subsidyrule_edit", args=[self.pk])


class SubsidyRoll(TimeStampedModel):
    """机构补贴月度发放表: one month's subsidies to the homes of an area, computed from occupancy."""

    area_path = models.CharField(_("区域路径"), max_length=15)
    area_name = models.CharField(_("区域"), max_length=100)
    month = models.DateField(_("月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("机构补贴发放表")
        verbose_name_plural = _("机构补贴发放表")
        ordering = ["-month", "area_path"]
        permissions = [
            ("review_subsidyroll", "审核机构补贴"),
            ("approve_subsidyroll", "批准机构补贴"),
            ("export_subsidyroll", "导出机构补贴支付文件"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["area_path", "month"], name="one_subsidy_roll_per_area_month")
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.month:%Y-%m} 机构补贴"

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:subsidyroll_detail", args=[self.pk])


class SubsidyLine(models.Model):
    """One home's subsidy of one kind (and care level or bed kind) in a roll, with what it was
    computed from: nights occupied or beds added, and the rate.

    The foreign keys carry no database constraint (as the benefits roll's and the settlement's lines):
    the rows are written, updated and deleted only by ``subsidy.compute_lines``, which takes the home
    from the join on the homes and the roll it holds locked, and two referential checks per line at
    commit cost a month's computation about as much as the aggregate it is made from. Rolls and homes
    are deleted through the ORM, whose CASCADE (roll) and PROTECT (home) still apply. The roll's own index is the composite one below.
    """

    roll = models.ForeignKey(
        SubsidyRoll, on_delete=models.CASCADE, related_name="lines", db_constraint=False, db_index=False
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("养老机构"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    kind = models.CharField(_("补贴类型"), max_length=14, choices=SubsidyKind.choices)
    category = models.CharField(_("护理等级/床位类型"), max_length=12, blank=True)
    quantity = models.IntegerField(_("床日数/新增床位数"))
    bed_months = models.DecimalField(_("床位月"), max_digits=12, decimal_places=2, default=Decimal("0"))
    rate = models.DecimalField(_("标准（元）"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("机构补贴明细")
        verbose_name_plural = _("机构补贴明细")
        ordering = ["institution", "kind", "category"]
        indexes = [models.Index(fields=["roll", "institution"], name="subsidyline_roll_idx")]

    def __str__(self) -> str:
        return f"{self.institution} {self.kind} {self.amount}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path
