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
    # Staff of organisations that see only their own rows through core.Membership (issue 12's
    # organisation axis): a care home, a volunteer team, a department or association contributing to
    # a campaign (工会, 妇联 …), a contractor of home adaptation works.
    INSTITUTION_STAFF = "institution_staff", _("养老机构人员")
    VOLUNTEER_LEADER = "volunteer_leader", _("志愿服务队负责人")
    PARTNER_STAFF = "partner_staff", _("部门单位人员")
    CONTRACTOR = "contractor", _("施工单位人员")


_grants: dict[str, set[str]] = {role.value: set() for role in Role}
# What permissions_for hands out, made once per role: every permission check of a request asks for it
# (a page's menu alone makes a few hundred checks).
_frozen: dict[str, frozenset[str]] = {}


def grant(roles: Iterable[str], permissions: Iterable[str]) -> None:
    perms = set(permissions)
    for role in roles:
        _grants[str(role)].update(perms)
    _frozen.clear()


def permissions_for(role: str) -> frozenset[str]:
    frozen = _frozen.get(role)
    if frozen is None:
        frozen = _frozen[role] = frozenset(_grants.get(role, ()))
    return frozen


def roles_with(permission: str) -> list[str]:
    """The roles that grant ``permission``, e.g. the accounts that may join a provider's staff."""
    return sorted(role for role, granted in _grants.items() if permission in granted)


#: Where each role lands after login: its daily work (``core.navigation.landing_url_name``). A role
#: whose landing it may not open, or a role without one, lands on its first menu entry. Apps add
#: narrower landings for some of a role with ``core.navigation.register_landing(..., when=…)``.
LANDING: dict[str, str] = {
    Role.DISTRICT_ADMIN: "reports:dashboard",
    Role.STREET_WORKER: "services:workorder_list",  # the street's orders: intake, dispatch, overdue
    Role.COMMUNITY_WORKER: "people:elder_list",  # the community's ledger: registrations and changes
    Role.HOTLINE_OPERATOR: "safety:board",
    Role.AUDITOR: "core:auditentry_list",
    Role.PROVIDER_STAFF: "services:workorder_list",  # care workers: their visits today (services)
}

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
grant(
    [Role.DISTRICT_ADMIN, Role.AUDITOR],
    ["core.view_auditentry", "core.view_accesslog", "core.export_auditentry", "core.export_accesslog"],
)
# Import batches are visible to whoever may import something; the view checks the batch's kind.
grant(STAFF_ROLES, ["core.view_importbatch"])
# A document printed in the background is offered to whoever may see its area (it holds only what its
# requester could see); each kind of document checks its own permission when it is requested.
grant([role for role in Role if role != Role.DEVICE_PLATFORM], ["core.view_documentjob"])
