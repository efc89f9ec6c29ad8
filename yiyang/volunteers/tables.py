from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiyang.core.links import record_url
from yiyang.core.scoping import allowed
from yiyang.core.tables import ElderColumn, permitted
from yiyang.volunteers.models import (
    Activity,
    BankRule,
    HelpRequest,
    HonourCampaign,
    MonthEndCheck,
    MutualAidPair,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
    Volunteer,
    VolunteerTeam,
)

_ATTRS = {"class": "table table-sm table-hover align-middle"}


class VolunteerTeamTable(tables.Table):
    name = tables.Column(_("队名"), linkify=True)
    kind = tables.Column(_("类别"))
    area = tables.Column(_("所属社区"), accessor="area__name", order_by=("area_path",))
    organisation = tables.Column(_("依托单位"))
    leader_name = tables.Column(_("负责人"))
    members = tables.Column(_("志愿者人数"), accessor="member_count", orderable=False)
    is_active = tables.BooleanColumn(_("活动中"))

    class Meta:
        model = VolunteerTeam
        fields = ()
        sequence = ("name", "kind", "area", "organisation", "leader_name", "members", "is_active")
        attrs = _ATTRS
        empty_text = _("没有志愿服务队")


class VolunteerTable(tables.Table):
    name = tables.Column(_("姓名"), linkify=True)
    id_number_masked = tables.Column(_("身份证号"), orderable=False)
    age = tables.Column(_("年龄"), accessor="birth_date", order_by=("-birth_date",))
    kind = tables.Column(_("类别"))
    skills = tables.Column(_("技能"), orderable=False)
    availability = tables.Column(_("可服务时间"), accessor="available_days", orderable=False)
    area = tables.Column(_("所属社区"), accessor="area__name", order_by=("area_path",))
    team = tables.Column(_("志愿服务队"), accessor="team__name")
    status = tables.Column(_("状态"))

    class Meta:
        model = Volunteer
        fields = ()
        sequence = (
            "name",
            "id_number_masked",
            "age",
            "kind",
            "skills",
            "availability",
            "area",
            "team",
            "status",
        )
        attrs = _ATTRS
        empty_text = _("没有志愿者")

    def render_age(self, record: Volunteer) -> Any:
        return record.age

    def render_skills(self, record: Volunteer) -> Any:
        return "、".join(record.skill_labels())

    def render_availability(self, record: Volunteer) -> Any:
        return record.availability_text()


class TimeAccountTable(tables.Table):
    name = tables.Column(_("户名"), linkify=True)
    kind = tables.Column(_("账户类型"))
    balance = tables.Column(
        _("余额（小时）"), accessor="balance_minutes", attrs={"td": {"class": "text-end"}}
    )
    area_path = tables.Column(_("区域路径"))
    opened_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=_("开户时间"))

    class Meta:
        model = TimeAccount
        fields = ()
        sequence = ("name", "kind", "balance", "area_path", "opened_at")
        attrs = _ATTRS
        empty_text = _("没有时间账户")

    def render_balance(self, record: TimeAccount) -> Any:
        return f"{record.balance_hours:.2f}"


def _account_link(side: str) -> Any:
    def href(record: Any, table: Any) -> str | None:
        account = getattr(record, side)
        user = getattr(getattr(table, "request", None), "user", None)
        return account.get_absolute_url() if user is not None and allowed(user, "view", account) else None

    return href


class TimeMovementTable(tables.Table):
    id = tables.Column(_("流水号"))
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("发生时间"))
    kind = tables.Column(_("业务类型"))
    # an account outside the reader's reach (the district pool, another street's) is named, not linked
    debit = tables.Column(_("转出账户"), accessor="debit__name", linkify=_account_link("debit"))
    credit = tables.Column(_("转入账户"), accessor="credit__name", linkify=_account_link("credit"))
    hours = tables.Column(_("时长（小时）"), accessor="minutes", attrs={"td": {"class": "text-end"}})
    memo = tables.Column(_("摘要"), orderable=False)
    actor_name = tables.Column(_("经办人"))

    class Meta:
        model = TimeMovement
        fields = ()
        sequence = ("id", "occurred_at", "kind", "debit", "credit", "hours", "memo", "actor_name")
        attrs = _ATTRS
        empty_text = _("没有时间流水")

    def render_hours(self, record: TimeMovement) -> Any:
        return f"{record.hours:.2f}"


class ServiceRecordTable(tables.Table):
    checked_in_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("签到时间"),
                                          linkify=lambda record: record.get_absolute_url())  # fmt: skip
    volunteer = tables.Column(_("志愿者"), accessor="volunteer__name")
    elder = ElderColumn(_("服务对象"))
    skill = tables.Column(_("服务内容"))
    minutes = tables.Column(_("计入时长（分钟）"))
    status = tables.Column(_("状态"))

    class Meta:
        model = ServiceRecord
        fields = ()
        sequence = ("checked_in_at", "volunteer", "elder", "skill", "minutes", "status")
        attrs = _ATTRS
        empty_text = _("没有志愿服务记录")


class MonthEndCheckTable(tables.Table):
    month = tables.DateColumn(format="Y-m", verbose_name=_("月份"))
    ran_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("核对时间"))
    ok = tables.BooleanColumn(_("通过"))
    movements = tables.Column(_("流水笔数"))
    accounts = tables.Column(_("账户数"))
    total_minutes = tables.Column(_("全部余额合计（分钟）"))
    cap_hours = tables.Column(_("存储上限（小时）"))
    problems = tables.Column(_("问题"), orderable=False)
    seconds = tables.Column(_("耗时（秒）"))
    actor_name = tables.Column(_("核对人"))

    class Meta:
        model = MonthEndCheck
        fields = ()
        sequence = ("month", "ran_at", "ok", "movements", "accounts", "total_minutes", "cap_hours", "problems",
                    "seconds", "actor_name")  # fmt: skip
        attrs = _ATTRS
        empty_text = _("还没有核对记录")

    def render_problems(self, value: Any) -> Any:
        return (
            "；".join(f"{p.get('problem')}{' ' + str(p['name']) if p.get('name') else ''}" for p in value)
            or "—"
        )


class BankRuleTable(tables.Table):
    name = tables.Column(
        _("名称"), linkify=permitted(lambda record: record_url("volunteers:bankrule_edit", record.pk))
    )

    class Meta:
        model = BankRule
        fields = ("name", "cap_hours", "relative_min_age", "checkin_radius_m", "max_service_minutes", "valid_from",
                  "valid_to", "note")  # fmt: skip
        attrs = _ATTRS
        empty_text = _("没有规则")


class HelpRequestTable(tables.Table):
    wanted_on = tables.DateColumn(format="Y-m-d", verbose_name=_("希望日期"),
                                  linkify=lambda record: record.get_absolute_url())  # fmt: skip
    wanted_slot = tables.Column(_("希望时段"))
    elder = ElderColumn(_("老人"))
    skill = tables.Column(_("需要的服务"))
    channel = tables.Column(_("来源"))
    status = tables.Column(_("状态"))
    volunteer = tables.Column(_("志愿者"), accessor="volunteer__name")

    class Meta:
        model = HelpRequest
        fields = ()
        sequence = ("wanted_on", "wanted_slot", "elder", "skill", "channel", "status", "volunteer")
        attrs = _ATTRS
        empty_text = _("没有求助")


class ActivityTable(tables.Table):
    name = tables.Column(_("活动名称"), linkify=True)
    kind = tables.Column(_("类型"))
    starts_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("开始时间"))
    place = tables.Column(_("地点"), orderable=False)
    capacity = tables.Column(_("名额"))
    signed = tables.Column(_("报名人数"), orderable=False)
    attended = tables.Column(_("签到人数"), orderable=False)

    class Meta:
        model = Activity
        fields = ()
        sequence = ("name", "kind", "starts_at", "place", "capacity", "signed", "attended")
        attrs = _ATTRS
        empty_text = _("没有活动")


class HonourCampaignTable(tables.Table):
    name = tables.Column(_("评选名称"), linkify=True)
    kind = tables.Column(_("类别"))
    year = tables.Column(_("年度"))
    area = tables.Column(_("评选范围"), accessor="area__name", order_by=("area_path",))
    places = tables.Column(_("名额"))
    stage = tables.Column(_("阶段"))

    class Meta:
        model = HonourCampaign
        fields = ()
        sequence = ("name", "kind", "year", "area", "places", "stage")
        attrs = _ATTRS
        empty_text = _("没有评选")


class MutualAidPairTable(tables.Table):
    volunteer = tables.Column(_("志愿者"), accessor="volunteer__name",
                              linkify=lambda record: record.get_absolute_url())  # fmt: skip
    elder = ElderColumn(_("结对老人"))
    skill = tables.Column(_("约定服务"))
    every_days = tables.Column(_("频次（天）"), attrs={"td": {"class": "text-end"}})
    last_visit_on = tables.DateColumn(format="Y-m-d", verbose_name=_("最近一次关怀"))
    next_due_on = tables.DateColumn(format="Y-m-d", verbose_name=_("下次关怀应在"))
    overdue = tables.Column(
        _("逾期（天）"), accessor="pk", orderable=False, attrs={"td": {"class": "text-end"}}
    )
    status = tables.Column(_("状态"))

    class Meta:
        model = MutualAidPair
        fields = ()
        sequence = (
            "volunteer",
            "elder",
            "skill",
            "every_days",
            "last_visit_on",
            "next_due_on",
            "overdue",
            "status",
        )
        attrs = _ATTRS
        empty_text = _("没有邻里互助结对")

    def render_overdue(self, record: MutualAidPair) -> Any:
        days = record.days_overdue()
        return format_html('<span class="badge bg-danger">{}</span>', days) if days else "—"
