"""The 15-minute service circle in a real browser: a new service station is registered on its page,
the circle is recomputed, the map lists the communities left outside it, and the planning page
proposes where the next stations should go."""

from __future__ import annotations

from typing import Any

import pytest

from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot, wait_for_record
from yiyang.coverage.actions import coverage_compute
from yiyang.coverage.models import SiteProposal
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.models import ServicePoint

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_outside_communities_and_proposed_sites(
    page: Any, live_server: Any, traffic: Traffic, world: World
) -> None:
    a = world.areas
    for area, lat, lng in [(a.community_a1, 32.0, 121.0), (a.community_a2, 32.0, 121.02),
                           (a.community_b1, 32.05, 121.05), (a.community_b2, 32.06, 121.06)]:  # fmt: skip
        area.latitude, area.longitude = lat, lng
        area.save()
    for _ in range(3):
        ElderFactory(area=a.community_a1)  # at the community centre (no home location)
    # 1179 m from the station (× 1.3 detour > 1000 m walk), 707 m from its own community centre.
    ElderFactory(area=a.community_a2, latitude=32.0, longitude=121.0125)
    for _ in range(2):
        ElderFactory(area=a.community_b1)

    # The district registers the station on the service-point page.
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/services/points/add/")
    page.get_by_label("名称").fill("东市社区居家养老服务站")
    page.get_by_label("类型").select_option("station")
    page.get_by_label("所在社区").select_option(str(a.community_a1.pk))
    page.get_by_label("纬度").fill("32.0")
    page.get_by_label("经度").fill("121.0")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/services/points/")
    assert ServicePoint.objects.filter(name="东市社区居家养老服务站", kind="station").exists()

    # The nightly job recomputes the circle.
    run = coverage_compute(actor=world.alice)
    assert run.point_counts["station"] == 1

    page.goto(f"{live_server.url}/coverage/?kind=station")
    page.locator("#coverage-chart canvas").wait_for()
    outside_card = page.locator(".card", has_text="圈外社区")
    outside = outside_card.locator("tbody tr").all_inner_texts()
    names = [row.split("\t")[0] for row in outside]
    assert set(names) == {"机场新村社区", "南山社区"} and len(names) == 2, outside
    assert "东市社区" not in names
    assert "0%" in outside_card.locator("tbody tr", has_text="南山社区").inner_text()
    shot(page, "coverage-map")

    # Planning: two new stations for the district, candidates at community centres.
    page.goto(f"{live_server.url}/coverage/proposals/")
    page.get_by_label("规划范围").select_option(str(a.district.pk))
    page.get_by_label("服务点类型").select_option("station")
    page.get_by_label("新增站点数").fill("2")
    page.get_by_label("候选点").select_option("community")
    page.get_by_role("button", name="生成建议").click()
    wait_for_record(page, "/coverage/proposals/")
    rows = [r.split("\t") for r in page.locator("table tbody tr").all_inner_texts()]
    assert [(r[0], r[1], r[4]) for r in rows] == [("1", "机场新村社区附近", "2"), ("2", "南山社区附近", "1")]
    page.locator("#coverage-chart canvas").wait_for()
    proposal = SiteProposal.objects.get()
    assert proposal.uncovered_before == 3 and proposal.newly_covered == 3
    shot(page, "coverage-proposal")

    # The list names the kind in words.
    page.goto(f"{live_server.url}/coverage/proposals/")
    assert "居家养老服务站" in page.locator("table tbody tr").first.inner_text()

    assert traffic.foreign(live_server.url) == [], "pages must load nothing from another host"
    assert traffic.failures == []
    assert traffic.errors == []
