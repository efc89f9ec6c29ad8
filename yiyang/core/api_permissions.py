"""API permission checks, kept apart from the viewsets: DRF imports this from its settings."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from yiyang.core.scoping import permission_name

_METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def request_action(request: Request, view: Any) -> str:
    return getattr(view, "scope_action", None) or _METHOD_ACTIONS.get(request.method or "GET", "view")


class ScopedModelPermissions(permissions.BasePermission):
    """403 when the role lacks the action; the scoped queryset makes out-of-area objects 404."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        return bool(request.user.has_perm(permission_name(model, request_action(request, view))))
