"""The phone's pages: the day's list in walking order, only the worker's own open visits, the worker script."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from yiyang.core.testing import World, make_user
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits.tests.factories import make_task

pytestmark = pytest.mark.django_db


def test_the_days_list_is_the_workers_open_visits_nearest_first(client: Client, world: World) -> None:
    gina = make_user("gina", "community_worker", [world.areas.grid_a1])
    today = timezone.localdate()
    far = ElderFactory.create(area=world.areas.grid_a1, latitude=32.0, longitude=121.01)
    near = ElderFactory.create(area=world.areas.grid_a1, latitude=32.0, longitude=121.001)
    nowhere = ElderFactory.create(area=world.areas.grid_a1)
    for elder in (far, near, nowhere):
        make_task(world, world.areas.grid_a1, elder=elder, assignee=gina)
    make_task(world, world.areas.grid_a1, assignee=world.dave)  # someone else's
    make_task(world, world.areas.grid_a1, assignee=gina, status="done")
    make_task(world, world.areas.grid_a1, assignee=gina, window_start=today + datetime.timedelta(days=3))
    overdue = make_task(
        world, world.areas.grid_a1, assignee=gina, due_date=today - datetime.timedelta(days=2)
    )
    client.force_login(gina)
    body = client.get("/visits/today/data/", {"lat": "32.0", "lng": "121.0"}).json()
    ids = [t["id"] for t in body["tasks"]]
    assert len(ids) == 4 and overdue.pk in ids
    placed = [t["elder"] for t in body["tasks"] if t["metres"] is not None]
    assert placed == [near.name, far.name]
    assert body["tasks"][-1]["metres"] is None
    assert next(t for t in body["tasks"] if t["id"] == overdue.pk)["overdue"] is True
    assert ["elder", "见到老人本人"] in body["choices"]["seen"]
    assert client.get("/visits/today/data/", {"lat": "x", "lng": "999"}).status_code == 200
    page = client.get("/visits/today/")
    assert page.status_code == 200 and "visits/today.js" in page.content.decode()


def test_only_visiting_workers_have_the_phone_pages(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert client.get("/visits/today/").status_code == 403
    assert client.get("/visits/today/data/").status_code == 403


def test_the_service_worker_is_served_for_the_visits_pages(client: Client) -> None:
    response = client.get("/visits/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/visits/"
    assert b"caches.match" in response.content


def test_the_days_list_is_a_batch_of_the_most_urgent_with_totals_and_the_next_batch(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yiyang.visits import actions

    monkeypatch.setattr(actions, "DAY_SIZE", 2)
    gina = make_user("gina", "community_worker", [world.areas.grid_a1])
    today = timezone.localdate()
    late = [
        make_task(world, world.areas.grid_a1, assignee=gina, due_date=today - datetime.timedelta(days=n))
        for n in (1, 2)
    ]
    soon = make_task(world, world.areas.grid_a1, assignee=gina, due_date=today + datetime.timedelta(days=1))
    same_day = [make_task(world, world.areas.grid_a1, assignee=gina, due_date=today + datetime.timedelta(days=5))
                for _ in range(2)]  # fmt: skip
    make_task(world, world.areas.grid_a1, assignee=gina, window_start=today + datetime.timedelta(days=3))
    client.force_login(gina)

    seen: list[int] = []
    after = ""
    for expected in ([late[1], late[0]], [soon, same_day[0]], [same_day[1]]):
        body = client.get("/visits/today/data/", {"after": after}).json()
        assert (body["open"], body["overdue"]) == (5, 2)
        assert {t["id"] for t in body["tasks"]} == {t.pk for t in expected}
        seen += [t["id"] for t in body["tasks"]]
        after = body["next"]
    assert after is None and len(set(seen)) == 5
    assert client.get("/visits/today/data/", {"after": "nonsense"}).json()["next"] is not None
