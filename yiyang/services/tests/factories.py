"""Factories for the service chain: a catalogue item, a provider with an agreement covering the
test district, qualified workers, and orders at each stage (written through the actions where the
stage matters)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import build_areas, make_user, next_number
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.actions.work_orders import work_order_assign, work_order_create, work_order_dispatch
from yiyang.services.models import (
    AgreementItem,
    Provider,
    ServiceAgreement,
    ServiceItem,
    Worker,
    WorkerQualification,
    WorkOrder,
)

HOME = (32.0660, 121.0730)


def item(
    code: str = "FW03",
    category: str = "cleaning",
    unit: str = "hour",
    price: str = "40.00",
    payment_mode: str = "government",
    min_minutes: int = 30,
) -> ServiceItem:
    found = ServiceItem.objects.filter(code=code).first()
    if found:
        return found
    return ServiceItem.objects.create(
        code=code,
        name=f"服务{code}",
        category=category,
        unit=unit,
        price=Decimal(price),
        payment_mode=payment_mode,
        planned_minutes=60,
        min_minutes=min_minutes,
        valid_from=datetime.date(2020, 1, 1),
    )


def provider(*, items: list[ServiceItem], areas: list[Area] | None = None, name: str = "") -> Provider:
    p = Provider.objects.create(name=name or f"服务商{next_number()}", kind="domestic")
    agreement = ServiceAgreement.objects.create(
        provider=p, number=f"XY{next_number()}", valid_from=datetime.date(2020, 1, 1)
    )
    agreement.areas.set(areas or [build_areas().district])
    for i in items:
        AgreementItem.objects.create(agreement=agreement, item=i, price=i.price)
    return p


def worker(
    p: Provider,
    *,
    category: str = "cleaning",
    at: tuple[float, float] = HOME,
    capacity: int = 5,
    user: Any = None,
    name: str = "",
) -> Worker:
    w = Worker.objects.create(
        provider=p,
        name=name or f"助老员{next_number()}",
        base_latitude=at[0],
        base_longitude=at[1],
        capacity_per_day=capacity,
        user=user,
    )
    WorkerQualification.objects.create(worker=w, category=category, valid_to=datetime.date(2099, 1, 1))
    return w


def staff(p: Provider, username: str = "") -> Any:
    user = make_user(username or f"staff{next_number()}", "provider_staff")
    grant_membership(user, p)
    return user


def elder(area: Area | None = None, at: tuple[float, float] = HOME) -> Elder:
    e: Elder = ElderFactory(area=area or build_areas().community_a1)  # type: ignore[assignment]
    e.latitude, e.longitude = at
    e.save()
    return e


def soon(hours: float = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def order(
    actor: Any,
    *,
    e: Elder | None = None,
    i: ServiceItem | None = None,
    start: datetime.datetime | None = None,
) -> WorkOrder:
    return work_order_create(
        elder=e or elder(), item=i or item(), source="hotline", scheduled_start=start or soon(), actor=actor
    )


def assigned(actor: Any, p: Provider, w: Worker, **kwargs: Any) -> WorkOrder:
    o = order(actor, **kwargs)
    work_order_dispatch(order=o, provider=p, actor=actor)
    work_order_assign(order=o, worker=w, actor=actor)
    o.refresh_from_db()
    return o
