from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    _("适老化改造"),
    "house-gear",
    65,
    [
        MenuItem(_("改造项目"), "adaptation:project_list", "adaptation.view_project", "house-check"),
        MenuItem(_("从台账纳入"), "adaptation:project_enrol", "adaptation.enrol_project", "funnel"),
        MenuItem(_("待使用回访"), "adaptation:usecheck_due", "adaptation.check_project", "calendar-check"),
        MenuItem(_("施工单位"), "adaptation:contractor_list", "adaptation.view_contractor", "building"),
        MenuItem(
            _("改造项目目录"), "adaptation:catalogueitem_list", "adaptation.view_catalogueitem", "list-check"
        ),
        MenuItem(_("每户补助上限"), "adaptation:caprule_list", "adaptation.view_caprule", "cash-coin"),
    ],
)

register_action(
    ElderAction(
        _("申请适老化改造"),
        lambda elder: reverse("adaptation:project_apply") + f"?elder={elder.pk}",
        "adaptation.add_project",
        "house-gear",
    )
)
