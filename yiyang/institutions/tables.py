from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yiyang.core.tables import permitted
from yiyang.institutions.models import (
    Bed,
    BedAssignment,
    Institution,
    InsurancePolicy,
    Resident,
    RiskAssessment,
)

ATTRS = {"class": "table table-sm table-hover align-middle"}


class InstitutionTable(tables.Table):
    name = tables.Column(_("机构名称"), linkify=True)
    kind = tables.Column(_("性质"))
    area = tables.Column(_("所在街道/社区"), accessor="area__name", order_by=("area_path",))
    operator = tables.Column(_("运营方"))
    design_beds = tables.Column(_("设计床位"))
    medical = tables.Column(_("医养结合"))
    star_level = tables.Column(_("星级"))
    licence_to = tables.DateColumn(format="Y-m-d", verbose_name=_("许可有效期至"))
    is_active = tables.BooleanColumn(_("运营中"))

    class Meta:
        model = Institution
        fields = ()
        sequence = ("name", "kind", "area", "operator", "design_beds", "medical", "star_level", "licence_to",
                    "is_active")  # fmt: skip
        attrs = ATTRS
        empty_text = _("没有养老机构")


class BedTable(tables.Table):
    institution = tables.Column(_("养老机构"), accessor="institution__name", order_by=("institution__name",))
    building = tables.Column(_("楼栋"), accessor="room__floor__building__name")
    floor = tables.Column(_("楼层"), accessor="room__floor__level")
    room = tables.Column(_("房间"), accessor="room__number")
    number = tables.Column(_("床号"), linkify=permitted(lambda record: record.get_edit_url()))
    kind = tables.Column(_("床位类型"))
    status = tables.Column(_("状态"))
    added_on = tables.DateColumn(format="Y-m-d", verbose_name=_("投用日期"))

    class Meta:
        model = Bed
        fields = ()
        sequence = ("institution", "building", "floor", "room", "number", "kind", "status", "added_on")
        attrs = ATTRS
        empty_text = _("没有床位")


class InsurancePolicyTable(tables.Table):
    institution = tables.Column(_("养老机构"), accessor="institution__name", order_by=("institution__name",))
    policy_no = tables.Column(_("保单号"), linkify=permitted(lambda record: record.get_edit_url()))
    insurer = tables.Column(_("保险公司"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("保险起期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("保险止期"))
    cover = tables.Column(_("保额（元）"))

    class Meta:
        model = InsurancePolicy
        fields = ()
        sequence = ("institution", "policy_no", "insurer", "valid_from", "valid_to", "cover")
        attrs = ATTRS
        empty_text = _("没有责任保险")


class ResidentTable(tables.Table):
    elder = tables.Column(_("姓名"), accessor="elder__name", linkify=lambda record: record.get_absolute_url(),
                          order_by=("elder__name",))  # fmt: skip
    institution = tables.Column(_("养老机构"), accessor="institution__name", order_by=("institution__name",))
    kind = tables.Column(_("入住类型"))
    care_level = tables.Column(_("护理等级"))
    admitted_on = tables.DateColumn(format="Y-m-d", verbose_name=_("入住日期"))
    status = tables.Column(_("状态"))
    discharged_on = tables.DateColumn(format="Y-m-d", verbose_name=_("离院日期"))
    discharge_reason = tables.Column(_("离院原因"))

    class Meta:
        model = Resident
        fields = ()
        sequence = ("elder", "institution", "kind", "care_level", "admitted_on", "status", "discharged_on",
                    "discharge_reason")  # fmt: skip
        attrs = ATTRS
        empty_text = _("没有入住老人")


class RiskAssessmentTable(tables.Table):
    elder = tables.Column(_("姓名"), accessor="elder__name", linkify=lambda record: record.get_absolute_url(),
                          order_by=("elder__name",))  # fmt: skip
    institution = tables.Column(_("养老机构"), accessor="institution__name", order_by=("institution__name",))
    assessed_on = tables.DateColumn(format="Y-m-d", verbose_name=_("评估日期"))
    reason = tables.Column(_("评估原因"))
    assessor = tables.Column(_("评估人"))

    class Meta:
        model = RiskAssessment
        fields = ()
        sequence = ("elder", "institution", "assessed_on", "reason", "assessor")
        attrs = ATTRS
        empty_text = _("没有风险评估")


class BedAssignmentTable(tables.Table):
    institution = tables.Column(_("养老机构"), accessor="institution__name", order_by=("institution__name",))
    bed = tables.Column(
        _("床位"),
        accessor="bed",
        order_by=("bed__room__floor__building__name", "bed__room__number", "bed__number"),
    )
    resident = tables.Column(_("入住老人"), accessor="resident__elder__name", orderable=False,
                             linkify=lambda record: record.resident.get_absolute_url())  # fmt: skip
    care_level = tables.Column(_("护理等级"))
    start = tables.DateColumn(format="Y-m-d", verbose_name=_("起始日期"))
    end = tables.DateColumn(format="Y-m-d", verbose_name=_("结束日期"))

    class Meta:
        model = BedAssignment
        fields = ()
        sequence = ("institution", "bed", "resident", "care_level", "start", "end")
        attrs = ATTRS
        empty_text = _("没有床位占用记录")
