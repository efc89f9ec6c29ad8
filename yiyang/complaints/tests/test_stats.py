"""办结率 by street, unit and month: the counts agree with the case list each figure links to."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.complaints.models import Case
from yiyang.complaints.stats import resolution_rates
from yiyang.complaints.tests.factories import make_case, update_case
from yiyang.core.figures import figures_for
from yiyang.core.testing import World
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


def closed(case: Case, *, on_time: bool = True, satisfaction: str = "satisfied") -> None:
    now = timezone.now()
    update_case(case, status="closed", reply="已处理", replied_at=now, closed_at=now, on_time=on_time,
                satisfaction=satisfaction)  # fmt: skip


@pytest.fixture
def cases(world: World) -> dict[str, list[Case]]:
    provider = f.provider(items=[f.item()], name="颐和家政")
    a = [make_case(world.areas.community_a1, provider) for _ in range(20)]
    b = [make_case(world.areas.community_b1) for _ in range(4)]
    for case in a[:19]:
        closed(case)
    closed(a[0], on_time=False, satisfaction="dissatisfied")
    for case in b[:3]:
        closed(case, satisfaction="basic")
    Case.objects.filter(pk=b[3].pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    return {"a": a, "b": b}


def test_rates_by_street(world: World, cases: dict[str, list[Case]]) -> None:
    today = timezone.localdate()
    rows, total = resolution_rates(world.alice, by="street", start=today, end=today)
    by_label = {r.label: r for r in rows}
    a, b = by_label["金沙街道"], by_label["兴东街道"]
    assert (a.total, a.closed, a.on_time, a.called, a.satisfied) == (20, 19, 18, 19, 18)
    assert a.resolution_rate == 0.95 and a.meets_target
    assert (b.total, b.closed, b.overdue) == (4, 3, 1) and b.meets_target is False
    assert (total.total, total.closed) == (24, 22)
    # bob (street A) sees street A only
    rows, _ = resolution_rates(world.bob, by="street", start=today, end=today)
    assert [r.label for r in rows] == ["金沙街道"]


def test_each_figure_links_to_its_cases(client: Client, world: World, cases: dict[str, list[Case]]) -> None:
    client.force_login(world.alice)
    today = timezone.localdate()
    for by in ("street", "unit", "month"):
        rows, total = resolution_rates(world.alice, by=by, start=today, end=today)
        for row in [*rows, total]:
            for key, url in row.links.items():
                expected = {"total": row.total, "closed": row.closed, "on_time": row.on_time,
                            "satisfied": row.satisfied, "overdue": row.overdue}[key]  # fmt: skip
                page = client.get(url)
                assert page.status_code == 200, url
                assert page.context["table"].paginator.count == expected, (by, row.label, key, url)


def test_the_page_and_the_dashboard_figure(
    client: Client, world: World, cases: dict[str, list[Case]]
) -> None:
    client.force_login(world.alice)
    page = client.get(reverse("complaints:resolution_rate"), {"by": "street"}).content.decode()
    assert "金沙街道" in page and "95.0%" in page and "75.0%" in page
    assert re.search(r'id="rate-table"', page)
    for by in ("unit", "month", "nonsense"):
        assert client.get(reverse("complaints:resolution_rate"), {"by": by, "from": "x"}).status_code == 200
    figure = next(fig for fig in figures_for(world.alice) if fig.key == "complaints.resolution_rate")
    values = figure.compute(
        world.alice, world.areas.district.path, [world.areas.street_a.path, world.areas.street_b.path]
    )
    assert values[world.areas.street_a.path] == 0.95 and values[world.areas.street_b.path] == 0.75
    client.force_login(world.users["frank"])
    assert client.get(reverse("complaints:resolution_rate")).status_code == 200
