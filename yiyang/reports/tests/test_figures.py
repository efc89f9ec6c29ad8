"""Module figures on the dashboard: one card per module, one row per child area, each value exact,
scoped to the reader and linking to the list behind it."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from yiyang.core.figures import figures_for, sections_for
from yiyang.core.navigation import _key
from yiyang.core.testing import World
from yiyang.people import stats
from yiyang.safety.figures import SECTION
from yiyang.safety.models import Alarm
from yiyang.safety.tests.factories import make_device, make_elder


def _section(client: Client, area: str) -> str:
    response = client.get(reverse("reports:dashboard_section"), {"area": area, "section": _key(SECTION)})
    assert response.status_code == 200
    return response.content.decode()


def _cell(html: str, area_name: str, key: str) -> tuple[str, str]:
    """(value, link) of one figure in the row of ``area_name``."""
    row = re.search(rf"<tr[^>]*>\s*<td>(?:<a [^>]*>)?{area_name}(?:</a>)?</td>(.*?)</tr>", html, re.S)
    assert row, area_name
    cell = re.search(rf'data-figure="{key}">(?:<a href="([^"]*)">)?([^<]*)', row.group(1))
    assert cell, key
    return cell.group(2), (cell.group(1) or "").replace("&amp;", "&")


def test_figures_compare_streets_exactly_and_link_to_their_lists(client: Client, world: World) -> None:
    a = [make_elder(area=world.areas.community_a1) for _ in range(4)]
    b = [make_elder(area=world.areas.community_b1) for _ in range(2)]
    for elder in a[:3] + b[:1]:
        make_device(elder=elder)
    for elder in a[:2]:
        Alarm.objects.create(elder=elder, kind="sos", fold_key=f"sos-{elder.pk}")
    stats.rebuild()

    client.force_login(world.alice)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert "hx-get" in dashboard and str(SECTION) in dashboard
    html = _section(client, world.areas.district.path)
    # 3 devices for 4 elders in street A: 750.0 per 1,000; 1 for 2 in street B: 500.0; 4 of 6 overall
    assert _cell(html, "金沙街道", "safety.devices_per_thousand")[0] == "750.0"
    assert _cell(html, "兴东街道", "safety.devices_per_thousand")[0] == "500.0"
    assert _cell(html, "通州区", "safety.devices_per_thousand")[0] == "666.7"
    value, link = _cell(html, "金沙街道", "safety.alarms_this_month")
    assert value == "2"
    listed = client.get(link)
    assert listed.status_code == 200
    assert listed.context["table"].paginator.count == 2
    value, link = _cell(html, "金沙街道", "safety.devices_per_thousand")
    assert client.get(link).context["table"].paginator.count == 3


def test_a_street_worker_sees_only_their_street(client: Client, world: World) -> None:
    make_device(elder=make_elder(area=world.areas.community_a1))
    make_device(elder=make_elder(area=world.areas.community_b1))
    stats.rebuild()
    client.force_login(world.bob)
    html = _section(client, world.areas.street_a.path)
    assert "兴东街道" not in html
    assert _cell(html, "金沙街道", "safety.devices_per_thousand")[0] == "1000.0"
    other = client.get(
        reverse("reports:dashboard_section"),
        {"area": world.areas.street_b.path, "section": _key(SECTION)},
    )
    assert other.status_code == 404


def test_only_figures_the_reader_may_see(world: World) -> None:
    keys = {f.key for f in figures_for(world.alice)}
    assert {"safety.devices_per_thousand", "safety.alarms_this_month"} <= keys
    assert not figures_for(world.frank) or all(
        world.frank.has_perm(f.permission) for f in figures_for(world.frank)
    )
    assert _key(SECTION) in sections_for(world.alice)


def test_an_unknown_section_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get(reverse("reports:dashboard_section"), {"section": "无此模块"})
    assert response.status_code == 404
