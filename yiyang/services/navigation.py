from django.urls import reverse

from yiyang.core.navigation import MenuItem, register_menu
from yiyang.people.elder_page import ElderAction, register_action

register_menu(
    "居家社区服务",
    "house-heart",
    30,
    [
        MenuItem("服务受理", "services:workorder_add", "services.add_workorder", "telephone-inbound"),
        MenuItem("服务工单", "services:workorder_list", "services.view_workorder", "clipboard-check"),
        MenuItem("超时工单", "services:workorder_overdue", "services.view_workorder", "alarm"),
        MenuItem("我的上门服务", "services:my_visits", "services.add_visit", "phone"),
        MenuItem(
            "服务异常",
            "services:serviceexception_list",
            "services.view_serviceexception",
            "exclamation-triangle",
        ),
        MenuItem("回访", "services:returncall_list", "services.view_returncall", "telephone-outbound"),
        MenuItem("服务计划", "services:recurringplan_list", "services.view_recurringplan", "calendar-week"),
        MenuItem("服务结算", "services:settlement_list", "services.view_settlement", "cash-coin"),
        MenuItem("服务商评分", "services:scorecard", "services.view_provider", "bar-chart"),
        MenuItem("服务额度", "services:entitlement_list", "services.view_entitlement", "wallet2"),
        MenuItem("服务商", "services:provider_list", "services.view_provider", "building"),
        MenuItem(
            "服务协议",
            "services:serviceagreement_list",
            "services.view_serviceagreement",
            "file-earmark-text",
        ),
        MenuItem("服务网点", "services:servicepoint_list", "services.view_servicepoint", "pin-map"),
        MenuItem("助老员", "services:worker_list", "services.view_worker", "person-badge"),
        MenuItem("服务项目", "services:serviceitem_list", "services.view_serviceitem", "list-check"),
    ],
)

register_action(
    ElderAction(
        "服务额度",
        lambda elder: reverse("services:entitlement_add") + f"?elder={elder.pk}",
        "services.add_entitlement",
        "wallet2",
    )
)
