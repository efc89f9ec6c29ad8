"""The left-hand menu. Each app registers its entries; the menu shows only what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape

from yiyang.core.links import reversed_url, url_if_permitted

#: A menu label: a lazy translation (``gettext_lazy``), translated when the menu is rendered.
Label = str | Promise


@dataclass(frozen=True)
class MenuItem:
    label: Label
    url_name: str
    permission: str = ""
    icon: str = "circle"
    landing: bool = False  # preferred first page after login, for those who may see it

    @property
    def url(self) -> str:
        return reversed_url(self.url_name)


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
    _menus.clear()
    _html.clear()


# A user's menu depends on nothing but what they may do: whether each entry's permission and its
# page's permission are granted. So it is worked out once per set of permissions (a role, in
# practice) and URL configuration, and its HTML once per menu and language: on every page the menu
# cost more than the list's queries (~60 entries, two permission checks and a dozen template nodes each).
_menus: dict[tuple[Any, ...], list[MenuGroup]] = {}
_html: dict[tuple[Any, ...], str] = {}
_MAX_KEPT = 256  # distinct permission sets; more only when someone grants per user


def menu_for(user: Any) -> list[MenuGroup]:
    """The groups and entries ``user`` may open: the entry's permission and the page's own check."""
    key = _permission_key(user)
    menu = _menus.get(key)
    if menu is None:
        if len(_menus) >= _MAX_KEPT:
            _menus.clear()
        menu = _menus[key] = _visible(user)
    return list(menu)


def _permission_key(user: Any) -> tuple[Any, ...]:
    """What ``user.has_perm`` answers from: Django's answer is True for an active superuser, else
    whether any backend grants it, which ours (and Django's) decide from ``get_all_permissions``."""
    urlconf = str(get_urlconf() or "")
    authenticated = bool(getattr(user, "is_authenticated", False))
    active = bool(getattr(user, "is_active", False))
    if not (authenticated and active):
        return (urlconf, authenticated, active)
    if getattr(user, "is_superuser", False):
        return (urlconf, True, True, "superuser")
    return (urlconf, True, True, frozenset(user.get_all_permissions()))


def _visible(user: Any) -> list[MenuGroup]:
    visible = []
    for group in sorted(_groups.values(), key=lambda g: g.order):
        items = [i for i in group.items if _may_open_item(user, i)]
        if items:
            visible.append(MenuGroup(group.label, group.icon, group.order, items))
    return visible


def menu_html(menu: list[MenuGroup], current_path: str) -> str:
    """The sidebar's groups and entries (``base.html``), the entry of the page shown marked active.

    Made once per menu, language and script prefix, then only the current entry's class changes."""
    key = (
        translation.get_language(),
        get_script_prefix(),
        str(get_urlconf() or ""),
        tuple((group.order, tuple(item.url_name for item in group.items)) for group in menu),
    )
    html = _html.get(key)
    if html is None:
        if len(_html) >= _MAX_KEPT:
            _html.clear()
        html = _html[key] = "".join(_group_html(number, group) for number, group in enumerate(menu, 1))
    if current_path:
        anchor = f'{_ANCHOR}" href="{escape(current_path)}">'
        html = html.replace(anchor, f'{_ANCHOR} active text-white" href="{escape(current_path)}">')
    return html


_ANCHOR = '<a class="nav-link text-white-50'


def _group_html(number: int, group: MenuGroup) -> str:
    items = "".join(
        f'<li class="nav-item">{_ANCHOR}" href="{escape(item.url)}"><i class="bi bi-{escape(item.icon)} me-2">'
        f"</i>{escape(item.label)}</a></li>"
        for item in group.items
    )
    return (
        '<button class="sidebar-group btn btn-link text-start text-white-50 text-decoration-none w-100 px-3 '
        f'pt-2 pb-1 small" type="button" data-bs-toggle="collapse" data-bs-target="#menu-{number}" '
        f'aria-expanded="true">{escape(group.label)}</button>'
        f'<ul class="nav flex-column collapse show" id="menu-{number}">{items}</ul>'
    )


def _may_open_item(user: Any, item: MenuItem) -> bool:
    if item.permission and not user.has_perm(item.permission):
        return False
    return bool(url_if_permitted(user, item.url_name))


# -- where each role lands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Landing:
    """A role's daily work: ``url_name``, for those of the role ``when`` holds for (None: all)."""

    url_name: str
    when: Callable[[Any], bool] | None = None


_landings: dict[str, list[Landing]] = {}


def register_landing(role: str, url_name: str, when: Callable[[Any], bool] | None = None) -> None:
    """Where ``role`` lands after login. Roles are data (``accounts.roles.LANDING``); an app adds a
    narrower landing for some of a role (a provider's care workers land on their visits today),
    which is tried before the role's own."""
    landings = _landings.setdefault(str(role), [])
    landings.insert(0, Landing(url_name, when)) if when is not None else landings.append(Landing(url_name))


def landings_for(role: str) -> list[Landing]:
    return list(_landings.get(str(role), ()))


def landing_url_name(user: Any) -> str:
    """Where "/" sends a user: their role's daily work if they may open it, else the first landing
    page of the menu they may see, else their first menu entry.

    A fixed home page would be a 403 for roles without it (provider staff, care workers)."""
    for landing in landings_for(getattr(user, "role", "")):
        if (landing.when is None or landing.when(user)) and url_if_permitted(user, landing.url_name):
            return landing.url_name
    items = [item for group in menu_for(user) for item in group.items]
    chosen = next((i for i in items if i.landing), None) or (items[0] if items else None)
    return chosen.url_name if chosen else "accounts:my_account"
