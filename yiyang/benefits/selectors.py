"""Reads for allowances, always through the user's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from yiyang.benefits.choices import CheckChannel
from yiyang.benefits.models import QualificationCheck, RollLine
from yiyang.people.models import Elder


def current_assessment(elder: Elder, on: datetime.date) -> Any:
    """The assessment in force (assessments app), or None when that app is not installed."""
    try:
        from yiyang.assessments.selectors import current_assessment as _current
    except ImportError:
        return None
    return _current(elder, on)


def qualification_due(
    user: Any, *, on: datetime.date | None = None, within_days: int = 30
) -> QuerySet[Elder]:
    """Recipients (paid in the last three months) whose check expires within ``within_days`` or has
    expired, and recipients never certified; annotated with ``last_valid_to``."""
    day = on or timezone.localdate()
    since = (day.replace(day=1) - datetime.timedelta(days=92)).replace(day=1)
    recipients = RollLine.objects.filter(month__gte=since, base_amount__gt=0).values("elder_id")
    latest = (
        QualificationCheck.objects.filter(elder=OuterRef("pk"))
        .order_by()
        .values("elder")
        .annotate(m=Max("valid_to"))
        .values("m")
    )
    qs = (
        Elder.objects.for_user(user)
        .filter(status="living", pk__in=recipients)
        .annotate(last_valid_to=Subquery(latest))
        .select_related("area")
    )
    horizon = day + datetime.timedelta(days=within_days)
    return qs.filter(last_valid_to__lte=horizon) | qs.filter(last_valid_to__isnull=True)


def suggested_channel(elder: Elder) -> str:
    """Home visit for the very old and the disabled; video for the rest (the last channel if known)."""
    if (elder.capability_level or 0) >= 2 or elder.age >= 90:
        return CheckChannel.HOME
    last = QualificationCheck.objects.filter(elder=elder).order_by("-certified_on").first()
    return last.channel if last else CheckChannel.VIDEO
