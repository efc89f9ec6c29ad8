from django.urls import reverse

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    "能力评估",
    "clipboard2-pulse",
    20,
    [
        MenuItem(
            "评估记录", "assessments:assessment_list", "assessments.view_assessment", "clipboard2-pulse"
        ),
        MenuItem("到期复评", "assessments:assessment_due", "assessments.view_assessment", "alarm"),
        MenuItem(
            "评估规则配置", "assessments:scoringconfig_list", "assessments.view_scoringconfig", "sliders"
        ),
    ],
)

register_action(
    ElderAction(
        "新增评估",
        lambda elder: reverse("assessments:assessment_add") + f"?elder={elder.pk}",
        "assessments.add_assessment",
        "clipboard2-plus",
    )
)
