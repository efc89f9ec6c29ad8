from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yiyang.complaints.models import CalendarDay, Case, DeadlineRule
from yiyang.core.tables import edit_link


class CaseTable(tables.Table):
    number = tables.Column(_("编号"), linkify=True)
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("受理时间"))
    channel = tables.Column(_("渠道"))
    category = tables.Column(_("类别"))
    title = tables.Column(_("标题"), orderable=False)
    area = tables.Column(_("所在区域"), accessor="area__name", order_by=("area_path",))
    unit = tables.Column(_("承办单位"), accessor="unit_name", orderable=False)
    status = tables.Column(_("状态"))
    due_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("办理时限"))

    class Meta:
        model = Case
        fields = ()
        sequence = (
            "number",
            "received_at",
            "channel",
            "category",
            "title",
            "area",
            "unit",
            "status",
            "due_at",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "case-table"}
        empty_text = _("没有投诉信访件")

    def render_title(self, value: str, record: Case) -> Any:
        badge = (
            format_html(' <span class="badge text-bg-danger">{}</span>', _("紧急")) if record.urgent else ""
        )
        return format_html("{}{}", value, badge)

    def render_status(self, value: str, record: Case) -> Any:
        extra = ""
        if record.overdue:
            extra = format_html(' <span class="badge text-bg-danger">{}</span>', _("超期"))
        if record.escalation_level:
            extra = format_html('{} <span class="badge text-bg-warning">{}</span>', extra, _("督办"))
        return format_html("{}{}", value, extra)

    def render_due_at(self, value: Any, record: Case) -> Any:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


class DeadlineRuleTable(tables.Table):
    name = tables.Column(_("名称"))
    channel = tables.Column(_("渠道"))
    category = tables.Column(_("类别"))
    step = tables.Column(_("保护性跟进环节"))
    amount = tables.Column(_("时限"))
    unit = tables.Column(_("单位"))
    remind_hours = tables.Column(_("提前提醒（小时）"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))
    basis = tables.Column(_("依据"), orderable=False)
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = DeadlineRule
        fields = ()
        sequence = ("name", "channel", "category", "step", "amount", "unit", "remind_hours", "valid_from", "valid_to",
                    "basis", "edit")  # fmt: skip
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有办理时限规则")

    def render_edit(self, record: DeadlineRule) -> Any:
        return edit_link(self, "complaints:deadlinerule_edit", record.pk)


class CalendarDayTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d D", verbose_name=_("日期"))
    kind = tables.Column(_("类型"))
    name = tables.Column(_("节日"))
    basis = tables.Column(_("依据"), orderable=False)
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = CalendarDay
        fields = ()
        sequence = ("date", "kind", "name", "basis", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有节假日安排")

    def render_edit(self, record: CalendarDay) -> Any:
        return edit_link(self, "complaints:calendarday_edit", record.pk)
