from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("机构养老"),
    "building",
    33,
    [
        MenuItem(_("养老机构"), "institutions:institution_list", "institutions.view_institution", "building"),
        MenuItem(_("入住老人"), "institutions:resident_list", "institutions.view_resident", "people"),
        MenuItem(
            _("风险评估"),
            "institutions:riskassessment_list",
            "institutions.view_riskassessment",
            "shield-exclamation",
        ),
        MenuItem(
            _("安全事件"), "institutions:incident_list", "institutions.view_incident", "exclamation-triangle"
        ),
        MenuItem(_("巡查记录"), "institutions:roundlog_list", "institutions.view_roundlog", "flashlight"),
        MenuItem(
            _("床位占用"), "institutions:bedassignment_list", "institutions.view_bedassignment", "calendar3"
        ),
        MenuItem(_("床位"), "institutions:bed_list", "institutions.view_bed", "grid-3x3-gap"),
        MenuItem(
            _("责任保险"),
            "institutions:insurancepolicy_list",
            "institutions.view_insurancepolicy",
            "shield-check",
        ),
        MenuItem(
            _("监督检查"), "institutions:inspection_list", "institutions.view_inspection", "clipboard-check"
        ),
        MenuItem(_("整改督办"), "institutions:finding_list", "institutions.view_finding", "hourglass-split"),
        MenuItem(
            _("等级评定"), "institutions:starassessment_list", "institutions.view_starassessment", "star"
        ),
        MenuItem(
            _("检查项"), "institutions:checklistitem_list", "institutions.view_checklistitem", "list-check"
        ),
        MenuItem(
            _("星级评定标准"), "institutions:starthreshold_list", "institutions.view_starthreshold", "sliders"
        ),
        MenuItem(_("到期提醒"), "institutions:alerts", "institutions.view_institution", "alarm"),
    ],
)
