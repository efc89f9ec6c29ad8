from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    _("优待证与银龄安康"),
    "person-vcard",
    65,
    [
        MenuItem(_("老年人优待证"), "cards:card_list", "cards.view_card", "person-vcard"),
        MenuItem(_("批量发放优待证"), "cards:card_batch", "cards.issue_card", "collection"),
        MenuItem(_("优待证办理条件"), "cards:cardrule_list", "cards.view_cardrule", "list-check"),
        MenuItem(_("银龄安康参保率"), "cards:coverage", "cards.view_enrolment", "pie-chart"),
        MenuItem(_("银龄安康参保名单"), "cards:enrolment_list", "cards.view_enrolment", "shield-plus"),
        MenuItem(_("生成政府代缴名单"), "cards:enrolment_generate", "cards.add_enrolment", "people"),
        MenuItem(_("导入保险公司参保名单"), "cards:enrolment_import", "cards.import_enrolment", "upload"),
        MenuItem(_("银龄安康理赔"), "cards:claim_list", "cards.view_claim", "cash-coin"),
        MenuItem(_("银龄安康参保规则"), "cards:insurancerule_list", "cards.view_insurancerule", "sliders"),
    ],
)

register_action(
    ElderAction(
        _("发放优待证"),
        lambda elder: reverse("cards:card_issue") + f"?elder={elder.pk}",
        "cards.issue_card",
        "person-vcard",
    )
)
register_action(
    ElderAction(
        _("银龄安康报案"),
        lambda elder: reverse("cards:claim_add") + f"?elder={elder.pk}",
        "cards.add_claim",
        "bandaid",
    )
)
