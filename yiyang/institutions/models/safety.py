"""GB 38600 safety records (incidents of the nine kinds, day and night rounds) and supervision
(inspections with checklist findings, GB/T 37276 self-assessments and their thresholds)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import stored
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.institutions.choices import (
    FindingSeverity,
    FindingStatus,
    InspectionStatus,
    Risk,
    ScoringArea,
    Shift,
)
from yiyang.institutions.models.facility import Institution
from yiyang.institutions.models.residents import Resident


class Incident(TimeStampedModel):
    """安全事件: a fall, a choking … of one resident (the nine GB 38600 kinds). Each raises that risk in
    the resident's register and counts as a risk event for the next GB/T 42195 assessment."""

    class Harm(models.TextChoices):
        NONE = "none", _("无伤害")
        MINOR = "minor", _("轻微伤害")
        SERIOUS = "serious", _("严重伤害")
        DEATH = "death", _("死亡")

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="incidents"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("入住老人"), on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField(_("事件类型"), max_length=16, choices=Risk.choices)
    occurred_at = models.DateTimeField(_("发生时间"), default=timezone.now)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    harm = models.CharField(_("伤害程度"), max_length=10, choices=Harm.choices, default=Harm.NONE)
    description = models.TextField(_("经过"))
    handling = models.TextField(_("处置情况"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-occurred_at"]
        permissions = [("export_incident", "导出安全事件")]
        indexes = [models.Index(fields=["institution", "occurred_at"], name="incident_home_idx")]

    def __str__(self) -> str:
        return f"{stored(Risk(self.kind).label)} · {self.resident.elder.name} {self.occurred_at:%Y-%m-%d}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.resident.elder_id

    def get_absolute_url(self) -> str:
        return reverse("institutions:incident_detail", args=[self.pk])


class RoundLog(TimeStampedModel):
    """昼夜巡查记录: one shift's rounds in a home, with what was found and handed over."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="rounds"
    )
    date = models.DateField(_("日期"), default=timezone.localdate)
    shift = models.CharField(_("班次"), max_length=8, choices=Shift.choices)
    rounds = models.PositiveSmallIntegerField(_("巡查次数"), default=1)
    staff = models.CharField(_("巡查人"), max_length=100)
    findings = models.TextField(_("巡查发现"), blank=True)
    handover = models.TextField(_("交接班事项"), blank=True)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-date", "shift"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "date", "shift"], name="one_round_log_per_shift")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.date:%Y-%m-%d} {stored(Shift(self.shift).label)}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:roundlog_list") + f"?institution={self.institution_id}"

    def get_edit_url(self) -> str:
        return reverse("institutions:roundlog_edit", args=[self.pk])


class ChecklistItem(models.Model):
    """检查项: one line of the supervisors' inspection checklist, as data with effective dates."""

    code = models.CharField(_("编号"), max_length=20)
    text = models.CharField(_("检查内容"), max_length=300)
    area = models.CharField(
        _("类别"), max_length=16, choices=ScoringArea.choices, default=ScoringArea.SERVICE
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def get_edit_url(self) -> str:
        return reverse("institutions:checklistitem_edit", args=[self.pk])


class Inspection(TimeStampedModel):
    """监督检查: a civil-affairs inspection of a home (at least yearly), closed when every finding
    passes its re-check."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("检查日期"), default=timezone.localdate)
    inspectors = models.CharField(_("检查人员"), max_length=100)
    summary = models.TextField(_("检查结论"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-inspected_on", "-id"]
        permissions = [("supervise_inspection", "开展监督检查、复查和督办")]

    def __str__(self) -> str:
        return f"{self.institution} {self.inspected_on:%Y-%m-%d} 监督检查"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:inspection_detail", args=[self.pk])


class Finding(TimeStampedModel):
    """检查发现的问题: what must be rectified by when; the home reports it done, the supervisor
    re-checks it; a deadline missed is escalated (督办)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("监督检查"), on_delete=models.CASCADE, related_name="findings"
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.CharField(_("问题"), max_length=300)
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=FindingSeverity.choices, default=FindingSeverity.GENERAL
    )
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rectification = models.CharField(_("整改情况"), max_length=300, blank=True)
    rechecked_on = models.DateField(_("复查日期"), null=True, blank=True)
    recheck_note = models.CharField(_("复查意见"), max_length=300, blank=True)
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="finding_due_idx")]

    def __str__(self) -> str:
        return f"{self.institution} · {self.description[:40]}"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:inspection_detail", args=[self.inspection_id]) + f"#finding-{self.pk}"


class StarThreshold(models.Model):
    """星级评定标准: the total and each area's share of its maximum a level needs (GB/T 37276 gives the
    areas; the thresholds are local rules, e.g. 长沙's, and uncertain nationally), with effective dates."""

    level = models.PositiveSmallIntegerField(_("星级"))
    min_total = models.PositiveSmallIntegerField(_("总分不低于"))
    min_area_share = models.PositiveSmallIntegerField(_("各部分得分率不低于（%）"))
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("星级评定标准")
        verbose_name_plural = _("星级评定标准")
        ordering = ["-valid_from", "level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="star_threshold_level_1_5"
            ),
            models.CheckConstraint(condition=Q(min_area_share__lte=100), name="star_threshold_share_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.level}星 ≥{self.min_total}"

    def get_edit_url(self) -> str:
        return reverse("institutions:starthreshold_edit", args=[self.pk])


class StarAssessment(TimeStampedModel):
    """等级评定自评 (GB/T 37276-2018): scores in the four areas and the level they reach under the
    thresholds in force; confirmed by the district, the home's star level follows."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.PROTECT, related_name="star_assessments"
    )
    assessed_on = models.DateField(_("自评日期"), default=timezone.localdate)
    environment = models.PositiveSmallIntegerField(_("环境（满分120）"))
    facilities = models.PositiveSmallIntegerField(_("设施设备（满分130）"))
    management = models.PositiveSmallIntegerField(_("运营管理（满分150）"))
    service = models.PositiveSmallIntegerField(_("服务（满分600）"))
    total = models.PositiveSmallIntegerField(_("总分"), editable=False, default=0)
    level = models.PositiveSmallIntegerField(_("可达星级"), null=True, blank=True, editable=False)
    confirmed = models.BooleanField(_("已评定"), default=False, editable=False)

    objects = ScopedManager()
    scope_path = "institution__area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("等级评定")
        verbose_name_plural = _("等级评定")
        ordering = ["-assessed_on", "-id"]
        permissions = [("confirm_starassessment", "评定养老机构星级")]

    def __str__(self) -> str:
        return f"{self.institution} {self.assessed_on:%Y-%m-%d} 等级自评"

    @property
    def audit_area_path(self) -> str:
        return self.institution.area_path

    def get_absolute_url(self) -> str:
        return reverse("institutions:starassessment_list") + f"?institution={self.institution_id}"
