"""The left-hand menu. Each app registers its entries; the menu shows only what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str = ""
    icon: str = "circle"


@dataclass
class MenuGroup:
    label: str
    icon: str
    order: int
    items: list[MenuItem]


_groups: dict[str, MenuGroup] = {}


def register_menu(label: str, icon: str, order: int, items: list[MenuItem]) -> None:
    group = _groups.setdefault(label, MenuGroup(label, icon, order, []))
    group.items.extend(items)


def menu_for(user: Any) -> list[MenuGroup]:
    visible = []
    for group in sorted(_groups.values(), key=lambda g: g.order):
        items = [i for i in group.items if not i.permission or user.has_perm(i.permission)]
        if items:
            visible.append(MenuGroup(group.label, group.icon, group.order, items))
    return visible
