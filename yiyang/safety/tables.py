from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.links import record_url
from yiyang.core.tables import CountColumn, permitted_link
from yiyang.safety.models import Alarm, Device, DeviceEvent, MaintenanceTask, RejectedMessage, RuleConfig

_ATTRS = {"class": "table table-sm table-hover align-middle"}
DT = "Y-m-d H:i:s"


class DeviceTable(tables.Table):
    serial = tables.Column(_("序列号"), linkify=True)
    kind = tables.Column(_("类型"))
    elder = tables.Column(_("老人"), accessor="elder__name", order_by=("elder__name_pinyin",))
    installed_on = tables.DateColumn("Y-m-d", verbose_name=_("安装日期"))
    battery = tables.Column(_("电量%"))
    last_seen_at = tables.DateTimeColumn(DT, verbose_name=_("最近通信"))
    last_tested_on = tables.DateColumn("Y-m-d", verbose_name=_("最近测试"))
    status = tables.Column(_("状态"))

    class Meta:
        model = Device
        fields = ()
        sequence = (
            "serial",
            "kind",
            "elder",
            "installed_on",
            "battery",
            "last_seen_at",
            "last_tested_on",
            "status",
        )
        attrs = _ATTRS
        empty_text = _("没有符合条件的设备")


class AlarmTable(tables.Table):
    id = tables.Column(_("编号"), linkify=True)
    kind = tables.Column(_("类型"))
    elder = tables.Column(_("老人"), accessor="elder__name", orderable=False)
    raised_at = tables.DateTimeColumn(DT, verbose_name=_("告警时间"))
    event_count = CountColumn(_("次数"))
    status = tables.Column(_("状态"))
    outcome = tables.Column(_("结果"))
    acknowledged_at = tables.DateTimeColumn(DT, verbose_name=_("接警时间"))
    closed_at = tables.DateTimeColumn(DT, verbose_name=_("关闭时间"))

    class Meta:
        model = Alarm
        fields = ()
        sequence = (
            "id",
            "kind",
            "elder",
            "raised_at",
            "event_count",
            "status",
            "outcome",
            "acknowledged_at",
            "closed_at",
        )
        attrs = _ATTRS
        empty_text = _("没有告警")


class DeviceEventTable(tables.Table):
    received_at = tables.DateTimeColumn(DT, verbose_name=_("接收时间"))
    ts = tables.DateTimeColumn(DT, verbose_name=_("发生时间"))
    device = tables.Column(_("设备"), accessor="device__serial", orderable=False)
    type = tables.Column(_("类型"))
    value = tables.Column(_("数值"), orderable=False)
    battery = tables.Column(_("电量%"))
    alarm = tables.Column(_("告警"), orderable=False)
    message_id = tables.Column(_("消息编号"), orderable=False)

    class Meta:
        model = DeviceEvent
        fields = ()
        sequence = ("received_at", "ts", "device", "type", "value", "battery", "alarm", "message_id")
        attrs = _ATTRS
        empty_text = _("没有事件")

    def render_alarm(self, value: Any, record: DeviceEvent) -> Any:
        return format_html(
            '<a href="{}">#{}</a>', record_url("safety:alarm_detail", record.alarm_id), record.alarm_id
        )


class MaintenanceTaskTable(tables.Table):
    device = tables.Column(_("设备"), accessor="device__serial", orderable=False)
    kind = tables.Column(_("类型"))
    detail = tables.Column(_("说明"), orderable=False)
    opened_at = tables.DateTimeColumn(DT, verbose_name=_("发现时间"))
    status = tables.Column(_("状态"))
    closed_at = tables.DateTimeColumn(DT, verbose_name=_("完成时间"))
    actions = tables.Column(_("操作"), empty_values=(), orderable=False)

    class Meta:
        model = MaintenanceTask
        fields = ()
        sequence = ("device", "kind", "detail", "opened_at", "status", "closed_at", "actions")
        attrs = _ATTRS
        empty_text = _("没有维护任务")

    def render_device(self, value: Any, record: MaintenanceTask) -> Any:
        return format_html('<a href="{}">{}</a>', record.device.get_absolute_url(), value)

    def render_actions(self, record: MaintenanceTask) -> Any:
        if record.status != "open":
            return record.note
        url = record_url("safety:maintenancetask_close", record.pk)
        return format_html(
            '<form method="post" action="{}" class="d-flex gap-1"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input name="note" class="form-control form-control-sm" placeholder="{}" required>'
            '<button class="btn btn-sm btn-outline-success text-nowrap">{}</button></form>',
            url,
            self.context.get("csrf_token", "") if self.context else "",
            gettext("处理说明"),
            gettext("完成"),
        )


class RejectedMessageTable(tables.Table):
    received_at = tables.DateTimeColumn(DT, verbose_name=_("接收时间"))
    topic = tables.Column(_("主题/来源"))
    serial = tables.Column(_("序列号"))
    reason = tables.Column(_("原因"))
    raw = tables.Column(_("原始报文"), orderable=False)

    class Meta:
        model = RejectedMessage
        fields = ()
        sequence = ("received_at", "topic", "serial", "reason", "raw")
        attrs = _ATTRS
        empty_text = _("没有拒收报文")

    def render_raw(self, value: str) -> Any:
        return format_html('<code class="small text-break">{}</code>', value[:200])


class RuleConfigTable(tables.Table):
    group = tables.Column(_("适用人群"))
    no_water_hours = tables.Column(_("无用水(小时)"))
    no_door_hours = tables.Column(_("未开门(小时)"))
    checkin_required = tables.BooleanColumn(verbose_name=_("每日签到"))
    checkin_by = tables.TimeColumn("H:i", verbose_name=_("签到截止"))
    valid_from = tables.DateColumn("Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn("Y-m-d", verbose_name=_("失效日期"))
    note = tables.Column(_("依据/说明"))

    class Meta:
        model = RuleConfig
        fields = ()
        sequence = (
            "group",
            "no_water_hours",
            "no_door_hours",
            "checkin_required",
            "checkin_by",
            "valid_from",
            "valid_to",
            "note",
        )
        attrs = _ATTRS
        empty_text = _("没有规则")

    def render_group(self, value: Any, record: RuleConfig) -> Any:
        # Everyone on watch reads the rules; only those who may change them get the link.
        return permitted_link(self, record_url("safety:ruleconfig_edit", record.pk), value)
