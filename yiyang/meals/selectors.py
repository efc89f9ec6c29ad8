"""Reads for meal assistance: the daily and monthly reconciliation (对账) per canteen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from yiyang.meals.choices import Channel, DeliveryStatus
from yiyang.meals.models import MealRecord

ZERO = Decimal("0.00")


@dataclass
class ReconciliationRow:
    canteen_id: int
    canteen: str
    date: datetime.date | None
    meals: int
    subsidised: int
    subsidy: Decimal
    elder_paid: Decimal
    revenue: Decimal
    delivery: int
    delivered: int


def month_range(month: str) -> tuple[datetime.date, datetime.date]:
    """'2026-11' → first and last day."""
    first = datetime.date.fromisoformat(month + "-01")
    nxt = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def reconciliation(
    user: Any,
    start: datetime.date,
    end: datetime.date,
    *,
    by_day: bool = False,
    canteen_id: int | None = None,
) -> list[ReconciliationRow]:
    """Meals, subsidy total, elder payments and deliveries per canteen (and per day), in the user's scope.

    One grouped query; the total line is the sum of the rows, so the sheet always adds up.
    """
    qs = MealRecord.objects.for_user(user).filter(date__gte=start, date__lte=end)
    if canteen_id:
        qs = qs.filter(canteen_id=canteen_id)
    keys = ["canteen_id", "canteen__name", *(["date"] if by_day else [])]
    rows = (
        qs.values(*keys)
        .annotate(
            meals=Count("id"),
            subsidised=Count("id", filter=Q(subsidised=True)),
            subsidy=Sum("subsidy"),
            elder_paid=Sum("elder_paid"),
            revenue=Sum("price"),
            delivery_count=Count("id", filter=Q(channel=Channel.DELIVERY)),
            delivered_count=Count("id", filter=Q(delivery__status=DeliveryStatus.DELIVERED)),
        )
        .order_by("canteen__name", *(["date"] if by_day else []))
    )
    return [
        ReconciliationRow(
            r["canteen_id"],
            r["canteen__name"],
            r.get("date"),
            r["meals"],
            r["subsidised"],
            r["subsidy"] or ZERO,
            r["elder_paid"] or ZERO,
            r["revenue"] or ZERO,
            r["delivery_count"],
            r["delivered_count"],
        )
        for r in rows
    ]


def totals(rows: list[ReconciliationRow]) -> ReconciliationRow:
    return ReconciliationRow(
        0, "合计", None,
        sum(r.meals for r in rows), sum(r.subsidised for r in rows),
        sum((r.subsidy for r in rows), ZERO), sum((r.elder_paid for r in rows), ZERO),
        sum((r.revenue for r in rows), ZERO), sum(r.delivery for r in rows), sum(r.delivered for r in rows),
    )  # fmt: skip
