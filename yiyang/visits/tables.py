from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yiyang.core.links import record_url
from yiyang.core.tables import permitted, permitted_link
from yiyang.visits.models import Campaign, Contribution, Contributor, VisitRecord, VisitRule, VisitTask


class VisitTaskTable(tables.Table):
    elder = tables.Column(_("老人"), accessor="elder__name", linkify=lambda record: record.get_absolute_url(),
                          order_by=("elder__name_pinyin",))  # fmt: skip
    area = tables.Column(_("社区/网格"), accessor="elder__area__name", order_by=("area_path",))
    reason = tables.Column(_("走访原因"), orderable=False)
    period_key = tables.Column(_("周期"))
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("截止日期"))
    assignee = tables.Column(_("走访人"), accessor="assignee__last_name", order_by=("assignee__username",))
    status = tables.Column(_("状态"))
    escalated_at = tables.DateTimeColumn(format="m-d", verbose_name=_("上报街道"))

    class Meta:
        model = VisitTask
        fields = ()
        sequence = ("elder", "area", "reason", "period_key", "due_date", "assignee", "status", "escalated_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有走访任务")

    def render_assignee(self, record: VisitTask) -> str:
        user = record.assignee
        return (user.get_full_name() or user.username) if user else "—"


class VisitRecordTable(tables.Table):
    checked_in_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("签到时间"),
                                          linkify=lambda record: record.get_absolute_url())  # fmt: skip
    elder = tables.Column(_("老人"), accessor="elder__name", orderable=False)
    seen = tables.Column(_("见到"))
    health = tables.Column(_("健康状况"))
    mood = tables.Column(_("精神状态"))
    need = tables.Column(_("发现需求"))
    signed_by = tables.Column(_("签字"))
    worker = tables.Column(_("走访人"), accessor="worker__username")

    class Meta:
        model = VisitRecord
        fields = ()
        sequence = ("checked_in_at", "elder", "seen", "health", "mood", "need", "signed_by", "worker")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有走访记录")


class VisitRuleTable(tables.Table):
    name = tables.Column(_("名称"), linkify=permitted(lambda record: record.get_absolute_url()))
    rank = tables.Column(_("优先级"))
    min_age = tables.Column(_("最低年龄"))
    living_situation = tables.Column(_("居住情况"))
    category = tables.Column(_("经济类别"))
    min_capability = tables.Column(_("能力等级不低于"))
    cycle = tables.Column(_("走访频次"))
    trigger = tables.Column(_("触发事件"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))

    class Meta:
        model = VisitRule
        fields = ()
        sequence = ("name", "rank", "min_age", "living_situation", "category", "min_capability", "cycle",
                    "trigger", "valid_from", "valid_to")  # fmt: skip
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("尚未设置走访频次规则")


class CampaignTable(tables.Table):
    name = tables.Column(_("名称"), linkify=lambda record: record.get_absolute_url())
    festival = tables.Column(_("节日"))
    area = tables.Column(_("区域"), accessor="area__name", order_by=("area_path",))
    budget = tables.Column(_("预算（元）"))
    standard = tables.Column(_("每人标准（元）"))
    start_date = tables.DateColumn(format="Y-m-d", verbose_name=_("开始日期"))
    status = tables.Column(_("状态"))

    class Meta:
        model = Campaign
        fields = ()
        sequence = ("name", "festival", "area", "budget", "standard", "start_date", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有慰问活动")


class ContributionTable(tables.Table):
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("登记时间"))
    campaign = tables.Column(_("慰问活动"), accessor="campaign__name", orderable=False)
    contributor = tables.Column(_("慰问单位"), accessor="contributor__name", orderable=False)
    elder = tables.Column(_("老人"), accessor="elder__name", orderable=False)
    kind = tables.Column(_("形式"))
    description = tables.Column(_("慰问内容"), orderable=False)
    amount = tables.Column(_("金额/折价（元）"))
    status = tables.Column(_("状态"))
    override_reason = tables.Column(_("超标准/超预算事由"), orderable=False)

    class Meta:
        model = Contribution
        fields = ()
        sequence = ("created_at", "campaign", "contributor", "elder", "kind", "description", "amount", "status",
                    "override_reason")  # fmt: skip
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有慰问登记")


class ContributorTable(tables.Table):
    name = tables.Column(_("名称"))
    kind = tables.Column(_("类型"))
    contact = tables.Column(_("联系人"))

    def render_name(self, value: Any, record: Contributor) -> Any:
        # Everyone on the campaign reads the list; only those who may change a contributor get the link.
        return permitted_link(self, record_url("visits:contributor_edit", record.pk), value)

    class Meta:
        model = Contributor
        fields = ()
        sequence = ("name", "kind", "contact")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有慰问单位")
