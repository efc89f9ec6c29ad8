from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiyang.accounts.roles import Role
from yiyang.core.navigation import MenuItem, register_landing, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    _("居家社区服务"),
    "house-heart",
    30,
    [
        MenuItem(_("服务受理"), "services:workorder_add", "services.add_workorder", "telephone-inbound"),
        MenuItem(
            pgettext_lazy("plural", "服务工单"),
            "services:workorder_list",
            "services.view_workorder",
            "clipboard-check",
        ),
        MenuItem(_("超时工单"), "services:workorder_overdue", "services.view_workorder", "alarm"),
        MenuItem(_("我的今日上门"), "services:my_visits", "services.add_visit", "phone"),
        MenuItem(
            pgettext_lazy("plural", "服务异常"),
            "services:serviceexception_list",
            "services.view_serviceexception",
            "exclamation-triangle",
        ),
        MenuItem(
            pgettext_lazy("plural", "回访"),
            "services:returncall_list",
            "services.view_returncall",
            "telephone-outbound",
        ),
        MenuItem(
            pgettext_lazy("plural", "服务计划"),
            "services:recurringplan_list",
            "services.view_recurringplan",
            "calendar-week",
        ),
        MenuItem(_("服务结算"), "services:settlement_list", "services.view_settlement", "cash-coin"),
        MenuItem(_("服务商评分"), "services:scorecard", "services.view_provider", "bar-chart"),
        MenuItem(
            pgettext_lazy("plural", "服务额度"),
            "services:entitlement_list",
            "services.view_entitlement",
            "wallet2",
        ),
        MenuItem(
            pgettext_lazy("plural", "服务商"), "services:provider_list", "services.view_provider", "building"
        ),
        MenuItem(
            pgettext_lazy("plural", "服务协议"),
            "services:serviceagreement_list",
            "services.view_serviceagreement",
            "file-earmark-text",
        ),
        MenuItem(
            pgettext_lazy("plural", "服务网点"),
            "services:servicepoint_list",
            "services.view_servicepoint",
            "pin-map",
        ),
        MenuItem(
            pgettext_lazy("plural", "助老员"), "services:worker_list", "services.view_worker", "person-badge"
        ),
        MenuItem(
            pgettext_lazy("plural", "服务项目"),
            "services:serviceitem_list",
            "services.view_serviceitem",
            "list-check",
        ),
    ],
)

register_action(
    ElderAction(
        _("服务额度"),  # lazy: translated when the elder's page is shown
        lambda elder: reverse("services:entitlement_add") + f"?elder={elder.pk}",
        "services.add_entitlement",
        "wallet2",
    )
)


def is_care_worker(user: Any) -> bool:
    """An account that is a provider's care worker (助老员) in service: it works on a phone."""
    worker = getattr(user, "service_worker", None)  # Worker.user's reverse side: the account's own record
    return worker is not None and worker.is_active


# A care worker lands on the visits of the day, not on the provider's list of orders.
register_landing(Role.PROVIDER_STAFF, "services:my_visits", when=is_care_worker)
