"""Visits (走访慰问): visit rules by risk, the visit tasks they generate, and the visits recorded."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.i18n import records_language
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.choices import CapabilityLevel, EconomicCategory, LivingSituation
from yiyang.people.models import Elder, ElderRecord
from yiyang.visits.choices import (
    CampaignStatus,
    Condition,
    ContributionStatus,
    ContributorKind,
    Cycle,
    Festival,
    GiftKind,
    Mood,
    Need,
    RecipientSource,
    Seen,
    SignedBy,
    TaskKind,
    TaskStatus,
    Trigger,
)

_PATTERN = ["varchar_pattern_ops"]


class VisitRule(models.Model):
    """走访频次规则: which elders are visited how often, as data a district edits.

    A rule's conditions (age, living situation, economic category, capability level) all hold for
    an elder it matches; an empty condition matches everyone. An elder's tier is the matching
    periodic rule of the smallest ``rank``; ``event`` rules (after a real alarm …) add one visit
    within ``within_days`` of the event, whatever the tier.
    """

    name = models.CharField(_("名称"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("优先级"), default=10, help_text=_("数字越小越优先"))
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), null=True, blank=True)
    living_situation = models.CharField(
        _("居住情况"), max_length=16, choices=LivingSituation.choices, blank=True, help_text=_("空 = 不限")
    )
    category = models.CharField(
        _("经济类别"), max_length=16, choices=EconomicCategory.choices, blank=True, help_text=_("空 = 不限")
    )
    min_capability = models.PositiveSmallIntegerField(
        _("能力等级不低于"),
        choices=CapabilityLevel.choices,
        null=True,
        blank=True,
        help_text=_("例如 轻度失能 = 失能老人；空 = 不限"),
    )
    cycle = models.CharField(_("走访频次"), max_length=12, choices=Cycle.choices, default=Cycle.MONTH)
    trigger = models.CharField(_("触发事件"), max_length=16, choices=Trigger.choices, blank=True)
    within_days = models.PositiveSmallIntegerField(_("事件后几天内"), default=3)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("逾期几天后上报街道"), default=3, help_text=_("任务逾期超过该天数，列入街道督办")
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("走访频次规则")
        verbose_name_plural = _("走访频次规则")
        ordering = ["rank", "-valid_from", "id"]
        permissions = [("generate_visitrule", "生成走访任务")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="visit_rule_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(cycle="event") | ~Q(trigger=""), name="visit_event_rule_has_trigger"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visits:visitrule_edit", args=[self.pk])


class VisitTask(ElderRecord, TimeStampedModel):
    """走访任务: one visit an elder is due in a period, assigned to the grid's (or community's) worker.

    ``period_key`` names the period (``2026-12``, ``2026-12b`` for the second half-month,
    ``2026Q4``, ``A123`` after alarm 123, ``…-R2`` for a second attempt): one task per elder and
    key, so generating a period twice adds nothing. On PostgreSQL the table is partitioned by
    ``period_key``, a partition per month and per quarter (``visits.partitions``); SQLite keeps one
    table.
    """

    # A month's tasks for a city are written in one statement, and every index and every deferred
    # foreign-key check is paid row by row (bench/visits_generate.py): the keys that lead another index
    # (the unique (elder, period), the assignee's) or that nothing looks up by (rule, retry_of) have no
    # index of their own, and no key has a database constraint — the elder, rule and assignee are set
    # by that statement from the elders, rules and assignments it has just read (the elder's check alone,
    # run at commit, took longer than writing the rows), a retry's original by the action that closes
    # it; Django's on_delete still applies, and elders leave the registry by status, not by deletion.
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    rule = models.ForeignKey(
        VisitRule, verbose_name=_("规则"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip
    area_path = models.CharField(_("区域路径"), max_length=15)
    kind = models.CharField(_("类型"), max_length=10, choices=TaskKind.choices, default=TaskKind.ROUTINE)
    period_key = models.CharField(_("周期"), max_length=24)
    window_start = models.DateField(_("开始日期"))
    due_date = models.DateField(_("截止日期"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    reason = models.CharField(_("走访原因"), max_length=200, blank=True)
    attempt = models.PositiveSmallIntegerField(_("第几次"), default=1)
    retry_of = models.ForeignKey(
        "self",
        verbose_name=_("原任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报街道时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("走访任务")
        verbose_name_plural = _("走访任务")
        ordering = ["due_date", "area_path", "id"]
        permissions = [("perform_visittask", "上门走访（手机）"), ("export_visittask", "导出走访任务")]
        constraints = [
            models.UniqueConstraint(fields=["elder", "period_key"], name="one_visit_task_per_period")
        ]
        indexes = [
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="visittask_path_idx"),
            # The phone's day list and its totals: a worker's open tasks, most urgent first. Partial, so
            # the tasks done stay out of it and a worker's thousands of open ones are read a batch at a time.
            models.Index(
                fields=["assignee", "due_date", "id"], condition=Q(status="open"), name="visittask_open_idx"
            ),
        ]

    def __str__(self) -> str:
        # Saved as the audit entry's object_repr: in the records' language.
        with records_language():
            return f"走访 {self.elder.name} {self.period_key}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visittask_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status == TaskStatus.OPEN and self.due_date < timezone.localdate()


class VisitRecord(ElderRecord, models.Model):
    """走访记录: what a worker found at the door, signed off; sent once even from a flaky phone.

    ``client_key`` is the idempotency key the phone makes when the visit is recorded: a record sent
    again (the connection dropped before the answer came) finds the stored one instead of a second.
    """

    # No database constraint: on PostgreSQL the tasks are partitioned by period, and a foreign key can
    # only point at a partitioned table's whole primary key (id, period_key). The record is written by
    # the action that holds its task locked, and Django's on_delete still applies (visits.partitions).
    task = models.ForeignKey(
        VisitTask, verbose_name=_("走访任务"), on_delete=models.CASCADE, related_name="records",
        db_constraint=False,
    )  # fmt: skip
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15)
    client_key = models.CharField(_("提交编号"), max_length=64, unique=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("签到时间"))
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    seen = models.CharField(_("见到"), max_length=8, choices=Seen.choices)
    health = models.CharField(_("健康状况"), max_length=8, choices=Condition.choices, blank=True)
    living = models.CharField(_("居住环境"), max_length=8, choices=Condition.choices, blank=True)
    mood = models.CharField(_("精神状态"), max_length=8, choices=Mood.choices, blank=True)
    hazards = models.CharField(_("安全隐患"), max_length=200, blank=True)
    need = models.CharField(_("发现需求"), max_length=8, choices=Need.choices, blank=True)
    need_detail = models.CharField(_("需求说明"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    photo = models.FileField(_("照片"), upload_to="visits/%Y/%m/", blank=True)
    signed_by = models.CharField(_("签字"), max_length=8, choices=SignedBy.choices, default=SignedBy.NONE)
    signer_name = models.CharField(_("签字人"), max_length=50, blank=True)
    work_order_id = models.IntegerField(_("服务工单"), null=True, blank=True)
    alarm_id = models.IntegerField(_("告警"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = ScopedManager()
    scope_path = "area_path"
    audit_exclude = ("photo",)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-checked_in_at", "-id"]
        permissions = [("export_visitrecord", "导出走访记录")]
        indexes = [
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="visitrecord_path_idx"),
            models.Index(fields=["elder", "checked_in_at"], name="visitrecord_elder_idx"),
        ]

    def __str__(self) -> str:
        with records_language():
            return f"走访记录 {self.elder.name} {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visittask_detail", args=[self.task_id])


# -- holiday condolence campaigns (节日慰问) ---------------------------------------------------------------


class Contributor(models.Model):
    """慰问单位: a department or organisation that gives (工会, 妇联, 团委, 慈善会, an enterprise).

    Its staff (部门单位人员) are members (``core.Membership``) and see its own contributions only.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=ContributorKind.choices)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)

    objects = ScopedManager()
    scope_path = None
    scope_organisation = "pk"

    class Meta:
        verbose_name = _("慰问单位")
        verbose_name_plural = _("慰问单位")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Campaign(TimeStampedModel):
    """节日慰问活动: a festival's condolence campaign with a budget and a standard per recipient.

    Recipients come from the visit rules chosen (80+ 独居, 特困, 失能 …) plus additions; departments
    register what they give to whom; duplicates are checked before anything is bought.
    """

    name = models.CharField(_("名称"), max_length=100)
    festival = models.CharField(_("节日"), max_length=12, choices=Festival.choices)
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2)
    standard = models.DecimalField(_("每人标准（元）"), max_digits=10, decimal_places=2,
                                   help_text=_("慰问金与慰问品折价合计的上限"))  # fmt: skip
    target_rules = models.ManyToManyField(
        VisitRule, verbose_name=_("慰问对象条件"), blank=True, related_name="+"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.COLLECTING
    )

    objects = ScopedManager()
    # A campaign is a public act of the district: every permitted user sees it, streets and communities
    # (who work on it below its area) and the departments' staff (who have no area) alike. What they
    # see *in* it — recipients, registrations — is scoped by area or by the department.
    scope_path = None

    class Meta:
        verbose_name = _("节日慰问活动")
        verbose_name_plural = _("节日慰问活动")
        ordering = ["-start_date", "-id"]
        permissions = [
            ("override_campaign", "超预算或超标准登记（须填写事由）"),
            ("pay_campaign", "导出慰问金银行代发文件（含完整身份证号、账号）"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="campaign_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0) & Q(standard__gte=0), name="campaign_amounts_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def get_absolute_url(self) -> str:
        return reverse("visits:campaign_detail", args=[self.pk])


class Recipient(ElderRecord, models.Model):
    """慰问对象: an elder on a campaign's list, and the delivery signed for at the door."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("慰问活动"), on_delete=models.CASCADE, related_name="+"
    )
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15)
    source = models.CharField(
        _("来源"), max_length=10, choices=RecipientSource.choices, default=RecipientSource.RULE
    )
    reason = models.CharField(_("慰问原因"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    signer_name = models.CharField(_("签收人"), max_length=50, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("慰问对象")
        verbose_name_plural = _("慰问对象")
        ordering = ["area_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "elder"], name="one_recipient_per_campaign")
        ]
        indexes = [models.Index(fields=["campaign", "area_path"], name="recipient_campaign_path_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.campaign.name} · {self.elder.name}"


class Contribution(ElderRecord, models.Model):
    """慰问登记: what one contributor gives one recipient (money, or goods at their value)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("慰问活动"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(Recipient, verbose_name=_("慰问对象"), on_delete=models.CASCADE,
                                  related_name="contributions")  # fmt: skip
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+")
    contributor = models.ForeignKey(Contributor, verbose_name=_("慰问单位"), on_delete=models.PROTECT,
                                    related_name="contributions")  # fmt: skip
    area_path = models.CharField(_("区域路径"), max_length=15)
    kind = models.CharField(_("形式"), max_length=8, choices=GiftKind.choices)
    description = models.CharField(_("慰问内容"), max_length=100)
    amount = models.DecimalField(_("金额/折价（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=12, choices=ContributionStatus.choices,
                              default=ContributionStatus.REGISTERED)  # fmt: skip
    override_reason = models.CharField(_("超标准/超预算事由"), max_length=200, blank=True)
    resolution_note = models.CharField(_("查重处理说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "contributor_id"

    class Meta:
        verbose_name = _("慰问登记")
        verbose_name_plural = _("慰问登记")
        ordering = ["-created_at", "-id"]
        permissions = [("resolve_contribution", "慰问查重处理")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_amount_positive")]
        indexes = [models.Index(fields=["campaign", "recipient"], name="contribution_recipient_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.contributor.name} → {self.elder.name} {self.description} {self.amount} 元"

    @property
    def active(self) -> bool:
        return self.status != ContributionStatus.CANCELLED


ZERO = Decimal("0.00")


class CampaignGoods(models.Model):
    """慰问物资: goods of a campaign received into store (米、油、礼包 …), counted in units."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("慰问活动"), on_delete=models.CASCADE,
                                 related_name="goods")  # fmt: skip
    name = models.CharField(_("物资名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=10, default="份")
    contributor = models.ForeignKey(Contributor, verbose_name=_("慰问单位"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    received = models.PositiveIntegerField(_("入库数量"), default=0)

    objects = ScopedManager()
    scope_path = None  # the campaign's store: read by everyone on the campaign; allocations are per street

    class Meta:
        verbose_name = _("慰问物资")
        verbose_name_plural = _("慰问物资")
        ordering = ["campaign", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="one_goods_name_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    def get_absolute_url(self) -> str:
        return reverse("visits:campaign_goods", args=[self.campaign_id])

    @property
    def audit_area_path(self) -> str:
        return self.campaign.area_path


class GoodsAllocation(models.Model):
    """物资分配: how many units of a campaign's goods a street receives and has handed out."""

    goods = models.ForeignKey(CampaignGoods, verbose_name=_("慰问物资"), on_delete=models.CASCADE,
                              related_name="allocations")  # fmt: skip
    area = models.ForeignKey(Area, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15)
    allocated = models.PositiveIntegerField(_("分配数量"), default=0)
    delivered = models.PositiveIntegerField(_("已发放数量"), default=0)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("物资分配")
        verbose_name_plural = _("物资分配")
        ordering = ["goods", "area_path"]
        constraints = [
            models.UniqueConstraint(fields=["goods", "area"], name="one_goods_allocation_per_area"),
            models.CheckConstraint(condition=Q(delivered__lte=models.F("allocated")),
                                   name="goods_delivered_within_allocated"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.goods} → {self.area.name}"

    @property
    def remaining(self) -> int:
        return self.allocated - self.delivered

    @property
    def audit_area_path(self) -> str:
        return self.area_path


from yiyang.visits.survey_models import (  # noqa: E402  (one app, models split by sub-domain)
    RegistryProposal,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
)

__all__ = [
    "Campaign", "CampaignGoods", "Contribution", "Contributor", "GoodsAllocation", "Recipient", "RegistryProposal",
    "SurveyAnswer", "SurveyQuestion", "SurveyResponse", "SurveyRound", "SurveyTemplate", "VisitRecord",
    "VisitRule", "VisitTask",
]  # fmt: skip
