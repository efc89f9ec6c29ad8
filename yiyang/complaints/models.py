"""Complaints and petitions (投诉 · 信访): cases from every channel, their events, deadlines and calendar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.benefits.models import PaymentRoll
from yiyang.complaints.choices import (
    Category,
    Channel,
    CreditList,
    DayKind,
    DueUnit,
    EventKind,
    ExtensionStatus,
    Finding,
    ProtectionStatus,
    ReferralKind,
    ReferralStatus,
    Relation,
    Risk,
    Satisfaction,
    ScoreSource,
    Status,
    StepKind,
    UnitKind,
)
from yiyang.core import crypto
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.institutions.models import Institution
from yiyang.people.models import Elder
from yiyang.safety.models import Alarm
from yiyang.services.models import Provider, WorkOrder

_PATTERN = ["varchar_pattern_ops"]


class Case(TimeStampedModel):
    """投诉信访件: one complaint, petition or request for help, from any channel, until it is closed.

    ``area_path`` is where the case lies (the elder's community, or the area the complainant named):
    offices see it along the area axis. The unit it is assigned to may be a provider, whose staff see
    it through their membership (``unit_provider``) — and never who complained, unless the
    complainant agreed (``consent_disclose``; see :func:`yiyang.complaints.privacy.identity_visible`).
    """

    number = models.CharField(_("编号"), max_length=24, unique=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    external_ref = models.CharField(
        _("来源单号"), max_length=40, blank=True, help_text=_("12345工单号等；同一渠道内唯一")
    )
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    urgent = models.BooleanField(_("紧急"), default=False)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("诉求内容"), max_length=4000)
    elder = models.ForeignKey(
        Elder, verbose_name=_("涉及老人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)

    complainant_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    complainant_phone_enc = models.TextField(blank=True, editable=False)
    complainant_phone_masked = models.CharField(_("诉求人电话"), max_length=20, blank=True, editable=False)
    relation = models.CharField(
        _("与老人关系"), max_length=10, choices=Relation.choices, default=Relation.SELF
    )
    consent_disclose = models.BooleanField(
        _("同意向承办单位公开身份"),
        default=False,
        help_text=_("未同意时，被投诉或承办的服务商看不到诉求人信息"),
    )

    subject_provider = models.ForeignKey(
        Provider, verbose_name=_("被投诉服务商"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    subject_institution = models.ForeignKey(
        Institution, verbose_name=_("被投诉养老机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    institution_name = models.CharField(_("涉及机构"), max_length=100, blank=True)
    work_order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("相关工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    alarm = models.ForeignKey(
        Alarm, verbose_name=_("相关告警"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    roll = models.ForeignKey(
        PaymentRoll, verbose_name=_("相关发放名册"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW)
    unit_kind = models.CharField(_("承办单位类型"), max_length=12, choices=UnitKind.choices, blank=True)
    unit_area = models.ForeignKey(
        Area,
        verbose_name=_("承办街道/社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_provider = models.ForeignKey(
        Provider, verbose_name=_("承办服务商"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    unit_name = models.CharField(_("承办单位"), max_length=100, blank=True)

    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    source_due_at = models.DateTimeField(
        _("来源时限"), null=True, blank=True, help_text=_("12345转办件按市中心的时限办理")
    )
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    due_rule = models.CharField(_("时限依据"), max_length=200, blank=True)
    remind_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    escalated_path = models.CharField(_("督办单位区域"), max_length=15, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    extension_status = models.CharField(
        _("延期"), max_length=10, choices=ExtensionStatus.choices, blank=True, default=ExtensionStatus.NONE
    )
    extension_days = models.PositiveSmallIntegerField(_("申请延期（工作日）"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)

    reply = models.TextField(_("答复意见"), max_length=4000, blank=True)
    finding = models.CharField(_("核实结论"), max_length=12, choices=Finding.choices, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    return_called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "unit_provider_id"

    audit_masked_fields = {"complainant_phone_enc": "complainant_phone_masked"}

    class Meta:
        verbose_name = _("投诉信访件")
        verbose_name_plural = _("投诉信访件")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("export_case", "导出投诉信访件"),
            ("import_case", "导入12345转办件"),
            ("identify_case", "查看诉求人身份"),
            ("assign_case", "交办、转办投诉信访件"),
            ("reply_case", "答复投诉信访件"),
            ("callback_case", "回访投诉信访件"),
            ("approve_case", "审批延期"),
        ]
        constraints = [
            # Importing the 12345 centre's sheet twice, or a retried POST, finds the same case.
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=~Q(external_ref=""),
                name="unique_case_source_ref",
            ),
            # A case can never be closed without a reply.
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | (~Q(reply="") & Q(replied_at__isnull=False)),
                name="case_closed_has_reply",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="case_area_idx"),
            models.Index(fields=["received_at", "area_path"], name="case_received_idx"),
            models.Index(fields=["status", "due_at"], name="case_status_due_idx"),
            models.Index(fields=["unit_provider", "received_at"], name="case_unit_provider_idx"),
            models.Index(fields=["subject_provider", "replied_at"], name="case_subject_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("complaints:case_detail", args=[self.pk])

    def set_complainant_phone(self, phone: str) -> None:
        phone = (phone or "").strip()
        self.complainant_phone_enc = crypto.encrypt(phone) if phone else ""
        self.complainant_phone_masked = crypto.mask_phone(phone)

    @property
    def complainant_phone(self) -> str:
        return crypto.decrypt(self.complainant_phone_enc) if self.complainant_phone_enc else ""

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def overdue(self) -> bool:
        return bool(
            self.status in (Status.NEW, Status.ASSIGNED) and self.due_at and self.due_at < timezone.now()
        )

    @property
    def unit_label(self) -> str:
        if self.unit_provider_id:
            return str(self.unit_provider)
        if self.unit_area_id:
            return str(self.unit_area)
        return self.unit_name

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.elder_id


class CaseTally(models.Model):
    """办结率统计: case counts per day received, area and responsible unit, kept exactly by every action.

    The 办结率 page sums these few rows instead of grouping the cases: each action that opens, assigns,
    transfers, replies to, calls back, closes, reopens or deletes a case moves that case's one count
    from its cell before to its cell after, in the action's transaction (:mod:`yiyang.complaints.tallies`),
    and :func:`~yiyang.complaints.tallies.rebuild` recomputes them all from the cases with the same
    definition. The cell carries the case's area path and unit provider, so the one door scopes it as
    it scopes the cases: a street sees the cells of its own areas, a provider those of its own cases.
    Overdue counts depend on the clock and are read from the open cases themselves.
    """

    day = models.DateField(_("受理日期"))
    area_path = models.CharField(_("区域路径"), max_length=15)
    unit_provider = models.ForeignKey(
        Provider, verbose_name=_("承办服务商"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        db_index=False,
    )  # fmt: skip
    #: ``unit_provider_id`` or 0: the unique cell key without a NULL (which never conflicts)
    unit_key = models.BigIntegerField(_("承办单位键"), default=0)
    unit_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    total = models.IntegerField(_("受理件数"), default=0)
    closed = models.IntegerField(_("办结"), default=0)
    on_time = models.IntegerField(_("按时办结"), default=0)
    called = models.IntegerField(_("已回访"), default=0)
    satisfied = models.IntegerField(_("满意"), default=0)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "unit_provider_id"

    class Meta:
        verbose_name = _("办结率统计")
        verbose_name_plural = _("办结率统计")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "area_path", "unit_key", "unit_name"], name="unique_case_tally_cell"
            ),
        ]
        indexes = [
            models.Index(fields=["unit_provider", "day"], name="case_tally_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.area_path} {self.unit_name}: {self.closed}/{self.total}"


class CaseEvent(models.Model):
    """办理记录: one step of a case (intake, assignment, reminder, escalation, reply, return call …)."""

    case = models.ForeignKey(
        Case, verbose_name=_("投诉信访件"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("环节"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    actor_name = models.CharField(_("经办人"), max_length=50, blank=True)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    objects = ScopedManager()
    scope_path = "case__area_path"
    scope_organisation = "case__unit_provider_id"

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class DeadlineRule(models.Model):
    """办理时限规则: how long a unit has, by channel and category, as data with effective dates.

    Blank channel or category matches any; the most specific rule in force on the day a case is
    received applies (channel and category, then channel, then category, then the default).
    """

    name = models.CharField(_("名称"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, blank=True)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, blank=True)
    step = models.CharField(
        _("保护性跟进环节"), max_length=12, choices=StepKind.choices, blank=True,
        help_text=_("留空为投诉件办理时限；选择环节则为疏于照料或虐待案件该环节的时限"),
    )  # fmt: skip
    amount = models.PositiveSmallIntegerField(_("时限"))
    unit = models.CharField(_("单位"), max_length=14, choices=DueUnit.choices, default=DueUnit.WORKING_DAYS)
    remind_hours = models.PositiveSmallIntegerField(_("提前提醒（小时）"), default=24)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        ordering = ["channel", "category", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="deadline_rule_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deadline_rule_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.amount} {DueUnit(self.unit).label}）"

    def get_absolute_url(self) -> str:
        return reverse("complaints:deadlinerule_list")


class CalendarDay(models.Model):
    """法定节假日安排: a day off (放假) or a weekend day worked instead (调休上班), as published
    by the State Council each year. Every other weekday is a working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=20)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} {DayKind(self.kind).label}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:calendarday_list")


class ScoreRule(models.Model):
    """服务商考评规则: the points an event costs a provider (negative), the base score and the
    credit-list thresholds, as data with effective dates. The rules in force on a month's first day
    score that month."""

    source = models.CharField(_("计分项"), max_length=16, choices=ScoreSource.choices)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("服务商考评规则")
        verbose_name_plural = _("服务商考评规则")
        ordering = ["source", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="score_rule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{ScoreSource(self.source).label} {self.points}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:scorerule_list")


class ScorePoint(models.Model):
    """考评记分: one event that moved a provider's monthly score, with the rule's points and a link back
    to the event (a case, a service exception, a return call, a rating). Written by the monthly run."""

    # No index of its own: the (provider, month) index and constraint lead with it. No constraint in the
    # database either: the monthly run writes every point from a provider row it has just read (half a
    # million a month: a deferred check per row would cost more than writing them); deleting a provider
    # still deletes its points (Django's cascade).
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    month = models.DateField(_("月份"))
    source = models.CharField(_("计分项"), max_length=16, choices=ScoreSource.choices)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    at = models.DateTimeField(_("发生时间"))
    area_path = models.CharField(_("区域路径"), max_length=15)
    ref_type = models.CharField(_("来源"), max_length=40)
    ref_id = models.BigIntegerField(_("来源编号"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "provider_id"

    class Meta:
        verbose_name = _("考评记分")
        verbose_name_plural = _("考评记分")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["provider", "month"], name="score_point_provider_idx")]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.month:%Y-%m} {self.source} {self.points}"


class ProviderScore(models.Model):
    """服务商月度考评: a provider's score for a month (base plus the points of its events) and its
    place on the credit list (红黑榜). Every district office sees the list; a provider its own row."""

    # No index of its own: the (provider, month) index and constraint lead with it.
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("月份"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    deducted = models.DecimalField(_("扣分"), max_digits=7, decimal_places=1)
    events = models.PositiveIntegerField(_("扣分事件"))
    credit_list = models.CharField(_("红黑榜"), max_length=6, choices=CreditList.choices, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedManager()
    scope_path = None  # the credit list is published to every office
    scope_organisation = "provider_id"

    class Meta:
        verbose_name = _("服务商月度考评")
        verbose_name_plural = _("服务商月度考评")
        ordering = ["-month", "-score", "provider_id"]
        permissions = [("compute_providerscore", "计算服务商月度考评")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="unique_provider_score_month")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.month:%Y-%m} {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:providerscore_detail", args=[self.pk])


class InstitutionScorePoint(models.Model):
    """机构考评记分: one event that moved a home's monthly score — an upheld complaint against it, an
    inspection finding (by severity), a rectification deadline missed or kept, an incident that harmed
    a resident — with the rule's points and a link back to the case, finding or incident."""

    # Written by the monthly run from home rows it has just read: no database constraint (see ScorePoint).
    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    month = models.DateField(_("月份"))
    source = models.CharField(_("计分项"), max_length=16, choices=ScoreSource.choices)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    at = models.DateTimeField(_("发生时间"))
    area_path = models.CharField(_("区域路径"), max_length=15)  # the home's
    ref_type = models.CharField(_("来源"), max_length=40)
    ref_id = models.BigIntegerField(_("来源编号"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("机构考评记分")
        verbose_name_plural = _("机构考评记分")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["institution", "month"], name="inst_score_point_idx")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.month:%Y-%m} {self.source} {self.points}"


class InstitutionScore(models.Model):
    """养老机构月度考评: a home's score for a month and its place on the credit list. The district and
    the street of the home see it (for the operating contract of a 公建民营 home, the star review and
    the subsidy); the home sees its own rows only."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("养老机构"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("月份"))
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)  # the home's
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    deducted = models.DecimalField(_("扣分"), max_digits=7, decimal_places=1)
    events = models.PositiveIntegerField(_("记分事件"))
    credit_list = models.CharField(_("红黑榜"), max_length=6, choices=CreditList.choices, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "institution_id"

    class Meta:
        verbose_name = _("养老机构月度考评")
        verbose_name_plural = _("养老机构月度考评")
        ordering = ["-month", "-score", "institution_id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "month"], name="unique_institution_score_month")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.month:%Y-%m} {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:institutionscore_detail", args=[self.pk])


class Referral(models.Model):
    """维权转介: a case referred to legal aid, a lawyer, mediation or the elders' rights centre,
    tracked until it is concluded (or declined) with its outcome."""

    case = models.ForeignKey(
        Case, verbose_name=_("投诉信访件"), on_delete=models.CASCADE, related_name="referrals"
    )
    kind = models.CharField(_("转介类型"), max_length=16, choices=ReferralKind.choices)
    to_name = models.CharField(_("承接机构或律师"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    note = models.CharField(_("转介说明"), max_length=300, blank=True)
    outcome = models.CharField(_("结果"), max_length=500, blank=True)
    referred_at = models.DateTimeField(_("转介时间"), default=timezone.now)
    concluded_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("转介人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedManager()
    scope_path = "case__area_path"

    class Meta:
        verbose_name = _("维权转介")
        verbose_name_plural = _("维权转介")
        ordering = ["-referred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.to_name}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:case_detail", args=[self.case_id]) + "#referrals"

    @property
    def audit_area_path(self) -> str:
        return self.case.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.case.elder_id


class ProtectiveCase(models.Model):
    """保护性跟进: what a complaint of neglect or abuse opens — mandatory steps, each with its deadline
    (a visit, a risk assessment, a referral, a review), escalated when one passes undone.

    Seen by the civil-affairs offices of the elder's area only (the area axis, no organisation): the
    provider or institution complained about never sees it, nor the hotline.
    """

    case = models.OneToOneField(
        Case, verbose_name=_("投诉信访件"), on_delete=models.PROTECT, related_name="protection"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=ProtectionStatus.choices, default=ProtectionStatus.OPEN
    )
    risk = models.CharField(_("风险等级"), max_length=8, choices=Risk.choices, blank=True)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(_("跟进结论"), max_length=300, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("保护性跟进")
        verbose_name_plural = _("保护性跟进")
        ordering = ["-opened_at", "-id"]
        permissions = [("export_protectivecase", "导出保护性跟进")]
        indexes = [models.Index(fields=["area_path", "status"], name="protection_area_idx")]

    def __str__(self) -> str:
        return f"{self.case.number} 保护性跟进"

    def get_absolute_url(self) -> str:
        return reverse("complaints:protectivecase_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.elder_id


class ProtectiveStep(models.Model):
    """One mandatory step of a protective follow-up, due by its rule's deadline; done with a note (the
    assessment with the risk found, the referral naming the referral made or why none is needed)."""

    protection = models.ForeignKey(
        ProtectiveCase, verbose_name=_("保护性跟进"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("环节"), max_length=12, choices=StepKind.choices)
    due_at = models.DateTimeField(_("应完成时间"))
    due_rule = models.CharField(_("时限依据"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.CharField(_("经办人"), max_length=50, blank=True)
    note = models.CharField(_("情况记录"), max_length=500, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "protection__area_path"

    class Meta:
        verbose_name = _("跟进环节")
        verbose_name_plural = _("跟进环节")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["protection", "kind"], name="one_step_per_kind")]
        indexes = [
            models.Index(fields=["due_at"], name="protective_step_due_idx", condition=Q(done_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.protection_id} {self.kind}"

    def get_absolute_url(self) -> str:
        return self.protection.get_absolute_url() + f"#step-{self.pk}"

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()
