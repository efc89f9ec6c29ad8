from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import AccessMatrix, Endpoint, World
from yiyang.services.actions.work_orders import work_order_dispatch
from yiyang.services.models import ServiceException, WorkOrder
from yiyang.services.tests import factories as f


def make_order(world: World, area: Any) -> WorkOrder:
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
    )


def make_exception(world: World, area: Any) -> ServiceException:
    o = make_order(world, area)
    return ServiceException.objects.create(work_order=o, kind="late", detail="迟到", area_path=o.area_path)


ORDERS = AccessMatrix.standard(
    WorkOrder,
    make_order,
    list_url="services:workorder_list",
    detail_url="services:workorder_detail",
    api_basename="workorder",
    marker=lambda o: o.number,
    extra=[
        Endpoint("sheet", lambda o: reverse("services:workorder_sheet", args=[o.pk])),
        Endpoint(
            "api-cancel",
            lambda o: reverse("workorder-cancel", args=[o.pk]),
            api=True,
            method="post",
            action="change",
            data=lambda o: {"reason": "测试"},
        ),
    ],
)

EXCEPTIONS = AccessMatrix.standard(
    ServiceException,
    make_exception,
    list_url="services:serviceexception_list",
    api_basename="serviceexception",
    marker=lambda e: e.work_order.number,
)


@pytest.mark.parametrize(("who", "endpoint"), ORDERS.cases())
def test_work_order_access(client: Client, world: World, who: str, endpoint: str) -> None:
    if who == "frank" and endpoint == "api-cancel":
        pytest.skip("provider staff may not cancel; covered in test_provider_scope")
    ORDERS.check(client, world, who, endpoint)


@pytest.mark.parametrize(("who", "endpoint"), EXCEPTIONS.cases())
def test_exception_access(client: Client, world: World, who: str, endpoint: str) -> None:
    EXCEPTIONS.check(client, world, who, endpoint)


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
