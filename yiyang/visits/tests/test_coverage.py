"""Overdue visits, escalation to the street, completion by area: each figure is the count of its list."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.utils import timezone

from yiyang.core.testing import World, xlsx_rows
from yiyang.visits import actions, figures, selectors
from yiyang.visits.filtersets import VisitTaskFilterSet
from yiyang.visits.models import VisitTask
from yiyang.visits.tests.factories import make_rule, make_task
from yiyang.visits.tiers import month_bounds
from yiyang.visits.views_coverage import _links

pytestmark = pytest.mark.django_db


def _setup(world: World) -> dict[str, VisitTask]:
    today = timezone.localdate()
    start, end = month_bounds(today.year, today.month)
    rule = make_rule(escalate_after_days=2)
    a1, a2, b1 = world.areas.community_a1, world.areas.community_a2, world.areas.community_b1
    return {
        "done": make_task(world, a1, due_date=end, status="done", rule=rule),
        "late": make_task(world, a1, due_date=start - datetime.timedelta(days=5) if today.day < 4 else start,
                          status="open", rule=rule),
        "future": make_task(world, a1, due_date=end, rule=rule),
        "a2": make_task(world, a2, due_date=end, status="nobody_home", rule=rule),
        "b1": make_task(world, b1, due_date=end, rule=rule),
    }  # fmt: skip


def _list_count(user: object, url: str) -> int:
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    fs = VisitTaskFilterSet(query, queryset=VisitTask.objects.for_user(user))
    assert fs.is_valid(), fs.errors
    return fs.qs.count()


def test_completion_by_community_and_the_lists_behind_each_figure(world: World) -> None:
    tasks = _setup(world)
    today = timezone.localdate()
    start, end = month_bounds(today.year, today.month)
    if tasks["late"].due_date < start:
        start = tasks["late"].due_date
    total, rows = selectors.coverage(world.bob, world.areas.street_a, start, end, today=today)
    by_path = {r.path: r for r in rows}
    a1 = by_path[world.areas.community_a1.path]
    assert (a1.due, a1.done, a1.overdue) == (3, 1, 1 if tasks["late"].due_date < today else 0)
    assert (total.due, total.done) == (4, 2)
    assert total.share == 0.5
    for row in [*rows, total]:
        links = _links(row.path, start, end)
        for key in ("due", "done", "overdue", "escalated"):
            assert _list_count(world.bob, links[key]) == getattr(row, key), (row.path, key)
    # Street B's task is not bob's, and not counted.
    assert world.areas.community_b1.path not in by_path


def test_overdue_tasks_are_escalated_to_the_street_after_the_rules_grace(world: World) -> None:
    rule = make_rule(escalate_after_days=2)
    today = timezone.localdate()
    late = make_task(world, world.areas.community_a1, rule=rule, due_date=today - datetime.timedelta(days=3))
    recent = make_task(
        world, world.areas.community_a1, rule=rule, due_date=today - datetime.timedelta(days=1)
    )
    done = make_task(world, world.areas.community_a1, rule=rule, due_date=today - datetime.timedelta(days=9),
                     status="done")  # fmt: skip
    assert actions.escalate_overdue(today=today) == 1
    assert actions.escalate_overdue(today=today) == 0
    for task in (late, recent, done):
        task.refresh_from_db()
    assert late.escalated_at is not None and recent.escalated_at is None and done.escalated_at is None


def test_the_overdue_and_coverage_pages(client: Client, world: World) -> None:
    tasks = _setup(world)
    client.force_login(world.bob)
    page = client.get("/visits/overdue/").content.decode()
    if tasks["late"].due_date < timezone.localdate():
        assert tasks["late"].reason in page
    assert tasks["future"].reason not in page and tasks["b1"].reason not in page
    response = client.get("/visits/coverage/", {"area": world.areas.street_a.path})
    assert response.status_code == 200 and world.areas.community_a2.name in response.content.decode()
    assert client.get("/visits/coverage/", {"area": world.areas.street_b.path}).status_code == 404
    assert client.get("/visits/coverage/", {"month": "2026-13"}).status_code == 404
    export = client.get("/visits/coverage/", {"area": world.areas.street_a.path, "export": "xlsx"})
    rows = xlsx_rows(export)
    assert rows[0][:3] == ("区域", "应走访", "已走访") and isinstance(rows[-1][1], int)


def test_dashboard_figures(world: World) -> None:
    _setup(world)
    children = [world.areas.street_a.path, world.areas.street_b.path]
    done = figures.completion(world.alice, world.areas.district.path, children)
    assert done[world.areas.street_b.path] == 0.0
    assert figures.overdue(world.bob, world.areas.district.path, children)[world.areas.street_b.path] == 0
