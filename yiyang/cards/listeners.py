"""A death or a move away cancels the elder's valid 优待证 and takes them out of the insured living;
a return puts them back among the insured (the card is issued again on request)."""

from __future__ import annotations

from yiyang.cards.choices import CardStatus
from yiyang.cards.models import Card, Enrolment
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.people.lifecycle import StatusChange, register


@register
def on_status_change(change: StatusChange) -> None:
    elder = change.elder
    Enrolment.objects.filter(elder=elder, year__gte=change.on.year).update(elder_living=not change.stops)
    if not change.stops:
        return
    for card in Card.objects.select_for_update().filter(elder=elder, status=CardStatus.VALID):
        before = audit.snapshot(card)
        card.status, card.ended_on = CardStatus.CANCELLED, change.on
        card.save(update_fields=["status", "ended_on", "updated_at"])
        audit.record_change(actor=change.actor, obj=card, action=AuditEntry.Action.UPDATE, verb="card.cancel",
                            before=before, after=audit.snapshot(card), message=change.note[:200])  # fmt: skip
