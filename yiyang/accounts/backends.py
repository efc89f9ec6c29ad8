from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from yiyang.accounts.roles import permissions_for


class RoleBackend(ModelBackend):
    """Permissions come from the user's role (roles.py), not from per-user grants in the database."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set() if obj is not None else set(_granted(user_obj))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        # whatever the object, as before; the role's frozen set, not a copy of it for each check
        return perm in _granted(user_obj)


def _granted(user_obj: Any) -> frozenset[str]:
    if not user_obj.is_active or user_obj.is_anonymous:
        return frozenset()
    return permissions_for(getattr(user_obj, "role", ""))
