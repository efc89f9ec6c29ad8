"""Scope extensions: provider staff, who have no area, see their organisation's orders and elders.

Registered through the designed hook (``core.scoping.register_scope_extension``); both are
subqueries, so the scope stays one SQL statement however many orders a provider has.
"""

from __future__ import annotations

import datetime
import importlib.util
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.roles import Role
from yiyang.core.scoping import register_scope_extension
from yiyang.people.models import Elder
from yiyang.services.choices import OPEN_STATUSES
from yiyang.services.models import (
    ProviderMembership,
    RecurringPlan,
    ReturnCall,
    ServiceException,
    Settlement,
    Visit,
    VisitRating,
    WorkOrder,
)

#: A provider keeps seeing an elder for this long after their last order closed (return calls, disputes).
RECENT_DAYS = 90


def provider_ids(user: Any) -> Any:
    return ProviderMembership.objects.filter(user_id=user.pk).values("provider_id")


def _is_provider_staff(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", "") == Role.PROVIDER_STAFF


def _own_provider(user: Any) -> Q | None:
    if not _is_provider_staff(user):
        return None
    return Q(provider_id__in=provider_ids(user))


def _elders_of_provider(user: Any) -> Q | None:
    if not _is_provider_staff(user):
        return None
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    orders = WorkOrder.objects.filter(provider_id__in=provider_ids(user)).filter(
        Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=since)
    )
    return Q(pk__in=orders.values("elder_id"))


register_scope_extension(Elder, _elders_of_provider)
for model in (WorkOrder, Visit, ServiceException, VisitRating, ReturnCall, RecurringPlan, Settlement):
    register_scope_extension(model, _own_provider)


def service_point_rows(kind: str | None = None) -> Iterable[tuple[float, float, str]]:
    """(lat, lng, area_path) of active service points, of one kind or all."""
    from yiyang.services.models import ServicePoint

    qs = ServicePoint.objects.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("latitude", "longitude", "area_path"))


def _loader(kind: str) -> Callable[[], Iterable[tuple[float, float, str]]]:
    return lambda: service_point_rows(kind)


def register_coverage_sources() -> None:
    """Offer our service points to the 15-minute circle, if that module is installed."""
    if importlib.util.find_spec("yiyang.coverage") is None:
        return
    if importlib.util.find_spec("yiyang.coverage.sources") is None:
        return
    from yiyang.coverage import sources  # type: ignore[import-not-found,unused-ignore]
    from yiyang.services.choices import PointKind

    sources.register_point_source("service_point", _("居家养老服务网点（全部）"), service_point_rows)
    for kind in PointKind:
        sources.register_point_source(kind.value, kind.label, _loader(kind.value))
