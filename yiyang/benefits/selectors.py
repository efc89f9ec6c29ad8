"""Reads for allowances, always through the user's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
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
    horizon = day + datetime.timedelta(days=within_days)
    # One filter, the recipients' condition outside the OR: inside it (two querysets OR-ed), the
    # recipients could not be joined, and each elder was looked up in a list of every line of three
    # months (a street's page took minutes at 300,000 elders).
    return (
        Elder.objects.for_user(user)
        .filter(status="living", pk__in=recipients)
        .annotate(last_valid_to=Subquery(latest))
        .filter(Q(last_valid_to__lte=horizon) | Q(last_valid_to__isnull=True))
        .annotate(last_channel=Subquery(_checks_newest_first(OuterRef("pk")).values("channel")[:1]))
        .select_related("area")
    )


def _checks_newest_first(elder: Any) -> QuerySet[QualificationCheck]:
    return QualificationCheck.objects.filter(elder=elder).order_by("-certified_on", "-pk")


def suggested_channel(elder: Elder) -> str:
    """Home visit for the very old and the disabled; video for the rest (the last channel if known)."""
    if (elder.capability_level or 0) >= 2 or elder.age >= 90:
        return CheckChannel.HOME
    if hasattr(elder, "last_channel"):  # read with the list (qualification_due)
        return elder.last_channel or CheckChannel.VIDEO
    last = _checks_newest_first(elder).values_list("channel", flat=True).first()
    return last or CheckChannel.VIDEO
