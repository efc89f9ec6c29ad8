"""Workflows of the volunteer registry: a team's leaders (its members through ``core.Membership``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.core import audit, scoping
from yiyang.core.models import AuditEntry, Membership
from yiyang.core.scoping import require
from yiyang.volunteers.models import VolunteerTeam


def team_leader_add(*, team: VolunteerTeam, user: Any, actor: Any) -> Membership:
    """The account leads the team: it sees the team, its volunteers and its time-bank account."""
    require(actor, "change", team)
    if not user.has_perm("volunteers.lead_volunteerteam"):
        raise ValidationError({"user": _("只能添加角色为“志愿服务队负责人”的有效账号")})
    with transaction.atomic():
        membership, created = scoping.grant_membership(user, team)
        if created:
            audit.record_change(
                actor=actor, obj=team, action=AuditEntry.Action.UPDATE, verb="volunteerteam.leader_add",
                message=f"新增负责人：{user}",
            )  # fmt: skip
    return membership


def team_leader_remove(*, team: VolunteerTeam, membership: Membership, actor: Any) -> None:
    require(actor, "change", team)
    with transaction.atomic():
        audit.record_change(
            actor=actor, obj=team, action=AuditEntry.Action.UPDATE, verb="volunteerteam.leader_remove",
            message=f"移除负责人：{membership.user}",
        )  # fmt: skip
        scoping.revoke_membership(membership)
