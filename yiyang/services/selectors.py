"""Reads of the service chain that are more than a filter: dispatch suggestions, scorecards, usage."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.core.dated import in_force_q, overlaps_q
from yiyang.people.models import Elder
from yiyang.services.choices import (
    AWAITING_RESPONSE,
    OPEN_STATUSES,
    EntitlementUnit,
    ExceptionKind,
    OrderStatus,
)
from yiyang.services.geo import degrees_box, haversine_m
from yiyang.services.models import (
    AgreementItem,
    Entitlement,
    Provider,
    ReturnCall,
    ServiceException,
    ServiceItem,
    Visit,
    VisitRating,
    Worker,
    WorkerQualification,
    WorkOrder,
)


def ancestor_paths(path: str) -> list[str]:
    """The path and every ancestor's (area paths nest by prefix): 320612001001 → 32, 3206, 320612 …"""
    cuts = [2, 4, 6, 9, 12, 15]
    return [path[:n] for n in cuts if n <= len(path)]


def elder_home(elder: Elder) -> tuple[float, float] | None:
    """The elder's home position, or the centre of their community when none is recorded."""
    if elder.latitude is not None and elder.longitude is not None:
        return elder.latitude, elder.longitude
    area: Area | None = elder.area
    while area is not None:
        if area.latitude is not None and area.longitude is not None:
            return area.latitude, area.longitude
        area = area.parent
    return None


def open_duplicates(elder: Elder, item: ServiceItem, *, exclude_pk: int | None = None) -> QuerySet[WorkOrder]:
    """Open orders of the same elder for the same item: intake warns before taking another."""
    qs = WorkOrder.objects.filter(elder=elder, item__code=item.code, status__in=OPEN_STATUSES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def providers_covering(item: ServiceItem, area_path: str, day: datetime.date) -> QuerySet[Provider]:
    """Active providers with an agreement valid on ``day`` that covers ``item`` in the elder's area."""
    covering = AgreementItem.objects.filter(
        agreement__provider=OuterRef("pk"),
        item__code=item.code,
        agreement__areas__path__in=ancestor_paths(area_path),
    ).filter(in_force_q(day, prefix="agreement__"))
    return Provider.objects.filter(is_active=True).filter(Exists(covering))


def agreed_price(provider: Provider, item: ServiceItem, day: datetime.date) -> Decimal | None:
    return (
        AgreementItem.objects.filter(agreement__provider=provider, item__code=item.code)
        .filter(in_force_q(day, prefix="agreement__"))
        .order_by("-agreement__valid_from")
        .values_list("price", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Suggestion:
    worker_id: int
    worker_name: str
    provider_id: int
    provider_name: str
    distance_m: float | None
    load: int
    capacity: int


def dispatch_suggestions(
    *,
    elder: Elder,
    item: ServiceItem,
    day: datetime.date,
    provider: Provider | None = None,
    limit: int = 5,
    candidates: int = 30,
) -> list[Suggestion]:
    """The nearest qualified workers with capacity whose provider's agreement covers item and area.

    The covering providers are resolved first (one small query). Then one statement per search ring
    picks workers of those providers inside a latitude/longitude box (an index range), qualified
    (``EXISTS``) and under their daily capacity (a correlated count on the (worker, day) index),
    ordered by a flat-earth squared distance, ``candidates`` rows at most; those are re-ranked by
    great-circle distance here. The box widens (3 km, 10 km, 30 km, everywhere) only when a ring
    holds fewer than ``limit`` workers, so a dense district never sorts all its workers.
    """
    covering = providers_covering(item, elder.area_path, day)
    if provider is not None:
        covering = covering.filter(pk=provider.pk)
    provider_pks = list(covering.values_list("pk", flat=True))
    if not provider_pks:
        return []
    qualified = WorkerQualification.objects.filter(worker=OuterRef("pk"), category=item.category).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    load = (
        WorkOrder.objects.filter(worker=OuterRef("pk"), plan_date=day)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by()
        .values("worker")
        .annotate(n=Count("pk"))
        .values("n")
    )
    base = Worker.objects.filter(is_active=True, provider_id__in=provider_pks).filter(Exists(qualified))
    home = elder_home(elder)
    fields = (
        "pk",
        "name",
        "provider_id",
        "provider__name",
        "base_latitude",
        "base_longitude",
        "load",
        "capacity_per_day",
    )
    rows: list[Any] = []
    for radius in (3_000.0, 10_000.0, 30_000.0, None) if home is not None else (None,):
        qs = base
        if home is not None and radius is not None:
            dlat_box, dlng_box = degrees_box(home[0], radius)
            qs = qs.filter(
                base_latitude__range=(home[0] - dlat_box, home[0] + dlat_box),
                base_longitude__range=(home[1] - dlng_box, home[1] + dlng_box),
            )
        qs = qs.annotate(load=Coalesce(Subquery(load, output_field=IntegerField()), 0)).filter(
            load__lt=F("capacity_per_day")
        )
        if home is not None:
            lat, lng = home
            k = math.cos(math.radians(lat))
            dlat = F("base_latitude") - Value(lat)
            dlng = (F("base_longitude") - Value(lng)) * Value(k)
            qs = qs.annotate(
                d2=ExpressionWrapper(dlat * dlat + dlng * dlng, output_field=FloatField())
            ).order_by("d2", "pk")
        else:
            qs = qs.order_by("load", "pk")
        rows = list(qs.values_list(*fields)[:candidates])
        if len(rows) >= limit:
            break
    out = [
        Suggestion(
            worker_id=r[0],
            worker_name=r[1],
            provider_id=r[2],
            provider_name=r[3],
            distance_m=haversine_m(home[0], home[1], r[4], r[5]) if home else None,
            load=r[6],
            capacity=r[7],
        )
        for r in rows
    ]
    out.sort(key=lambda s: (s.distance_m if s.distance_m is not None else 0.0, s.load, s.worker_id))
    return out[:limit]


def provider_suggestions(
    *, elder: Elder, item: ServiceItem, day: datetime.date, limit: int = 5
) -> list[Suggestion]:
    """One row per provider: its nearest qualified worker with capacity."""
    seen: set[int] = set()
    out: list[Suggestion] = []
    for s in dispatch_suggestions(elder=elder, item=item, day=day, limit=200, candidates=200):
        if s.provider_id not in seen:
            seen.add(s.provider_id)
            out.append(s)
        if len(out) >= limit:
            break
    return out


def overdue_orders(qs: QuerySet[WorkOrder], now: datetime.datetime | None = None) -> QuerySet[WorkOrder]:
    """Orders past their response deadline and still waiting for a provider or a worker."""
    return qs.filter(status__in=AWAITING_RESPONSE, response_due__lt=now or timezone.now())


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


@dataclass(frozen=True)
class EntitlementUsage:
    entitlement: Entitlement
    used: Decimal
    remaining: Decimal


def entitlement_usage(elder: Elder, month: datetime.date) -> EntitlementUsage | None:
    """How much of this month's entitlement the elder's verified visits have used (only verified count)."""
    first, last = month_bounds(month)
    ent = Entitlement.objects.filter(overlaps_q(first, last), elder=elder).order_by("-valid_from").first()
    if ent is None:
        return None
    visits = Visit.objects.filter(
        elder=elder,
        verified=True,
        service_date__gte=first,
        service_date__lte=last,
        item__payment_mode__in=["government", "low_cost"],
    )
    if ent.unit == EntitlementUnit.HOURS:
        minutes = visits.aggregate(m=Sum("minutes"))["m"] or 0
        used = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))
    else:
        # Amount: what the visits cost at the agreed price, read from the settled lines where they
        # exist and from the catalogue price otherwise.
        used = Decimal("0")
        for v in visits.select_related("item", "provider"):
            line = getattr(v, "settlement_line", None)
            if line is not None:
                used += line.gross
            else:
                price = agreed_price(v.provider, v.item, v.service_date) or v.item.price
                qty = Decimal(v.minutes or 0) / Decimal(60) if v.item.unit == "hour" else Decimal(1)
                used += (qty * price).quantize(Decimal("0.01"))
    return EntitlementUsage(ent, used, max(Decimal("0"), ent.monthly_quota - used))


@dataclass
class ScoreRow:
    provider_id: int
    provider_name: str
    street: str
    visits: int
    on_time: int
    verified: int
    mean_rating: float | None
    exceptions: int
    complaints: int


def provider_scorecard(
    visits: QuerySet[Visit], *, by_street: bool = False, street_names: dict[str, str] | None = None
) -> list[ScoreRow]:
    """On-time rate, verified rate, mean rating, exceptions and complaints per provider (and street).

    ``visits`` is already scoped and filtered (a month, a street); every figure is a grouped
    aggregate, so the table is a handful of queries however many visits there are.
    """
    keys: list[Any] = ["provider_id", "provider__name"]
    if by_street:
        visits = visits.annotate(street_path=Substr("area_path", 1, 9))
        keys.append("street_path")
    late = ServiceException.objects.filter(visit=OuterRef("pk"), kind=ExceptionKind.LATE)
    base = list(
        visits.annotate(is_late=Exists(late))
        .values(*keys)
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(is_late=False)),
            verified_n=Count("pk", filter=Q(verified=True)),
        )
        .order_by("provider__name")
    )
    visit_ids = visits.values("pk")
    street_key = (lambda row: row.get("street_path", "")) if by_street else (lambda row: "")

    def grouped(
        qs: QuerySet[Any], provider_field: str, area_field: str, agg: Any
    ) -> dict[tuple[int, str], Any]:
        if by_street:
            qs = qs.annotate(sp=Substr(area_field, 1, 9))
            rows = qs.values(provider_field, "sp").annotate(v=agg).order_by()
            return {(r[provider_field], r["sp"]): r["v"] for r in rows}
        rows = qs.values(provider_field).annotate(v=agg).order_by()
        return {(r[provider_field], ""): r["v"] for r in rows}

    ratings = grouped(
        VisitRating.objects.filter(visit__in=visit_ids), "provider_id", "area_path", Avg("score")
    )
    exceptions = grouped(
        ServiceException.objects.filter(visit__in=visit_ids), "provider_id", "area_path", Count("pk")
    )
    complaints = grouped(
        ReturnCall.objects.filter(visit__in=visit_ids, complaint=True),
        "provider_id",
        "area_path",
        Count("pk"),
    )
    names = street_names or {}
    out = []
    for row in base:
        key = (row["provider_id"], street_key(row))
        mean = ratings.get(key)
        out.append(
            ScoreRow(
                provider_id=row["provider_id"],
                provider_name=row["provider__name"],
                street=names.get(key[1], key[1]),
                visits=row["n"],
                on_time=row["on_time"],
                verified=row["verified_n"],
                mean_rating=float(mean) if mean is not None else None,
                exceptions=exceptions.get(key, 0),
                complaints=complaints.get(key, 0),
            )
        )
    return out
