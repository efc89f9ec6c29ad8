"""What every complaints action shares: the event row and the audit row, written together."""

from __future__ import annotations

from typing import Any

from yiyang.complaints.models import Case, CaseEvent
from yiyang.core import audit
from yiyang.core.models import AuditEntry


def actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return str(actor.get_full_name() or actor.get_username())[:50]


def record(
    case: Case,
    kind: str,
    actor: Any,
    before: audit.Snapshot | None,
    note: str = "",
    *,
    unit: str = "",
    audit_row: bool = True,
) -> CaseEvent:
    """One step of the case on its record, and the audit row of the change (a workflow entry)."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name(actor),
        unit=(unit or case.unit_label)[:100],
        note=note[:500],
    )
    if not audit_row:  # a second step of one change (the close after a return call): one audit row
        return event
    audit.record_change(
        actor=actor,
        obj=case,
        action=AuditEntry.Action.WORKFLOW if before is not None else AuditEntry.Action.CREATE,
        verb=f"case.{kind}",
        before=before,
        after=audit.snapshot(case),
        message=note[:500],
    )
    return event
