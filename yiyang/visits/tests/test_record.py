"""Recording a visit: stored once per client key, nobody home → a retry, needs → work in other modules."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from yiyang.core.testing import World
from yiyang.visits import actions
from yiyang.visits.models import VisitRecord, VisitTask
from yiyang.visits.tests.factories import make_task

pytestmark = pytest.mark.django_db


def _input(**kwargs: object) -> actions.VisitInput:
    defaults: dict[str, object] = {"client_key": str(uuid.uuid4()), "seen": "elder", "health": "good", "signed_by": "elder",
                                       "signer_name": "王秀英"}  # fmt: skip
    return actions.VisitInput(**{**defaults, **kwargs})  # type: ignore[arg-type]


def test_a_visit_sent_twice_is_stored_once(world: World) -> None:
    task = make_task(world, world.areas.community_a1, assignee=world.dave)
    data = _input(latitude=32.06, longitude=121.07)
    record, new = actions.visit_record(task=task, data=data, actor=world.dave)
    again, new_again = actions.visit_record(task=task, data=data, actor=world.dave)
    assert (new, new_again) == (True, False)
    assert again.pk == record.pk
    assert VisitRecord.objects.count() == 1
    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None
    with pytest.raises(ValidationError):  # a second, different visit of a closed task
        actions.visit_record(task=task, data=_input(), actor=world.dave)


def test_nobody_home_opens_a_retry(world: World) -> None:
    task = make_task(world, world.areas.community_a1, assignee=world.dave)
    actions.visit_record(
        task=task, data=_input(seen="nobody", signed_by="none", signer_name=""), actor=world.dave
    )
    retry = VisitTask.objects.get(retry_of=task)
    assert (retry.kind, retry.attempt, retry.status, retry.assignee) == ("retry", 2, "open", world.dave)
    assert retry.period_key == f"{task.period_key}-R2"
    task.refresh_from_db()
    assert task.status == "nobody_home"


def test_bad_input_is_refused_with_reasons(world: World) -> None:
    task = make_task(world, world.areas.community_a1)
    with pytest.raises(ValidationError) as caught:
        actions.visit_record(
            task=task, data=_input(seen="?", need="urgent", need_detail=""), actor=world.dave
        )
    assert set(caught.value.message_dict) == {"seen", "need_detail"}
    with pytest.raises(ValidationError):
        actions.visit_record(task=task, data=_input(signed_by="family", signer_name=""), actor=world.dave)
    assert VisitRecord.objects.count() == 0


def test_only_a_visiting_worker_within_reach(world: World) -> None:
    task = make_task(world, world.areas.community_b1)
    with pytest.raises(PermissionDenied):
        actions.visit_record(task=task, data=_input(), actor=world.dave)  # street B: out of reach
    with pytest.raises(PermissionDenied):
        actions.visit_record(task=task, data=_input(), actor=world.carol)  # a street worker does not visit


def test_urgent_danger_raises_an_alarm(world: World) -> None:
    from yiyang.safety.models import Alarm

    task = make_task(world, world.areas.community_a1)
    record, _new = actions.visit_record(
        task=task, data=_input(need="urgent", need_detail="燃气灶漏气"), actor=world.dave
    )
    alarm = Alarm.objects.get()
    assert record.alarm_id == alarm.pk and alarm.elder_id == task.elder_id
    assert "燃气灶漏气" in alarm.detail


def test_a_service_need_becomes_a_work_order(world: World) -> None:
    from yiyang.services.models import WorkOrder
    from yiyang.services.tests.factories import item

    cleaning = item()
    task = make_task(world, world.areas.community_a1)
    record, _new = actions.visit_record(
        task=task,
        data=_input(need="service", need_detail="需要助洁", service_item_id=cleaning.pk),
        actor=world.dave,
    )
    order = WorkOrder.objects.get()
    assert record.work_order_id == order.pk and order.item == cleaning and order.elder_id == task.elder_id


def test_the_api_answers_201_then_200_for_the_same_key(client: Client, world: World) -> None:
    task = make_task(world, world.areas.community_a1, assignee=world.dave)
    client.force_login(world.dave)
    url = f"/api/v1/visits/tasks/{task.pk}/record/"
    body = json.dumps({"client_key": "k-1", "seen": "family", "signed_by": "family", "signer_name": "李明"})
    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert VisitRecord.objects.count() == 1
    bad = client.post(url, json.dumps({"client_key": "k-2", "seen": "elder", "signed_by": "elder"}),
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "signer_name" in bad.json()


def test_the_visit_is_on_the_elders_timeline(world: World) -> None:
    from yiyang.people.timeline import elder_timeline

    task = make_task(world, world.areas.community_a1)
    actions.visit_record(task=task, data=_input(hazards="电线老化", need="service", need_detail="需要助浴"),
                         actor=world.dave)  # fmt: skip
    titles = [e.title for e in elder_timeline(task.elder, world.bob) if e.module == "走访"]
    assert titles == ["走访：见到老人本人"]
