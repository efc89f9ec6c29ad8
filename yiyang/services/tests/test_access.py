from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases, next_number, xlsx_contains
from yiyang.services.actions.work_orders import work_order_dispatch
from yiyang.services.choices import OrderStatus
from yiyang.services.models import (
    AgreementItem,
    Provider,
    RecurringPlan,
    ReturnCall,
    ServiceAgreement,
    ServiceException,
    ServiceItem,
    ServicePoint,
    Settlement,
    Visit,
    VisitRating,
    Worker,
    WorkOrder,
)
from yiyang.services.tests import factories as f

# -- factories: one row in an area, of a provider (a fresh one nobody belongs to when None) ----------------


def make_provider(world: World, name: str = "") -> Provider:
    return Provider.objects.create(name=f"服务商{name}{next_number()}", kind="domestic")


def _provider(world: World, provider: Provider | None) -> Provider:
    return provider or make_provider(world)


def make_order(world: World, area: Any, provider: Provider | None = None) -> WorkOrder:
    e = f.elder(area)
    start = timezone.now() + datetime.timedelta(hours=2)
    return WorkOrder.objects.create(
        number=f"GD{e.pk:010d}",
        elder=e,
        item=f.item(),
        source="hotline",
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=1),
        plan_date=start.date(),
        provider=provider,
        status=OrderStatus.DISPATCHED if provider else OrderStatus.NEW,
    )


def make_exception(world: World, area: Any, provider: Provider | None = None) -> ServiceException:
    o = make_order(world, area, provider)
    return ServiceException.objects.create(
        work_order=o, kind="late", detail="迟到", area_path=o.area_path, provider=provider
    )


def make_visit(world: World, area: Any, provider: Provider | None = None) -> Visit:
    p = _provider(world, provider)
    o = make_order(world, area, p)
    w = f.worker(p)
    o.worker, o.status = w, OrderStatus.COMPLETED
    o.save()
    now = timezone.now()
    return Visit.objects.create(
        work_order=o, elder=o.elder, item=o.item, provider=p, worker=w, area_path=o.area_path,
        service_date=now.date(), checkin_at=now - datetime.timedelta(hours=1), checkout_at=now, minutes=60,
    )  # fmt: skip


def make_rating(world: World, area: Any, provider: Provider | None = None) -> VisitRating:
    v = make_visit(world, area, provider)
    return VisitRating.objects.create(visit=v, provider=v.provider, score=5, area_path=v.area_path)


def make_return_call(world: World, area: Any, provider: Provider | None = None) -> ReturnCall:
    v = make_visit(world, area, provider)
    return ReturnCall.objects.create(
        visit=v,
        provider=v.provider,
        due_date=timezone.localdate(),
        note=f"回访{next_number()}",
        area_path=v.area_path,
    )


def make_plan(world: World, area: Any, provider: Provider | None = None) -> RecurringPlan:
    return RecurringPlan.objects.create(
        elder=f.elder(area), item=f.item(), provider=provider, weekdays="1,3",
        start_time=datetime.time(9), valid_from=datetime.date(2026, 1, 1),
    )  # fmt: skip


def make_settlement(world: World, area: Any, provider: Provider | None = None) -> Settlement:
    # Filed under the placement's own area, so the matrix's areas apply to it as they are.
    return Settlement.objects.create(
        provider=_provider(world, provider),
        street=area.parent,
        month=datetime.date(2026, 1, 1),
        area_path=area.path,
    )


def make_item(world: World, area: Any) -> ServiceItem:
    n = next_number()
    return ServiceItem.objects.create(
        code=f"X{n}", name=f"项目{n}", category="cleaning", unit="hour", price=Decimal("40"),
        payment_mode="government", valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip


def make_provider_row(world: World, area: Any, provider: Provider | None = None) -> Provider:
    return provider or make_provider(world)


def make_agreement(world: World, area: Any, provider: Provider | None = None) -> ServiceAgreement:
    agreement = ServiceAgreement.objects.create(
        provider=_provider(world, provider), number=f"XY{next_number()}", valid_from=datetime.date(2020, 1, 1)
    )
    # As one is signed: covering an area, pricing at least one item (the edit form requires both).
    agreement.areas.set([area])
    AgreementItem.objects.create(agreement=agreement, item=f.item(), price=Decimal("30.00"))
    return agreement


def make_point(world: World, area: Any, provider: Provider | None = None) -> ServicePoint:
    return ServicePoint.objects.create(
        provider=provider,
        name=f"服务站{next_number()}",
        kind="station",
        latitude=32.0,
        longitude=121.0,
        area=area,
    )


def make_worker(world: World, area: Any, provider: Provider | None = None) -> Worker:
    return f.worker(_provider(world, provider), name=f"助老员{next_number()}")


ORDERS = AccessMatrix.standard(
    WorkOrder,
    make_order,
    list_url="services:workorder_list",
    detail_url="services:workorder_detail",
    api_basename="workorder",
    marker=lambda o: o.number,
    organisation=make_provider,
    extra=[
        Endpoint("sheet", lambda o: reverse("services:workorder_sheet", args=[o.pk])),
        Endpoint(
            "api-cancel",
            lambda o: reverse("workorder-cancel", args=[o.pk]),
            api=True,
            method="post",
            action="dispatch",
            data=lambda o: {"reason": "测试"},
        ),
        Endpoint(
            "export",
            lambda o: reverse("services:workorder_list") + "?export=xlsx",
            action="export",
            listing=True,
            contains=xlsx_contains(lambda o: o.number),
        ),
    ],
)

EXCEPTIONS = AccessMatrix.standard(
    ServiceException,
    make_exception,
    list_url="services:serviceexception_list",
    api_basename="serviceexception",
    marker=lambda e: e.work_order.number,
    organisation=make_provider,
)

VISITS = AccessMatrix.standard(Visit, make_visit, api_basename="visit", organisation=make_provider)

# A rating is shown on its order's page and counted on the scorecard, never listed on its own.
RATINGS = AccessMatrix(
    VisitRating,
    make_rating,
    [
        Endpoint(
            "order",
            lambda r: reverse("services:workorder_detail", args=[r.visit.work_order_id]),
            model=WorkOrder,
        )
    ],
    organisation=make_provider,
)

RETURN_CALLS = AccessMatrix.standard(
    ReturnCall,
    make_return_call,
    list_url="services:returncall_list",
    marker=lambda c: c.note,
    organisation=make_provider,
)

PLANS = AccessMatrix.standard(
    RecurringPlan,
    make_plan,
    list_url="services:recurringplan_list",
    edit_url="services:recurringplan_edit",
    marker=lambda p: p.elder.name,
    organisation=make_provider,
)

SETTLEMENTS = AccessMatrix.standard(
    Settlement,
    make_settlement,
    list_url="services:settlement_list",
    detail_url="services:settlement_detail",
    api_basename="settlement",
    marker=lambda s: f'href="{reverse("services:settlement_detail", args=[s.pk])}"',
    organisation=make_provider,
)

ITEMS = AccessMatrix.standard(
    ServiceItem,
    make_item,
    list_url="services:serviceitem_list",
    edit_url="services:serviceitem_edit",
    api_basename="serviceitem",
    marker=lambda i: i.code,
)

PROVIDERS = AccessMatrix.standard(
    Provider,
    make_provider_row,
    list_url="services:provider_list",
    detail_url="services:provider_detail",
    edit_url="services:provider_edit",
    api_basename="provider",
    marker=lambda p: p.name,
    organisation=make_provider,
)

AGREEMENTS = AccessMatrix.standard(
    ServiceAgreement,
    make_agreement,
    list_url="services:serviceagreement_list",
    edit_url="services:serviceagreement_edit",
    marker=lambda a: a.number,
    organisation=make_provider,
)

POINTS = AccessMatrix.standard(
    ServicePoint,
    make_point,
    list_url="services:servicepoint_list",
    edit_url="services:servicepoint_edit",
    marker=lambda p: p.name,
    organisation=make_provider,
)

WORKERS = AccessMatrix.standard(
    Worker,
    make_worker,
    list_url="services:worker_list",
    edit_url="services:worker_edit",
    marker=lambda w: w.name,
    organisation=make_provider,
)

MATRICES = {
    "order": ORDERS,
    "exception": EXCEPTIONS,
    "visit": VISITS,
    "rating": RATINGS,
    "returncall": RETURN_CALLS,
    "plan": PLANS,
    "settlement": SETTLEMENTS,
    "item": ITEMS,
    "provider": PROVIDERS,
    "agreement": AGREEMENTS,
    "point": POINTS,
    "worker": WORKERS,
}
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)


def test_provider_staff_see_own_orders_and_their_elders_only(client: Client, world: World) -> None:
    item = f.item()
    mine, theirs = f.provider(items=[item]), f.provider(items=[item])
    staff = f.staff(mine)
    own = f.order(world.erin)
    work_order_dispatch(order=own, provider=mine, actor=world.erin)
    other = f.order(world.erin, e=f.elder(world.areas.community_b1))
    work_order_dispatch(order=other, provider=theirs, actor=world.erin)
    undispatched = f.order(world.erin)
    client.force_login(staff)
    assert client.get(reverse("services:workorder_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("services:workorder_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("services:workorder_detail", args=[undispatched.pk])).status_code == 404
    listing = client.get(reverse("services:workorder_list")).content.decode()
    assert own.number in listing and other.number not in listing
    assert client.get(reverse("people:elder_detail", args=[own.elder_id])).status_code == 200
    assert client.get(reverse("people:elder_detail", args=[other.elder_id])).status_code == 404
    assert client.get(reverse("people:elder_detail", args=[undispatched.elder_id])).status_code == 404
    api = client.get(reverse("workorder-list")).json()
    assert [r["id"] for r in api["results"]] == [own.pk]
    # The provider accepts through the API; it may not cancel.
    assert client.post(reverse("workorder-accept", args=[own.pk])).status_code == 200
    assert client.post(reverse("workorder-cancel", args=[own.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("workorder-accept", args=[other.pk])).status_code == 404


def test_other_street_is_404(client: Client, world: World) -> None:
    o = f.order(world.erin, e=f.elder(world.areas.community_b1))
    client.force_login(world.bob)
    assert client.get(reverse("services:workorder_detail", args=[o.pk])).status_code == 404
    assert (
        client.post(reverse("services:workorder_action", args=[o.pk, "cancel"]), {"reason": "x"}).status_code
        == 404
    )
    client.force_login(world.carol)
    assert client.get(reverse("services:workorder_detail", args=[o.pk])).status_code == 200


@pytest.mark.parametrize(
    ("permission", "roles"),
    [
        # Role-name checks became permissions the role holds or not.
        (
            "services.dispatch_workorder",
            {"district_admin", "street_worker", "community_worker", "hotline_operator"},
        ),
        ("services.join_provider", {"provider_staff"}),
        ("meals.join_canteen", {"provider_staff"}),
        ("accounts.grant_district_admin", {"district_admin"}),
    ],
)
def test_what_used_to_be_role_names(permission: str, roles: set[str]) -> None:
    from yiyang.accounts.roles import Role, permissions_for

    assert {r.value for r in Role if permission in permissions_for(r)} == roles


def test_provider_staff_neither_dispatch_nor_cancel(client: Client, world: World) -> None:
    item = f.item()
    mine = f.provider(items=[item])
    staff = f.staff(mine)
    order = f.order(world.erin)
    work_order_dispatch(order=order, provider=mine, actor=world.erin)
    client.force_login(staff)
    assert client.get(reverse("services:workorder_detail", args=[order.pk])).status_code == 200
    assert client.post(reverse("workorder-cancel", args=[order.pk]), {"reason": "x"}).status_code == 403
    again = {"provider": mine.pk}
    assert client.post(reverse("workorder-dispatch-order", args=[order.pk]), again).status_code == 403
