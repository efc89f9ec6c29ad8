"""Two operators on one work order: the transition decides on the locked row, so one dispatch wins.

The second dispatcher read the order while it was new; by the time they act, it has been dispatched.
On PostgreSQL two real connections show the second waiting on the row lock and then being refused;
on any database, a stale copy is refused the same way.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.services.actions import work_orders
from yiyang.services.actions.work_orders import work_order_cancel, work_order_dispatch
from yiyang.services.choices import OrderStatus
from yiyang.services.models import WorkOrder
from yiyang.services.tests import factories as f


def _dispatches(order: WorkOrder) -> int:
    return AuditEntry.objects.filter(
        object_type="services.workorder",
        object_id=str(order.pk),
        verb__in=["workorder.dispatch", "workorder.reassign"],
    ).count()


def test_a_stale_copy_is_refused(world: World) -> None:
    item = f.item()
    a, b = f.provider(items=[item]), f.provider(items=[item])
    order = f.order(world.erin)
    seen_by_erin, seen_by_alice = WorkOrder.objects.get(pk=order.pk), WorkOrder.objects.get(pk=order.pk)
    work_order_dispatch(order=seen_by_erin, provider=a, actor=world.erin)
    with pytest.raises(ValidationError, match="刚被他人处理"):
        work_order_dispatch(order=seen_by_alice, provider=b, actor=world.alice)
    with pytest.raises(ValidationError, match="刚被他人处理"):
        work_order_cancel(order=seen_by_alice, reason="重复来电", actor=world.alice)
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.provider_id) == (OrderStatus.DISPATCHED, a.pk)
    assert _dispatches(order) == 1
    # Read afresh, the order may be reassigned on purpose.
    work_order_dispatch(order=fresh, provider=b, actor=world.alice)
    assert _dispatches(order) == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_dispatches_leave_one(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    item = f.item()
    a, b = f.provider(items=[item]), f.provider(items=[item])
    order = f.order(world.erin)
    inside, release = threading.Event(), threading.Event()
    record = work_orders._record

    def slow_record(*args: Any, **kwargs: Any) -> None:
        record(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()  # the order is dispatched and still locked: the transaction is open
            assert release.wait(10)

    monkeypatch.setattr(work_orders, "_record", slow_record)
    outcomes: dict[str, str] = {}

    def dispatch(provider: Any, actor: Any) -> None:
        try:
            seen = WorkOrder.objects.get(pk=order.pk)  # what the operator's page showed: a new order
            if threading.current_thread().name == "second":
                assert inside.wait(10)
            work_order_dispatch(order=seen, provider=provider, actor=actor)
            outcomes[threading.current_thread().name] = "dispatched"
        except ValidationError as exc:
            outcomes[threading.current_thread().name] = " ".join(exc.messages)
        finally:
            connection.close()

    first = threading.Thread(target=dispatch, args=(a, world.erin), name="first")
    second = threading.Thread(target=dispatch, args=(b, world.alice), name="second")
    first.start()
    second.start()
    assert inside.wait(10)
    second.join(1.0)
    assert second.is_alive(), "the second dispatch must wait for the first one's row lock"
    release.set()
    first.join(10)
    second.join(10)
    assert outcomes["first"] == "dispatched"
    assert "刚被他人处理" in outcomes["second"]
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.provider_id) == (OrderStatus.DISPATCHED, a.pk)
    assert _dispatches(order) == 1
