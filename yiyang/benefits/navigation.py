from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    _("津贴补贴"),
    "cash-coin",
    30,
    [
        MenuItem(
            pgettext_lazy("plural", "发放花名册"),
            "benefits:paymentroll_list",
            "benefits.view_paymentroll",
            "journal-text",
        ),
        MenuItem(_("补贴项目与标准"), "benefits:programme_list", "benefits.view_programme", "sliders"),
        MenuItem(
            pgettext_lazy("plural", "资格认证"),
            "benefits:qualification_due",
            "benefits.view_qualificationcheck",
            "person-check",
        ),
        MenuItem(
            pgettext_lazy("plural", "暂停发放"),
            "benefits:suspension_list",
            "benefits.view_suspension",
            "pause-circle",
        ),
        MenuItem(_("更正调整"), "benefits:adjustment_list", "benefits.view_rollline", "pencil-square"),
        MenuItem(
            pgettext_lazy("plural", "死亡/迁出名单"),
            "benefits:lifeeventbatch_list",
            "benefits.view_lifeeventbatch",
            "person-x",
        ),
        MenuItem(
            pgettext_lazy("plural", "追回台账"),
            "benefits:recovery_list",
            "benefits.view_recovery",
            "arrow-counterclockwise",
        ),
        MenuItem(
            pgettext_lazy("plural", "预算"), "benefits:budget_list", "benefits.view_budget", "piggy-bank"
        ),
        MenuItem(
            pgettext_lazy("plural", "代发账户"),
            "benefits:elderbankaccount_list",
            "benefits.view_elderbankaccount",
            "bank",
        ),
        MenuItem(
            _("导入认定名单"), "benefits:certification_import", "benefits.import_certification", "upload"
        ),
    ],
)

# Buttons on the elder's page: the worker starts from the person, the pages fix the elder.
# The labels are lazy translations, rendered in the reader's language (ElderAction declares ``str``).
register_action(
    ElderAction(
        pgettext_lazy("action", "暂停发放"),
        lambda elder: reverse("benefits:suspension_add", args=[elder.pk]),
        "benefits.add_suspension",
        "pause-circle",
    )
)
register_action(
    ElderAction(
        _("补贴调整"),
        lambda elder: reverse("benefits:adjustment_add") + f"?elder={elder.pk}",
        "benefits.change_paymentroll",
        "pencil-square",
    )
)
