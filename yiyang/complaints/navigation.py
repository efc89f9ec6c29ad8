from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    _("投诉信访"),
    "megaphone",
    60,
    [
        MenuItem(_("投诉信访件"), "complaints:case_list", "complaints.view_case", "inbox"),
        MenuItem(_("登记投诉"), "complaints:case_add", "complaints.add_case", "telephone-plus"),
        MenuItem(_("维权转介"), "complaints:referral_list", "complaints.view_referral", "shield-check"),
        MenuItem(
            _("保护性跟进"),
            "complaints:protectivecase_list",
            "complaints.view_protectivecase",
            "shield-exclamation",
        ),
        MenuItem(_("办结率"), "complaints:resolution_rate", "complaints.view_case", "graph-up"),
        MenuItem(
            _("服务商考评红黑榜"), "complaints:providerscore_list", "complaints.view_providerscore", "award"
        ),
        MenuItem(
            _("养老机构考评红黑榜"),
            "complaints:institutionscore_list",
            "complaints.view_institutionscore",
            "building-check",
        ),
        MenuItem(_("导入12345转办"), "complaints:import_12345", "complaints.import_case", "upload"),
        MenuItem(
            _("办理时限规则"), "complaints:deadlinerule_list", "complaints.view_deadlinerule", "hourglass"
        ),
        MenuItem(_("节假日安排"), "complaints:calendarday_list", "complaints.view_calendarday", "calendar3"),
    ],
)

register_action(
    ElderAction(
        _("登记投诉"),  # lazy: translated when the elder's page is shown
        lambda elder: reverse("complaints:case_add") + f"?elder={elder.pk}",
        "complaints.add_case",
        "megaphone",
    )
)
