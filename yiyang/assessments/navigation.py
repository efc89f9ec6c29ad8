from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

# The labels are lazy (translated when the menu is drawn); the registries annotate them as str.
register_menu(
    _("能力评估"),
    "clipboard2-pulse",
    20,
    [
        MenuItem(
            _("评估记录"),
            "assessments:assessment_list",
            "assessments.view_assessment",
            "clipboard2-pulse",
        ),
        MenuItem(_("到期复评"), "assessments:assessment_due", "assessments.view_assessment", "alarm"),
        MenuItem(
            _("评估规则配置"),
            "assessments:scoringconfig_list",
            "assessments.view_scoringconfig",
            "sliders",
        ),
    ],
)

register_action(
    ElderAction(
        _("新增评估"),
        lambda elder: reverse("assessments:assessment_add") + f"?elder={elder.pk}",
        "assessments.add_assessment",
        "clipboard2-plus",
    )
)
