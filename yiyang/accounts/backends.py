from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from yiyang.accounts.roles import permissions_for


class RoleBackend(ModelBackend):
    """Permissions come from the user's role (roles.py), not from per-user grants in the database."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(permissions_for(getattr(user_obj, "role", "")))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        # get_all_permissions(user_obj), without copying the role's permissions for each check
        return bool(user_obj.is_active and not user_obj.is_anonymous) and perm in permissions_for(
            getattr(user_obj, "role", "")
        )
