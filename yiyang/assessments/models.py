"""Capability assessments (老年人能力评估) and the scoring rules in force (评估规则配置)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.assessments import scoring
from yiyang.assessments.choices import ComaLevel, Level, Reason, RiskCounting, Scheme, Status
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder, ElderRecord


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the last day of the month where it does not exist)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class ScoringConfig(TimeStampedModel):
    """评估规则配置: how the open points of GB/T 42195 Annex C.4 are read, and the re-assessment
    interval, from a date on, for an area (usually the district).

    The reference leaves the coma level, whether the two "+1 level" rules add up, how risk events are
    counted and the re-assessment interval unsettled ([U], domain-standards §9 item 1): the bureau
    decides, and a change applies to assessments dated from ``valid_from`` without touching
    earlier ones. The most specific area wins; without any row the built-in defaults apply.
    """

    area = models.ForeignKey(Area, verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    valid_from = models.DateField(_("生效日期"))
    coma_level = models.PositiveSmallIntegerField(
        _("昏迷者直接评定为"), choices=ComaLevel.choices, default=ComaLevel.TOTAL
    )
    raises_add_up = models.BooleanField(
        _("两条提级规则叠加"),
        default=True,
        help_text=_(
            "勾选：确诊痴呆/精神障碍与照护风险事件各提高一级（最高完全失能）；不勾选：合计只提高一级"
        ),
    )
    risk_counting = models.CharField(
        _("照护风险事件计数方式"), max_length=12, choices=RiskCounting.choices, default=RiskCounting.TOTAL
    )
    risk_threshold = models.PositiveSmallIntegerField(_("风险事件提级次数"), default=2)
    reassessment_months = models.PositiveSmallIntegerField(
        _("评估有效期（月）"), default=12, help_text=_("到期需复评；参考资料未核实（[U]），由民政局确定")
    )
    reminder_days = models.PositiveSmallIntegerField(_("到期提前提醒（天）"), default=30)
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    # The rules of the district apply to its streets and communities, which read them; a rule is
    # changed only by those whose own area contains it.
    scope_above = ("view",)

    class Meta:
        verbose_name = _("评估规则配置")
        verbose_name_plural = _("评估规则配置")
        ordering = ["area_path", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["area", "valid_from"], name="unique_scoring_config_date"),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} {self.valid_from:%Y-%m-%d} 起"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def rules(self) -> scoring.ScoringConfig:
        return scoring.ScoringConfig(
            coma_level=self.coma_level,
            raises_add_up=self.raises_add_up,
            risk_counting="same_type" if self.risk_counting == RiskCounting.SAME_TYPE else "total",
            risk_threshold=self.risk_threshold,
        )


class Assessment(ElderRecord, TimeStampedModel):
    """老年人能力评估: one assessment of one elder, with every item answer (附录B), the change facts
    (附录A: 昏迷, 疾病诊断, 近30天照护风险事件), the computed subtotals and levels, and who assessed.

    Items are stored, never only the level: a rule change or an appeal can be re-scored. A draft holds
    partial answers; confirming scores it with the rules in force on ``assessed_on``, fixes
    ``valid_to`` and makes the elder's 能力等级 follow the latest confirmed assessment.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="assessments"
    )
    scheme = models.CharField(_("评估标准"), max_length=12, choices=Scheme.choices, default=Scheme.GB42195)
    reason = models.CharField(_("评估原因"), max_length=12, choices=Reason.choices, default=Reason.FIRST)
    assessed_on = models.DateField(_("评估日期"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    assessor_name = models.CharField(_("评估员"), max_length=50)
    assessor2_name = models.CharField(_("第二评估员"), max_length=50, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估员账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.CharField(_("评估机构"), max_length=100)
    answers = models.JSONField(_("评估项目得分"), default=dict, blank=True)
    coma = models.BooleanField(_("昏迷"), default=False, help_text=_("附录A A.5.11"))
    dementia = models.BooleanField(_("确诊痴呆（F00–F03）"), default=False)
    mental_disorder = models.BooleanField(_("精神科诊断的其他精神和行为障碍（F04–F99）"), default=False)
    risk_falls = models.PositiveSmallIntegerField(_("近30天跌倒次数"), default=0)
    risk_wandering = models.PositiveSmallIntegerField(_("近30天走失次数"), default=0)
    risk_choking = models.PositiveSmallIntegerField(_("近30天噎食次数"), default=0)
    risk_self_harm = models.PositiveSmallIntegerField(_("近30天自杀自伤次数"), default=0)
    risk_other = models.PositiveSmallIntegerField(_("近30天其他风险事件次数"), default=0)
    subtotals = models.JSONField(_("分项得分"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)
    grades = models.JSONField(_("维度分级（MZ/T 039）"), null=True, blank=True)
    preliminary_level = models.PositiveSmallIntegerField(
        _("初步等级"), choices=Level.choices, null=True, blank=True
    )
    final_level = models.PositiveSmallIntegerField(
        _("最终等级"), choices=Level.choices, null=True, blank=True
    )
    level_changes = models.JSONField(_("等级变更依据"), default=list, blank=True)
    config = models.ForeignKey(
        ScoringConfig,
        verbose_name=_("适用规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rules_applied = models.JSONField(_("适用规则快照"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.CharField(_("确认人"), max_length=150, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    RISK_FIELDS = {
        "fall": "risk_falls",
        "wandering": "risk_wandering",
        "choking": "risk_choking",
        "self_harm": "risk_self_harm",
        "other": "risk_other",
    }

    class Meta:
        verbose_name = _("能力评估")
        verbose_name_plural = _("能力评估")
        ordering = ["-assessed_on", "-id"]
        permissions = [
            ("confirm_assessment", "确认能力评估"),
            ("void_assessment", "作废能力评估"),
            ("print_assessment", "打印能力评估报告"),
            ("export_assessment", "导出能力评估"),
        ]
        indexes = [
            models.Index(fields=["elder", "status", "assessed_on"]),
            models.Index(fields=["status", "valid_to"]),
        ]

    def __str__(self) -> str:
        return f"能力评估 #{self.pk} {self.elder.name} {self.assessed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assessments:assessment_detail", args=[self.pk])

    # -- scoring inputs ------------------------------------------------------------------------
    def facts(self) -> scoring.ChangeFacts:
        return scoring.ChangeFacts(
            coma=self.coma,
            dementia=self.dementia,
            mental_disorder=self.mental_disorder,
            risk_events={kind: getattr(self, name) for kind, name in self.RISK_FIELDS.items()},
        )

    def int_answers(self) -> dict[str, Any]:
        """Answers as stored (JSON keeps ints); None for unanswered."""
        return dict(self.answers or {})

    # -- display -------------------------------------------------------------------------------
    @property
    def final_level_name(self) -> str:
        if self.final_level is None:
            return ""
        return str(scoring.level_name(self.scheme, self.final_level))

    @property
    def final_level_short(self) -> str:
        if self.final_level is None:
            return ""
        if self.scheme == Scheme.MZT039:
            return str(scoring.MZT_LEVEL_NAMES[self.final_level])
        return str(scoring.LEVEL_SHORT[self.final_level])

    @property
    def preliminary_level_name(self) -> str:
        if self.preliminary_level is None:
            return ""
        return str(scoring.level_name(self.scheme, self.preliminary_level))

    def is_valid_on(self, day: datetime.date) -> bool:
        return (
            self.status == Status.CONFIRMED
            and self.valid_to is not None
            and self.assessed_on <= day <= self.valid_to
        )

    def risk_event_total(self) -> int:
        return sum(getattr(self, name) for name in self.RISK_FIELDS.values())
