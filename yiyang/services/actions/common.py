"""Guards and audit shared by the service-chain actions: permission, scope, provider membership."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.accounts.roles import Role
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import organisation_ids
from yiyang.services.models import Provider, WorkOrder

WORKFLOW = AuditEntry.Action.WORKFLOW


# -- guards -------------------------------------------------------------------------------------------


def _require(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def _in_scope(actor: Any, obj: Any, action: str) -> None:
    """The same door as the pages: out of scope looks like missing."""
    if actor is None:  # system jobs
        return
    manager = type(obj)._default_manager
    if not manager.for_user(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("不在您的管辖范围内"))


def _is_provider_staff(actor: Any) -> bool:
    return actor is not None and getattr(actor, "role", "") == Role.PROVIDER_STAFF


def _member_of(actor: Any, provider_id: int | None) -> bool:
    return provider_id is not None and provider_id in organisation_ids(actor, Provider)


def _acting_for_provider(actor: Any, order: WorkOrder) -> None:
    """Provider staff act only on their organisation's orders; office staff may act for a provider."""
    if _is_provider_staff(actor) and not _member_of(actor, order.provider_id):
        raise PermissionDenied(_("不是本单位的工单"))


def _record(actor: Any, obj: Any, verb: str, before: audit.Snapshot | None, message: str = "") -> None:
    audit.record_change(
        actor=actor,
        obj=obj,
        action=WORKFLOW,
        verb=verb,
        before=before,
        after=audit.snapshot(obj),
        message=message,
    )


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()
