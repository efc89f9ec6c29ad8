"""The live alarm board in a surge: exact counts, the urgent first, every alarm reachable."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import World
from yiyang.safety.choices import AlarmStatus, Severity
from yiyang.safety.models import Alarm
from yiyang.safety.selectors import BOARD_STEP
from yiyang.safety.tests.factories import make_elder, make_surge

pytestmark = pytest.mark.django_db

ITEM = re.compile(r'data-alarm-id="(\d+)"')
MORE = re.compile(r'id="board-more" data-limit="(\d+)"')


def _count(html: str, name: str) -> int:
    found = re.search(rf'data-count-{name}="(\d+)"', html)
    return int(found.group(1)) if found else 0


def _board(client: Client, limit: int | None = None) -> str:
    url = reverse("safety:board_list") + (f"?limit={limit}" if limit else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def surge(world: World) -> list[Alarm]:
    elders = [make_elder(area=world.areas.community_a1) for _ in range(20)]
    alarms = make_surge(elders, 1000)
    # Out of the operator's district: never counted, never shown.
    make_surge([make_elder(area=world.areas.other_community)], 7)
    # Closed a minute ago: shown after every open alarm, never counted as open.
    done = make_surge(elders[:1], 3)
    Alarm.objects.filter(pk__in=[a.pk for a in done]).update(
        status=AlarmStatus.CLOSED, closed_at=timezone.now(), fold_key=""
    )
    return alarms


def test_a_thousand_open_alarms_are_counted_exactly(client: Client, world: World, surge: list[Alarm]) -> None:
    client.force_login(world.erin)
    html = _board(client)
    alarms = list(Alarm.objects.filter(pk__in=[a.pk for a in surge]))
    assert _count(html, "new") == sum(a.status == AlarmStatus.NEW for a in alarms) == 900
    assert _count(html, "handling") == 100
    assert _count(html, "overdue") == sum(a.overdue for a in alarms) == 301
    assert len(ITEM.findall(html)) == BOARD_STEP
    assert "共 1,000 条" in html and "还有 900 条" in html


def test_the_urgent_come_first_then_the_oldest(client: Client, world: World, surge: list[Alarm]) -> None:
    client.force_login(world.erin)
    shown = [int(pk) for pk in ITEM.findall(_board(client))]
    by_pk = {a.pk: a for a in surge}
    urgent = sorted((a for a in surge if a.severity == Severity.URGENT), key=lambda a: a.raised_at)
    assert shown == [a.pk for a in urgent[:BOARD_STEP]]
    assert all(by_pk[pk].severity == Severity.URGENT for pk in shown)


def test_every_alarm_is_reachable_with_show_more(client: Client, world: World, surge: list[Alarm]) -> None:
    client.force_login(world.erin)
    html, pages = _board(client), 1
    while more := MORE.search(html):
        html, pages = _board(client, int(more.group(1))), pages + 1
    shown = [int(pk) for pk in ITEM.findall(html)]
    open_ids = [a.pk for a in surge]
    assert set(shown[:1000]) == set(open_ids) and len(shown) == 1003  # the three closed come last
    assert shown[999] == max(a.pk for a in surge if a.severity == Severity.FOLLOW_UP)
    assert pages == 10
    assert "还有" not in html


def test_a_longer_board_costs_no_more_queries(client: Client, world: World, surge: list[Alarm]) -> None:
    client.force_login(world.erin)
    sizes = []
    for limit in (BOARD_STEP, 900):  # both short of the whole surge
        with CaptureQueriesContext(connection) as ctx:
            _board(client, limit)
        sizes.append(len(ctx.captured_queries))
    assert sizes[0] == sizes[1]


@pytest.mark.parametrize("limit", ["abc", "-5", "0", "99999999999"])
def test_a_bad_limit_shows_the_first_step(client: Client, world: World, limit: str) -> None:
    make_surge([make_elder(area=world.areas.community_a1)], 120)
    client.force_login(world.erin)
    response = client.get(reverse("safety:board_list"), {"limit": limit})
    assert response.status_code == 200
    shown = len(ITEM.findall(response.content.decode()))
    assert shown == (120 if limit == "99999999999" else BOARD_STEP)
