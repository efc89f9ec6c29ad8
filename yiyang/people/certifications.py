"""Keeping ``Elder.categories`` equal to the certifications in force."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yiyang.people.models import Certification, Elder


def categories_on(elder: Elder, day: datetime.date) -> str:
    current = elder.certifications.current(day).values_list("category", flat=True)
    return ",".join(sorted(set(current)))


def refresh_categories(*, today: datetime.date | None = None, elder_ids: list[int] | None = None) -> int:
    """Recompute ``categories`` for elders whose certifications changed or lapsed; returns changes."""
    day = today or timezone.localdate()
    certs = Certification.objects.all()
    if elder_ids is not None:
        certs = certs.filter(elder_id__in=elder_ids)
    current: dict[int, set[str]] = {}
    for elder_id, category in certs.current(day).values_list("elder_id", "category"):
        current.setdefault(elder_id, set()).add(category)
    candidates = Elder.objects.exclude(categories="") | Elder.objects.filter(pk__in=list(current))
    if elder_ids is not None:
        candidates = Elder.objects.filter(pk__in=elder_ids)
    changed = []
    for elder in candidates.only("id", "categories"):
        value = ",".join(sorted(current.get(elder.pk, set())))
        if value != elder.categories:
            elder.categories = value
            changed.append(elder)
    Elder.objects.bulk_update(changed, ["categories"], batch_size=2000)
    return len(changed)
