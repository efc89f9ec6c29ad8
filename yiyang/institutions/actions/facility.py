"""The home's staff accounts: added and removed by the supervisors of the home's area."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiyang.core import audit, scoping
from yiyang.core.models import AuditEntry, Membership
from yiyang.core.scoping import require
from yiyang.institutions.models import Institution


def institution_membership_add(*, institution: Institution, user: Any, actor: Any) -> Membership:
    """The account becomes one of the home's staff: it sees this home's beds and residents only."""
    require(actor, "change", institution)
    if not user.is_active or not user.has_perm("institutions.join_institution"):
        raise ValidationError({"user": _("只能添加角色为“养老机构人员”的有效账号")})
    with transaction.atomic():
        membership, created = scoping.grant_membership(user, institution)
        if created:
            audit.record_change(
                actor=actor, obj=institution, action=AuditEntry.Action.UPDATE, verb="institution.member_add",
                message=f"新增工作人员：{user}",
            )  # fmt: skip
    return membership


def institution_membership_remove(*, institution: Institution, membership: Membership, actor: Any) -> None:
    """The account stops seeing the home (its past records stay)."""
    require(actor, "change", institution)
    with transaction.atomic():
        audit.record_change(
            actor=actor, obj=institution, action=AuditEntry.Action.UPDATE, verb="institution.member_remove",
            message=f"移除工作人员：{membership.user}",
        )  # fmt: skip
        scoping.revoke_membership(membership)
