from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yiyang.core.tables import permitted
from yiyang.institutions.models import (
    ChecklistItem,
    Finding,
    Incident,
    Inspection,
    RoundLog,
    StarAssessment,
    StarThreshold,
)
from yiyang.institutions.tables import ATTRS


def _home() -> tables.Column:
    return tables.Column(_("养老机构"), accessor="institution__name", order_by=("institution__name",))


class IncidentTable(tables.Table):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("发生时间"), linkify=True)
    institution = _home()
    resident = tables.Column(_("入住老人"), accessor="resident__elder__name", orderable=False)
    kind = tables.Column(_("事件类型"))
    harm = tables.Column(_("伤害程度"))
    place = tables.Column(_("地点"), orderable=False)

    class Meta:
        model = Incident
        fields = ()
        sequence = ("occurred_at", "institution", "resident", "kind", "harm", "place")
        attrs = ATTRS
        empty_text = _("没有安全事件")


class RoundLogTable(tables.Table):
    date = tables.DateColumn(
        format="Y-m-d", verbose_name=_("日期"), linkify=lambda record: record.get_edit_url()
    )
    institution = _home()
    shift = tables.Column(_("班次"))
    rounds = tables.Column(_("巡查次数"))
    staff = tables.Column(_("巡查人"))
    findings = tables.Column(_("巡查发现"), orderable=False)

    class Meta:
        model = RoundLog
        fields = ()
        sequence = ("date", "institution", "shift", "rounds", "staff", "findings")
        attrs = ATTRS
        empty_text = _("没有巡查记录")


class InspectionTable(tables.Table):
    inspected_on = tables.DateColumn(format="Y-m-d", verbose_name=_("检查日期"), linkify=True)
    institution = _home()
    inspectors = tables.Column(_("检查人员"))
    status = tables.Column(_("状态"))

    class Meta:
        model = Inspection
        fields = ()
        sequence = ("inspected_on", "institution", "inspectors", "status")
        attrs = ATTRS
        empty_text = _("没有监督检查")


class FindingTable(tables.Table):
    institution = _home()
    description = tables.Column(_("问题"), linkify=True, orderable=False)
    severity = tables.Column(_("严重程度"))
    deadline = tables.DateColumn(format="Y-m-d", verbose_name=_("整改期限"))
    status = tables.Column(_("状态"))
    escalated_on = tables.DateColumn(format="Y-m-d", verbose_name=_("督办日期"))

    class Meta:
        model = Finding
        fields = ()
        sequence = ("institution", "description", "severity", "deadline", "status", "escalated_on")
        attrs = ATTRS
        empty_text = _("没有整改事项")


class ChecklistItemTable(tables.Table):
    code = tables.Column(_("编号"), linkify=permitted(lambda record: record.get_edit_url()))
    text = tables.Column(_("检查内容"), orderable=False)
    area = tables.Column(_("类别"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))

    class Meta:
        model = ChecklistItem
        fields = ()
        sequence = ("code", "text", "area", "valid_from", "valid_to")
        attrs = ATTRS
        empty_text = _("没有检查项")


class StarThresholdTable(tables.Table):
    level = tables.Column(_("星级"), linkify=permitted(lambda record: record.get_edit_url()))
    min_total = tables.Column(_("总分不低于"))
    min_area_share = tables.Column(_("各部分得分率不低于（%）"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))
    note = tables.Column(_("依据"), orderable=False)

    class Meta:
        model = StarThreshold
        fields = ()
        sequence = ("level", "min_total", "min_area_share", "valid_from", "valid_to", "note")
        attrs = ATTRS
        empty_text = _("没有星级评定标准")


class StarAssessmentTable(tables.Table):
    assessed_on = tables.DateColumn(format="Y-m-d", verbose_name=_("自评日期"))
    institution = _home()
    environment = tables.Column(_("环境"))
    facilities = tables.Column(_("设施设备"))
    management = tables.Column(_("运营管理"))
    service = tables.Column(_("服务"))
    total = tables.Column(_("总分"))
    level = tables.Column(_("可达星级"))
    confirmed = tables.BooleanColumn(_("已评定"))
    actions = tables.TemplateColumn(
        template_name="institutions/_star_confirm.html", verbose_name="", orderable=False
    )

    class Meta:
        model = StarAssessment
        fields = ()
        sequence = ("assessed_on", "institution", "environment", "facilities", "management", "service", "total",
                    "level", "confirmed", "actions")  # fmt: skip
        attrs = ATTRS
        empty_text = _("没有等级评定")
