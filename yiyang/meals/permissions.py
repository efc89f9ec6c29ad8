"""What each role may do with meal assistance (where: area assignments, or canteen membership).

Canteen operators are provider staff (服务商人员) who are members of a canteen (``core.Membership``):
the canteen's ``scope_organisation`` lets them see the canteens they work at and those canteens'
menus, meals and deliveries — nothing else, and no elder registry.
"""

from __future__ import annotations

from yiyang.accounts.roles import Role, grant

_ALL_READERS = [
    Role.DISTRICT_ADMIN,
    Role.STREET_WORKER,
    Role.COMMUNITY_WORKER,
    Role.HOTLINE_OPERATOR,
    Role.AUDITOR,
]
_MANAGERS = [Role.DISTRICT_ADMIN, Role.STREET_WORKER]

grant(
    [*_ALL_READERS, Role.PROVIDER_STAFF],
    [
        "meals.view_canteen",
        "meals.view_menu",
        "meals.view_mealrecord",
        "meals.view_deliveryorder",
        "meals.view_subsidyrule",
    ],
)
grant(_ALL_READERS, ["meals.view_mealcard"])
grant(_MANAGERS, ["meals.add_canteen", "meals.change_canteen"])
grant([*_MANAGERS, Role.COMMUNITY_WORKER], ["meals.add_mealcard", "meals.change_mealcard"])
grant([*_MANAGERS, Role.COMMUNITY_WORKER, Role.PROVIDER_STAFF], ["meals.add_menu", "meals.change_menu"])
# A canteen takes provider staff accounts onto its counter.
grant([Role.PROVIDER_STAFF], ["meals.join_canteen"])
# Serving at the counter: the canteen's own staff, and community workers where the community runs it.
grant([Role.PROVIDER_STAFF, Role.COMMUNITY_WORKER], ["meals.serve_canteen", "meals.add_mealrecord",
                                                     "meals.add_deliveryorder", "meals.change_deliveryorder"])  # fmt: skip
grant(
    [*_MANAGERS, Role.AUDITOR, Role.PROVIDER_STAFF, Role.COMMUNITY_WORKER],
    ["meals.export_canteen", "meals.export_mealrecord"],
)
