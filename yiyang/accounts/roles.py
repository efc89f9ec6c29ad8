"""Roles and what each may do, as data.

A role grants permission names of the form ``app.action_model``; *where* a user may use them is
decided separately by their area assignments (``yiyang.core.scoping``). Domain apps add their own
permissions with :func:`grant` from their ``AppConfig.ready``, so this file never grows with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    STREET_WORKER = "street_worker", _("街道工作人员")
    COMMUNITY_WORKER = "community_worker", _("社区工作人员")
    HOTLINE_OPERATOR = "hotline_operator", _("热线坐席")
    PROVIDER_STAFF = "provider_staff", _("服务商人员")
    AUDITOR = "auditor", _("审计人员")
    # A machine account of a device vendor's platform that pushes device events over HTTP (token
    # auth) for the devices in its areas; granted nothing else (yiyang/safety/permissions.py).
    DEVICE_PLATFORM = "device_platform", _("设备平台")


_grants: dict[str, set[str]] = {role.value: set() for role in Role}


def grant(roles: Iterable[str], permissions: Iterable[str]) -> None:
    perms = set(permissions)
    for role in roles:
        _grants[str(role)].update(perms)


def permissions_for(role: str) -> frozenset[str]:
    return frozenset(_grants.get(role, ()))


def roles_with(permission: str) -> list[str]:
    """The roles that grant ``permission``, e.g. the accounts that may join a provider's staff."""
    return sorted(role for role, granted in _grants.items() if permission in granted)


ALL_ROLES = tuple(Role)
STAFF_ROLES = (Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER)

grant(ALL_ROLES, ["areas.view_area"])
grant(
    [Role.DISTRICT_ADMIN],
    ["accounts.view_user", "accounts.add_user", "accounts.change_user", "accounts.export_user"],
)
# Only a district administrator makes another one.
grant([Role.DISTRICT_ADMIN], ["accounts.grant_district_admin"])
# Auditors review accounts (redundant or expired ones, 等保 §8.1.4.2 c) but change none: separation of duties.
grant([Role.AUDITOR], ["accounts.view_user"])
grant([Role.DISTRICT_ADMIN, Role.AUDITOR], ["core.view_auditentry", "core.view_accesslog"])
# Import batches are visible to whoever may import something; the view checks the batch's kind.
grant(STAFF_ROLES, ["core.view_importbatch"])
