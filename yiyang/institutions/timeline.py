"""Institutional care on the elder's timeline: admissions, bed moves and discharges (and, once safety
lands, incidents)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.institutions.models import BedAssignment, Resident
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@register
def stay_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    stays = Resident.objects.filter(elder=elder).select_related("institution")
    for stay in stays:
        url = stay.get_absolute_url() if Resident.objects.for_user(user).filter(pk=stay.pk).exists() else ""
        yield TimelineEvent(
            _at(stay.admitted_on), _("机构养老"), _("入住 %(home)s（%(kind)s，%(care)s）") % {
                "home": stay.institution.name, "kind": stay.get_kind_display(), "care": stay.get_care_level_display()},
            url=url, tone="primary",
        )  # fmt: skip
        moves = BedAssignment.objects.filter(resident=stay, start__gt=stay.admitted_on).select_related("bed")
        for move in moves:
            yield TimelineEvent(
                _at(move.start, 10), _("机构养老"), _("调床至 %(bed)s") % {"bed": move.bed}, url=url
            )
        if stay.discharged_on:
            yield TimelineEvent(
                _at(stay.discharged_on, 11), _("机构养老"), _("离开 %(home)s：%(reason)s") % {
                    "home": stay.institution.name, "reason": stay.get_discharge_reason_display()},
                stay.discharge_note, url=url, tone="danger" if stay.discharge_reason == "death" else "secondary",
            )  # fmt: skip
