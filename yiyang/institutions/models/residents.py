"""Residents of a home: the GB 38600 risk assessment before admission, the stay, and its beds.

A stay (入住) is one elder of the registry in one home from admission to discharge. Its beds are bed
assignments over nights: an assignment from ``start`` until ``end`` (exclusive) holds the bed on the
nights ``start ≤ night < end``, so a move on day D ends the old bed's assignment at D and starts the
new one at D, and a bed-day is a night. A bed never holds two residents on the same night: the
action checks it on the locked bed row, and on PostgreSQL an exclusion constraint refuses it too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import stored
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager, Share
from yiyang.institutions.choices import (
    CareLevel,
    DischargeReason,
    Risk,
    RiskAssessmentReason,
    RiskLevel,
    StayKind,
    StayStatus,
)
from yiyang.institutions.models.facility import Bed, Institution
from yiyang.people.models import Elder


class RiskAssessment(TimeStampedModel):
    """服务安全风险评估 (GB 38600-2019 §5): the nine risks of one elder in one home, with levels and
    measures. Done before admission, again when the elder's condition changes or after an incident;
    the latest one is the elder's risk register in that home."""

    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="risk_assessments"
    )
    assessed_on = models.DateField(_("评估日期"), default=timezone.localdate)
    reason = models.CharField(
        _("评估原因"),
        max_length=12,
        choices=RiskAssessmentReason.choices,
        default=RiskAssessmentReason.ADMISSION,
    )
    assessor = models.CharField(_("评估人"), max_length=50)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    incident = models.ForeignKey(
        "institutions.Incident",
        verbose_name=_("引发事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["elder", "institution", "assessed_on"], name="riskassess_elder_idx")]

    def __str__(self) -> str:
        return f"风险评估 {self.elder.name} {self.assessed_on:%Y-%m-%d}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    def get_absolute_url(self) -> str:
        return reverse("institutions:riskassessment_detail", args=[self.pk])


class RiskItem(models.Model):
    """One of the nine risks of an assessment, with its level and the measures taken (防护措施)."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="items")
    risk = models.CharField(_("风险"), max_length=16, choices=Risk.choices)
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskLevel.choices, default=RiskLevel.NONE)
    measures = models.CharField(_("防护措施"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("风险项")
        verbose_name_plural = _("风险项")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "risk"], name="unique_risk_per_assessment")
        ]

    def __str__(self) -> str:
        return f"{stored(Risk(self.risk).label)} {stored(RiskLevel(self.level).label)}"


def resident_active() -> Q:
    return Q(status=StayStatus.RESIDENT)


class Resident(TimeStampedModel):
    """入住: one elder's stay in one home, with the contract, care level and how it ended.

    Admission requires a GB/T 42195 capability assessment in force and a GB 38600 risk assessment
    (frozen here: later assessments do not rewrite why the elder was admitted). Records are kept at
    least five years after the contract ends (养老机构管理办法 第三十二条): ``retain_until``.
    """

    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="residents"
    )
    kind = models.CharField(_("入住类型"), max_length=10, choices=StayKind.choices, default=StayKind.LONG)
    care_level = models.CharField(_("护理等级"), max_length=12, choices=CareLevel.choices)
    contract_no = models.CharField(_("合同编号"), max_length=50, blank=True)
    planned_end = models.DateField(
        _("约定离院日期"), null=True, blank=True, help_text=_("短期托养、季节性入住填写")
    )
    admitted_on = models.DateField(_("入住日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=StayStatus.choices, default=StayStatus.RESIDENT
    )
    discharged_on = models.DateField(_("离院日期"), null=True, blank=True)
    discharge_reason = models.CharField(
        _("离院原因"), max_length=10, choices=DischargeReason.choices, blank=True, default=""
    )
    discharge_note = models.CharField(_("离院说明"), max_length=200, blank=True)
    retain_until = models.DateField(_("档案保存至"), null=True, blank=True)
    capability_level = models.PositiveSmallIntegerField(_("入住时能力等级"), null=True, blank=True)
    capability_assessed_on = models.DateField(_("能力评估日期"), null=True, blank=True)
    risk_assessment = models.ForeignKey(
        RiskAssessment,
        verbose_name=_("入住前风险评估"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_living_situation = models.CharField(_("入住前居住情况"), max_length=16, blank=True)
    centralised_support = models.BooleanField(
        _("特困集中供养"),
        default=False,
        help_text=_("特困（五保）老人入住本机构集中供养：补贴随之由分散供养转为集中供养"),
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"
    # The home's staff see the registry record of the elders living there (and only while they do).
    scope_shares = (Share("elder", active=resident_active),)

    class Meta:
        verbose_name = _("入住老人")
        verbose_name_plural = _("入住老人")
        ordering = ["institution", "-admitted_on"]
        permissions = [
            ("admit_resident", "办理入住、调床、离院"),
            ("export_resident", "导出入住老人"),
        ]
        constraints = [
            # One elder lives in one home at a time.
            models.UniqueConstraint(
                fields=["elder"], condition=Q(status="resident"), name="one_open_stay_per_elder"
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="resident_discharge_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["institution", "status"], name="resident_home_status_idx")]

    def __str__(self) -> str:
        return f"{self.elder.name} · {self.institution.name}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    def get_absolute_url(self) -> str:
        return reverse("institutions:resident_detail", args=[self.pk])


class BedAssignment(models.Model):
    """床位分配: a resident in a bed for the nights from ``start`` until ``end`` (exclusive; open: still)."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("入住老人"), on_delete=models.CASCADE, related_name="beds"
    )
    bed = models.ForeignKey(Bed, verbose_name=_("床位"), on_delete=models.PROTECT, related_name="assignments")
    # Copied from the stay, so occupancy and subsidies read one table (the bench's hot path).
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    care_level = models.CharField(_("护理等级"), max_length=12, choices=CareLevel.choices)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("床位占用")
        verbose_name_plural = _("床位占用")
        ordering = ["-start"]
        permissions = [("export_bedassignment", "导出床位占用")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="assignment_end_after_start"),
            models.UniqueConstraint(fields=["resident"], condition=Q(end__isnull=True), name="one_open_bed_per_resident"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["bed", "start"], name="assignment_bed_idx"),
            models.Index(fields=["institution", "start", "end"], name="assignment_home_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bed} {self.start:%Y-%m-%d}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path
