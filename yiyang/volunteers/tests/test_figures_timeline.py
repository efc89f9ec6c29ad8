"""Volunteering on the dashboard (exact per street, linking to the list behind) and on the timelines."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from yiyang.core.navigation import _key
from yiyang.core.testing import World
from yiyang.people import stats
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers.figures import SECTION
from yiyang.volunteers.tests.factories import make_volunteer, verified_service


def _cell(html: str, area_name: str, key: str) -> tuple[str, str]:
    row = re.search(rf"<tr[^>]*>\s*<td>(?:<a [^>]*>)?{area_name}(?:</a>)?</td>(.*?)</tr>", html, re.S)
    assert row, area_name
    cell = re.search(rf'data-figure="{key}">(?:<a href="([^"]*)">)?([^<]*)', row.group(1))
    assert cell, key
    return cell.group(2), (cell.group(1) or "").replace("&amp;", "&")


def test_figures_per_street_and_their_lists(client: Client, world: World) -> None:
    elders = [ElderFactory.create(area=world.areas.community_a1) for _ in range(4)]
    ElderFactory.create(area=world.areas.community_b1)
    volunteer = make_volunteer(world.areas.community_a1)
    make_volunteer(world.areas.community_a2)
    make_volunteer(world.areas.community_b1, status="left")
    verified_service(volunteer, elders[0], minutes=90)
    stats.rebuild()
    client.force_login(world.alice)
    html = client.get(reverse("reports:dashboard_section"),
                      {"area": world.areas.district.path, "section": _key(SECTION)}).content.decode()  # fmt: skip
    value, link = _cell(html, "金沙街道", "volunteers.per_thousand")
    assert value == "500.0"  # 2 active volunteers for 4 elders
    assert client.get(link).context["table"].paginator.count == 2
    assert _cell(html, "兴东街道", "volunteers.per_thousand")[0] == "0.0"
    value, link = _cell(html, "金沙街道", "volunteers.hours_this_month")
    assert value == "90"
    assert client.get(link).context["table"].paginator.count == 1
    value, link = _cell(html, "金沙街道", "volunteers.hours_held")
    assert value == "90"
    assert client.get(link).context["table"].paginator.count == 1


def test_on_the_elders_and_the_volunteers_timeline(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    volunteer = make_volunteer(world.areas.community_a1, name="周晓燕")
    record = verified_service(volunteer, elder, minutes=60)
    client.force_login(world.dave)
    page = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    assert "志愿服务：周晓燕 提供陪伴聊天" in page
    mine = client.get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert record.get_absolute_url() in mine and "1.00" in mine
