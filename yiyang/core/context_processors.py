from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from yiyang.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Once per request: a table's own template renders with the context processors again.
    menu = getattr(request, "_yiyang_menu", None)
    if menu is None:
        menu = request._yiyang_menu = menu_for(user)  # type: ignore[attr-defined]
    return {"menu": menu, "site_name": _("颐养 · 智慧养老服务平台")}
