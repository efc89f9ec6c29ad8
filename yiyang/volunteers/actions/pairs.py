"""邻里互助结对: pairing a volunteer with a nearby elder, ending the pair, and ending it by itself
when the registry says one of them has gone.

A pair's calls are ordinary services (``actions.services``): check-in names the pair, the elder's
sign-off credits the hours through ``bank.earn`` like any service, and the check-in moves the pair's
next due day.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.choices import ElderStatus
from yiyang.people.lifecycle import StatusChange
from yiyang.people.models import Elder
from yiyang.volunteers import rules
from yiyang.volunteers.choices import PairEndReason, PairStatus, VolunteerStatus
from yiyang.volunteers.models import MutualAidPair, Volunteer


def pair_create(
    *, volunteer: Volunteer, elder: Elder, skill: str, every_days: int, actor: Any,
    started_on: datetime.date | None = None, note: str = "",
) -> MutualAidPair:  # fmt: skip
    pair = MutualAidPair(volunteer=volunteer, elder=elder, skill=skill, every_days=every_days, note=note,
                         started_on=started_on or timezone.localdate())  # fmt: skip
    pair.area_path = elder.area_path
    require(actor, "add", pair)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"volunteer": _("该志愿者不在册，不能结对")})
    if elder.status != ElderStatus.LIVING:
        raise ValidationError({"elder": _("这位老人已不在册，不能结对")})
    if volunteer.elder_id == elder.pk:
        raise ValidationError({"elder": _("志愿者不能与自己结对")})
    if not 1 <= every_days <= 90:
        raise ValidationError({"every_days": _("约定频次为1到90天一次")})
    if None not in (volunteer.latitude, volunteer.longitude, elder.latitude, elder.longitude):
        pair.distance_m = round(rules.distance_m(volunteer.latitude, volunteer.longitude,  # type: ignore[arg-type]
                                                 elder.latitude, elder.longitude))  # type: ignore[arg-type]  # fmt: skip
    with transaction.atomic():
        locked(volunteer)  # two desks pairing the same two people leave one pair
        if MutualAidPair.objects.filter(volunteer=volunteer, elder=elder, status=PairStatus.ACTIVE).exists():
            raise ValidationError({"elder": _("这位志愿者已与这位老人结对")})
        pair.save()
        audit.record_change(actor=actor, obj=pair, action=AuditEntry.Action.CREATE, verb="mutualaidpair.create",
                            after=audit.snapshot(pair))  # fmt: skip
    return pair


def pair_end(
    *, pair: MutualAidPair, reason: str, actor: Any, on: datetime.date | None = None, note: str = ""
) -> MutualAidPair:
    require(actor, "change", pair)
    if reason not in PairEndReason.values:
        raise ValidationError({"reason": _("请选择解除原因")})
    with transaction.atomic():
        locked(pair)
        if pair.status != PairStatus.ACTIVE:
            return pair  # ended already (a second press, or the registry was first)
        before = audit.snapshot(pair)
        pair.status, pair.end_reason, pair.ended_on = PairStatus.ENDED, reason, on or timezone.localdate()
        pair.save()
        audit.record_change(actor=actor, obj=pair, action=AuditEntry.Action.WORKFLOW, verb="mutualaidpair.end",
                            before=before, after=audit.snapshot(pair), message=note)  # fmt: skip
    return pair


def _end_all(pairs: Any, reason: str, on: datetime.date, actor: Any, note: str) -> int:
    """End the given active pairs in one statement and audit each (there are a handful per person)."""
    ended = list(pairs.filter(status=PairStatus.ACTIVE).select_related("volunteer", "elder"))
    if not ended:
        return 0
    MutualAidPair.objects.filter(pk__in=[p.pk for p in ended]).update(
        status=PairStatus.ENDED, end_reason=reason, ended_on=on, updated_at=timezone.now()
    )
    for pair in ended:
        before = audit.snapshot(pair)
        pair.status, pair.end_reason, pair.ended_on = PairStatus.ENDED, reason, on
        audit.record_change(actor=actor, obj=pair, action=AuditEntry.Action.WORKFLOW, verb="mutualaidpair.end",
                            before=before, after=audit.snapshot(pair), message=note)  # fmt: skip
    return len(ended)


def on_elder_status_change(change: StatusChange) -> None:
    """``people.lifecycle`` listener: an elder who died or moved away has no neighbour to call on."""
    if change.stops:
        _end_all(MutualAidPair.objects.filter(elder=change.elder), PairEndReason.ELDER_LEFT, change.on,
                 change.actor, f"{change.source}：{change.note}"[:200])  # fmt: skip


def pairs_end_for_volunteer(*, volunteer: Volunteer, actor: Any) -> int:
    """A volunteer who left the register (已退出) ends their pairs; a pause (暂停服务) keeps them."""
    if volunteer.status != VolunteerStatus.LEFT:
        return 0
    return _end_all(MutualAidPair.objects.filter(volunteer=volunteer), PairEndReason.VOLUNTEER_LEFT,
                    timezone.localdate(), actor, "志愿者已退出")  # fmt: skip


def pair_visited(pair: MutualAidPair, day: datetime.date) -> None:
    """A call was checked in (inside the check-in's transaction): the next one is due from ``day``."""
    locked(pair)
    if pair.last_visit_on is None or day > pair.last_visit_on:
        pair.last_visit_on = day
        pair.save(update_fields=["last_visit_on", "next_due_on", "updated_at"])
