"""Guards and audit shared by the service-chain actions (scope itself: ``core.scoping.require``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yiyang.core import audit
from yiyang.core.models import AuditEntry

WORKFLOW = AuditEntry.Action.WORKFLOW


# -- guards -------------------------------------------------------------------------------------------


def _require(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


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
