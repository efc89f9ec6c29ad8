"""Rules and records with effective dates: "in force on a day" defined once.

A record is in force on ``day`` when it started on or before that day and has not ended before it;
an open end (NULL) means still in force. Rates, certifications, agreements and thresholds all use it.
"""

from __future__ import annotations

import datetime

from django.db.models import Q


def in_force_q(day: datetime.date, *, start: str = "valid_from", end: str = "valid_to") -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def in_force(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    return start <= day and (end is None or end >= day)
