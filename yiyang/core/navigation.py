"""The left-hand menu. Each app registers its entries; the menu shows only what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

#: A menu label: a lazy translation (``gettext_lazy``), translated when the menu is rendered.
Label = str | Promise


@dataclass(frozen=True)
class MenuItem:
    label: Label
    url_name: str
    permission: str = ""
    icon: str = "circle"
    landing: bool = False  # preferred first page after login, for those who may see it


@dataclass
class MenuGroup:
    label: Label
    icon: str
    order: int
    items: list[MenuItem]


_groups: dict[str, MenuGroup] = {}


def _key(label: Label) -> str:
    """Groups are matched by their source text: two apps adding to one group give equal keys, and
    a lazy label is not translated at start-up (it would be frozen in the language active then)."""
    with translation.override(None):
        return str(label)


def register_menu(label: Label, icon: str, order: int, items: list[MenuItem]) -> None:
    group = _groups.setdefault(_key(label), MenuGroup(label, icon, order, []))
    group.items.extend(items)


def menu_for(user: Any) -> list[MenuGroup]:
    visible = []
    for group in sorted(_groups.values(), key=lambda g: g.order):
        items = [i for i in group.items if not i.permission or user.has_perm(i.permission)]
        if items:
            visible.append(MenuGroup(group.label, group.icon, group.order, items))
    return visible


def landing_url_name(user: Any) -> str:
    """Where "/" sends a user: the first landing page they may see, else their first menu entry.

    A fixed home page would be a 403 for roles without it (provider staff, care workers)."""
    items = [item for group in menu_for(user) for item in group.items]
    chosen = next((i for i in items if i.landing), None) or (items[0] if items else None)
    return chosen.url_name if chosen else "accounts:my_account"
