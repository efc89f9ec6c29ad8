"""Rules and records with validity dates: "in force on a day" defined once.

A record is in force on ``day`` when it started on or before that day and has not ended before it;
an open end (NULL) means still in force. Rates, certifications, agreements and thresholds all use it,
with the one pair of field names ``valid_from``/``valid_to`` (docs/glossary.md).
"""

from __future__ import annotations

import datetime

from django.db.models import Q


def in_force_q(day: datetime.date, *, prefix: str = "") -> Q:
    """In force on ``day``; ``prefix`` reaches the dates across a relation (``"agreement__"``)."""
    return overlaps_q(day, day, prefix=prefix)


def overlaps_q(start: datetime.date, end: datetime.date | None, *, prefix: str = "") -> Q:
    """In force on at least one day of the period from ``start`` to ``end`` (``None``: open-ended)."""
    q = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    return q & Q(**{f"{prefix}valid_from__lte": end}) if end is not None else q


def in_force(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    return start <= day and (end is None or end >= day)
