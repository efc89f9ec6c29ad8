"""Reads about accounts: login lockout state (django-axes) and recent logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from yiyang.accounts.models import User


def lockout_threshold() -> Any:
    """Failed attempts older than the cool-off no longer count (axes' own rule)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off()
    return timezone.now() - cool_off if cool_off is not None else None


def with_lock_state(qs: QuerySet[User]) -> QuerySet[User]:
    """Annotate ``failed_logins`` and ``locked`` the way axes counts them for a username lockout."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username=OuterRef("username"))
    threshold = lockout_threshold()
    if threshold is not None:
        attempts = attempts.filter(attempt_time__gte=threshold)
    failures = (
        attempts.order_by().values("username").annotate(total=Sum("failures_since_start")).values("total")
    )
    return qs.annotate(failed_logins=Coalesce(Subquery(failures, output_field=IntegerField()), 0)).annotate(
        locked=ExpressionWrapper(
            Q(failed_logins__gte=settings.AXES_FAILURE_LIMIT), output_field=BooleanField()
        )
    )


def is_locked(user: User) -> bool:
    annotated = with_lock_state(User.objects.filter(pk=user.pk)).first()
    return bool(getattr(annotated, "locked", False))


def failed_logins(user: User) -> int:
    """Failed logins counting towards the lockout (zero after a successful login)."""
    annotated = with_lock_state(User.objects.filter(pk=user.pk)).first()
    return int(getattr(annotated, "failed_logins", 0))


def recent_logins(user: User, limit: int = 10) -> list[Any]:
    """The user's last successful logins (axes AccessLog), newest first."""
    from axes.models import AccessLog

    return list(AccessLog.objects.filter(username=user.username).order_by("-attempt_time")[:limit])
