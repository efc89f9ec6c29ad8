"""The time bank (时间银行 / 爱心银行): accounts, a double-entry ledger of movements, the rules, checks.

Every movement debits one account and credits another with the same positive number of minutes, so
the ledger sums to zero by construction. An account's balance is the credits less the debits; the
account row also keeps ``balance_minutes``, changed only by :func:`yiyang.volunteers.bank.post` while
it holds the locks of both rows, and the month-end check proves it equal to the derived sum.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import records_language
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder
from yiyang.volunteers.choices import (
    DISTRICT_KINDS,
    HOLDER_KINDS,
    AccountKind,
    Consent,
    MovementKind,
    Relation,
)
from yiyang.volunteers.models.registry import Volunteer, VolunteerTeam


def hours(minutes: int | None) -> float:
    """Minutes as hours with two decimals, for display and spreadsheets."""
    return round((minutes or 0) / 60, 2)


class BankRule(models.Model):
    """时间银行规则: the storage cap and the recipients' age, as data with effective dates.

    Nanjing's 实施方案 (2019-07-17) caps an account at 1,500 hours; hours above the cap are donated.
    Gulou's branch lets a volunteer's spouse and direct relatives aged 60 and over use the hours.
    """

    name = models.CharField(_("名称"), max_length=100)
    cap_hours = models.PositiveIntegerField(_("账户存储上限（小时）"))
    relative_min_age = models.PositiveSmallIntegerField(_("受赠直系亲属最低年龄"), default=60)
    checkin_radius_m = models.PositiveIntegerField(
        _("签到范围（米）"), default=300, help_text=_("签到、签退位置与老人住址的最大距离")
    )
    max_service_minutes = models.PositiveIntegerField(
        _("单次服务最多计入（分钟）"), default=480, help_text=_("一次服务超过此时长按此计入")
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("时间银行规则")
        verbose_name_plural = _("时间银行规则")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="bank_rule_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(cap_hours__gt=0), name="bank_rule_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.cap_hours} 小时）"


class TimeAccount(models.Model):
    """时间账户: the hours a volunteer, a team or an elder holds, or a district's pool or system account.

    Hours are valid across streets and districts (通存通兑): a movement may join any two accounts.
    """

    kind = models.CharField(_("账户类型"), max_length=10, choices=AccountKind.choices)
    name = models.CharField(_("户名"), max_length=100)
    volunteer = models.OneToOneField(
        Volunteer,
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    team = models.OneToOneField(
        VolunteerTeam, verbose_name=_("志愿服务队"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="account",
    )  # fmt: skip
    elder = models.OneToOneField(
        Elder,
        verbose_name=_("老年人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_account",
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    balance_minutes = models.BigIntegerField(_("余额（分钟）"), default=0, editable=False)
    opened_at = models.DateTimeField(_("开户时间"), default=timezone.now, editable=False)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "team__pk"  # a team's leaders see the team's account

    class Meta:
        verbose_name = _("时间账户")
        verbose_name_plural = _("时间账户")
        ordering = ["area_path", "kind", "name", "id"]
        permissions = [
            ("export_timeaccount", "导出时间账户与对账单"),
            ("move_timeaccount", "办理时间转赠、捐赠、兑换"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=[*HOLDER_KINDS, AccountKind.POOL]) | Q(balance_minutes__gte=0),
                name="time_account_never_overdrawn",
            ),
            models.UniqueConstraint(
                fields=["kind", "area_path"],
                condition=Q(kind__in=list(DISTRICT_KINDS)),
                name="one_district_account",
            ),
            models.CheckConstraint(
                condition=(Q(kind=AccountKind.PERSONAL) & Q(volunteer__isnull=False))
                | (Q(kind=AccountKind.TEAM) & Q(team__isnull=False))
                | (Q(kind=AccountKind.ELDER) & Q(elder__isnull=False))
                | Q(kind__in=list(DISTRICT_KINDS)),
                name="time_account_has_its_owner",
            ),
        ]

    def __str__(self) -> str:
        with records_language():
            return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:timeaccount_detail", args=[self.pk])

    @property
    def balance_hours(self) -> float:
        return hours(self.balance_minutes)

    @property
    def is_holder(self) -> bool:
        return self.kind in HOLDER_KINDS

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int | None:
        if self.elder_id:
            return self.elder_id
        return self.volunteer.elder_id if self.volunteer_id and self.volunteer else None


class TimeMovement(models.Model):
    """时间流水: one movement of minutes from ``debit`` to ``credit``; never edited, only reversed.

    A reversal (冲正) is a movement the other way naming the one it reverses; both stay visible. Earned
    hours name their source (``source_key``: the verified service or attendance), once per kind.
    """

    kind = models.CharField(_("业务类型"), max_length=10, choices=MovementKind.choices)
    debit = models.ForeignKey(
        TimeAccount, verbose_name=_("转出账户"), on_delete=models.PROTECT, related_name="debits"
    )
    credit = models.ForeignKey(
        TimeAccount, verbose_name=_("转入账户"), on_delete=models.PROTECT, related_name="credits"
    )
    minutes = models.PositiveIntegerField(_("时长（分钟）"))
    occurred_at = models.DateTimeField(_("发生时间"), default=timezone.now, db_index=True)
    area_path = models.CharField(_("区域路径"), max_length=15)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    source_key = models.CharField(_("来源"), max_length=40, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的流水"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    relation = models.CharField(_("受赠人关系"), max_length=12, choices=Relation.choices, blank=True)
    requested_by = models.CharField(_("申请人"), max_length=50, blank=True, help_text=_("本人或代办人姓名"))
    proxy_relation = models.CharField(_("代办人与本人关系"), max_length=30, blank=True)
    consent = models.CharField(_("本人同意方式"), max_length=12, choices=Consent.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=150, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("时间流水")
        verbose_name_plural = _("时间流水")
        ordering = ["-occurred_at", "-id"]
        permissions = [("reverse_timemovement", "冲正时间流水"), ("export_timemovement", "导出时间流水")]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="time_movement_minutes_positive"),
            models.CheckConstraint(condition=~Q(debit=models.F("credit")), name="time_movement_two_accounts"),
            models.UniqueConstraint(
                fields=["kind", "source_key"],
                condition=~Q(source_key=""),
                name="time_movement_once_per_source",
            ),
        ]
        indexes = [
            # A balance is two index-only sums: the credits and the debits of one account.
            models.Index(fields=["credit", "occurred_at"], include=["minutes"], name="time_credit_idx"),
            models.Index(fields=["debit", "occurred_at"], include=["minutes"], name="time_debit_idx"),
            models.Index(fields=["area_path", "occurred_at"], name="time_movement_area_idx"),
        ]

    def __str__(self) -> str:
        with records_language():
            return f"{self.get_kind_display()} {hours(self.minutes)} 小时 #{self.pk}"

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class MonthEndCheck(models.Model):
    """月末核对: proof, for a month's end, that the ledger balances and no account exceeds its cap."""

    month = models.DateField(_("月份"))
    ran_at = models.DateTimeField(_("核对时间"), default=timezone.now)
    area_path = models.CharField(_("区域路径"), max_length=15, blank=True)
    movements = models.BigIntegerField(_("流水笔数"), default=0)
    accounts = models.IntegerField(_("账户数"), default=0)
    total_minutes = models.BigIntegerField(_("全部余额合计（分钟）"), default=0)
    cap_hours = models.PositiveIntegerField(_("存储上限（小时）"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    ok = models.BooleanField(_("通过"), default=False)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    actor_name = models.CharField(_("核对人"), max_length=150, blank=True)
    # The checkpoint a passed check leaves for the next one (``checks``): the movements up to
    # ``through_id`` (none occurred after ``through_occurred``), their fingerprint, and whether the
    # check started from an earlier checkpoint or summed the whole ledger.
    through_id = models.BigIntegerField(_("核对至流水号"), null=True, blank=True, editable=False)
    through_occurred = models.DateTimeField(null=True, blank=True, editable=False)
    fingerprint = models.JSONField(default=dict, blank=True, editable=False)
    checkpointed = models.BooleanField(default=False, editable=False)
    incremental = models.BooleanField(_("增量核对"), default=False, editable=False)

    objects = ScopedManager()
    scope_path = None  # a check covers the whole ledger (通存通兑): the permission alone decides

    class Meta:
        verbose_name = _("月末核对")
        verbose_name_plural = _("月末核对")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {'通过' if self.ok else '有问题'}"


class LedgerCheckpoint(models.Model):
    """One account's credits and debits up to a passed month-end check's last movement, so the next
    check sums only the movements since (movements are never edited: corrections are reversals, and
    the check proves the older part unchanged by its fingerprint). Kept for the latest check only."""

    month_end = models.ForeignKey(MonthEndCheck, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(TimeAccount, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    credits = models.BigIntegerField(default=0)
    debits = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month_end", "account"], name="one_checkpoint_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.month_end_id}:{self.account_id} {self.credits - self.debits}"
