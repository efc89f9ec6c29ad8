"""Meals on the elder's timeline: one line per month (a daily line would bury everything else)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.meals.choices import Channel, DeliveryStatus
from yiyang.meals.models import MealRecord
from yiyang.people.models import Elder
from yiyang.people.timeline import TimelineEvent, register


@register
def meal_events(elder: Elder, user: Any) -> Iterable[TimelineEvent]:
    months = (
        MealRecord.objects.filter(elder=elder)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            meals=Count("id"),
            subsidy=Sum("subsidy"),
            delivered=Count("id", filter=Q(channel=Channel.DELIVERY)),
            handed=Count("id", filter=Q(delivery__status=DeliveryStatus.DELIVERED)),
            canteens=Count("canteen", distinct=True),
        )
        .order_by("-month")[:36]
    )
    today = timezone.localdate()
    for row in months:
        month: datetime.date = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        subsidy: Decimal = row["subsidy"] or Decimal("0")
        title = _("%(month)s 助餐 %(meals)s 次，补贴 %(subsidy)s 元") % {
            "month": f"{month:%Y-%m}",
            "meals": row["meals"],
            "subsidy": f"{subsidy:.2f}",
        }
        detail = _("%(count)s 个助餐点") % {"count": row["canteens"]}
        if row["delivered"]:
            detail += _("；其中送餐 %(delivered)s 次（已送达 %(handed)s 次）") % {
                "delivered": row["delivered"],
                "handed": row["handed"],
            }
        # The event sits at the end of the month (or today, for the current month).
        next_month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        day = min(today, next_month - datetime.timedelta(days=1))
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        yield TimelineEvent(when, _("助餐"), title, detail, tone="success")
