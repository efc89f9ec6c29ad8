"""The qualification checks due (资格认证到期与逾期): who is listed, the channel suggested, and the page's
queries, which must not grow with its rows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yiyang.benefits import actions, selectors
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.core.testing import pass_second_factor

pytestmark = pytest.mark.django_db


def _certify(world, elder, days_ago: int, channel: str = "video") -> None:
    actions.qualification_certify(
        elder=elder,
        certified_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        channel=channel,
        actor=world.alice,
    )


def _paid_this_month(world, programme=None) -> None:
    """This month's roll, generated (again, for a draft) for every elder registered so far."""
    actions.payment_roll_generate(
        programme=programme or longevity(), area=world.areas.district,
        month=timezone.localdate().replace(day=1), actor=world.alice,
    )  # fmt: skip


def test_the_recipients_due_expired_or_never_certified_and_no_one_else(world) -> None:
    born = datetime.date(1940, 1, 1)
    due_soon = elder_born(born, name="甲到期")
    expired = elder_born(born, name="乙逾期", area=world.areas.community_b1)
    elder_born(born, name="丙从未")  # never certified
    valid = elder_born(born, name="丁有效")
    _certify(world, due_soon, 350, channel="office")  # valid to ~15 days from today
    _certify(world, expired, 400)
    _certify(world, valid, 30)
    _paid_this_month(world)
    not_paid = elder_born(born, name="戊未领")  # registered after the roll: never paid

    due = selectors.qualification_due(world.alice)
    assert {e.name for e in due} == {"甲到期", "乙逾期", "丙从未"}
    assert due.count() == 3
    assert not_paid.pk not in {e.pk for e in due}
    channels = {e.name: selectors.suggested_channel(e) for e in due}
    assert channels == {"甲到期": "office", "乙逾期": "video", "丙从未": "video"}
    # The same answer as the one-elder look-up the certify form makes.
    assert selectors.suggested_channel(type(due_soon).objects.get(pk=due_soon.pk)) == "office"
    # A street worker sees the street's own.
    assert {e.name for e in selectors.qualification_due(world.bob)} == {"甲到期", "丙从未"}


def test_the_page_reads_a_fixed_number_of_queries_whatever_its_rows(world, client) -> None:
    born = datetime.date(1940, 1, 1)
    first = [elder_born(born, name=f"甲{n}") for n in range(2)]
    _certify(world, first[0], 400)
    programme = longevity()
    _paid_this_month(world, programme)
    client.force_login(world.alice)
    pass_second_factor(client, world.alice)
    url = reverse("benefits:qualification_due")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200 and "甲0" in response.content.decode()

    more = [elder_born(born, name=f"乙{n}") for n in range(6)]
    for elder in more[:3]:
        _certify(world, elder, 380, channel="office")
    _paid_this_month(world, programme)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    page = response.content.decode()
    assert all(f"乙{n}" in page for n in range(6)) and "共 8 人" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_more_due_than_a_page_every_one_reachable_and_counted_exactly(world, client) -> None:
    born = datetime.date(1940, 1, 1)
    elders = [elder_born(born, name="丙同名") for _n in range(105)]  # one name: the order ties everywhere
    _paid_this_month(world)
    client.force_login(world.alice)
    pass_second_factor(client, world.alice)
    url = reverse("benefits:qualification_due")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert "共 105 人" in first and "共 105 人" in second
    assert "?page=2" in first and "?page=1" in second  # next from the first, previous from the second
    links = re.compile(r'href="/people/elders/(\d+)/"')
    shown = [int(pk) for page in (first, second) for pk in links.findall(page)]
    assert len(links.findall(first)) == 100
    assert sorted(shown) == sorted(e.pk for e in elders)  # each once, none missing
