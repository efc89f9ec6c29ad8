"""The computation end to end: database → arrays → aggregates → pages, API, proposals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from yiyang.core.testing import World, xlsx_rows
from yiyang.coverage.actions import coverage_compute, site_proposal_create
from yiyang.coverage.models import CoverageResult, SiteProposal
from yiyang.coverage.tasks import coverage_compute_task
from yiyang.meals.tests.factories import make_canteen
from yiyang.people.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def layout(world: World) -> World:
    a = world.areas
    for area, lat, lng in [(a.community_a1, 32.0, 121.0), (a.community_a2, 32.0, 121.02),
                           (a.community_b1, 32.05, 121.05), (a.community_b2, 32.06, 121.06)]:  # fmt: skip
        area.latitude, area.longitude = lat, lng
        area.save()
    make_canteen(a.community_a1, name="东市长者食堂", latitude=32.0, longitude=121.0)
    for _ in range(3):
        ElderFactory(area=a.community_a1)  # no home location: the community centre stands in
    ElderFactory(area=a.community_a2, latitude=32.0, longitude=121.0085)  # 802 m east × 1.3 > 1000 m
    for _ in range(2):
        ElderFactory(area=a.community_b1)
    return world


def _row(path: str) -> CoverageResult:
    return CoverageResult.objects.get(area_path=path, kind="meal")


def test_coverage_compute_aggregates_by_community_street_district(layout: World) -> None:
    run = coverage_compute()
    a = layout.areas
    assert run.elder_count == 6 and run.unlocated == 0 and run.point_counts["meal"] == 1
    assert (_row(a.community_a1.path).covered, _row(a.community_a1.path).total) == (3, 3)
    assert _row(a.community_a1.path).mean_distance == pytest.approx(0.0, abs=1e-6)
    a2 = _row(a.community_a2.path)
    assert (a2.covered, a2.total) == (0, 1) and a2.mean_distance == pytest.approx(801.9 * 1.3, rel=2e-3)
    assert (_row(a.street_a.path).covered, _row(a.street_a.path).total) == (3, 4)
    assert (_row(a.street_b.path).covered, _row(a.street_b.path).total) == (0, 2)
    assert (_row(a.district.path).covered, _row(a.district.path).total) == (3, 6)
    # a wider walk brings the a2 elder in; recomputing replaces, never duplicates
    call_command("coverage_compute", "--walk", "1100", stdout=io.StringIO())
    assert _row(a.community_a2.path).covered == 1
    assert CoverageResult.objects.filter(area_path=a.community_a2.path, kind="meal").count() == 1
    coverage_compute_task.enqueue()
    assert _row(a.community_a2.path).covered == 0


def test_map_page_lists_communities_outside_the_circle(client: Client, layout: World) -> None:
    coverage_compute()
    client.force_login(layout.alice)
    html = client.get(reverse("coverage:map"), {"kind": "meal"}).content.decode()
    assert "机场新村社区" in html and "南山社区" in html and "echarts.min.js" in html
    assert "https://" not in html.split("<body")[1]
    client.force_login(layout.carol)  # street B sees only its own communities
    html = client.get(reverse("coverage:map"), {"kind": "meal"}).content.decode()
    assert "机场新村社区" in html and "南山社区" not in html
    api = client.get(reverse("coverageresult-list"), {"kind": "meal", "level": "5"}).json()
    assert {r["area_path"] for r in api["results"]} == {layout.areas.community_b1.path}
    client.force_login(layout.frank)
    assert client.get(reverse("coverage:map")).status_code == 403


def test_proposal_puts_the_first_site_where_the_uncovered_elders_are(client: Client, layout: World) -> None:
    proposal = site_proposal_create(area=layout.areas.district, kind="meal", k=3, actor=layout.alice)
    assert proposal.uncovered_before == 3
    first = proposal.sites[0]
    assert first["near_area"] == "机场新村社区" and first["gain"] == 2
    assert proposal.newly_covered == 3
    client.force_login(layout.alice)
    assert client.get(reverse("coverage:siteproposal_detail", args=[proposal.pk])).status_code == 200
    rows = xlsx_rows(
        client.get(reverse("coverage:siteproposal_detail", args=[proposal.pk]), {"export": "xlsx"})
    )
    assert rows[1][1] == "机场新村社区"
    client.force_login(layout.carol)  # a street worker of B cannot open a district-wide proposal
    assert client.get(reverse("coverage:siteproposal_detail", args=[proposal.pk])).status_code == 404
    response = client.post(reverse("siteproposal-list"), json.dumps({"area": layout.areas.street_b.code, "kind": "meal", "k": 2}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and response.json()["sites"][0]["gain"] == 2
    response = client.post(reverse("siteproposal-list"), json.dumps({"area": layout.areas.street_a.code, "kind": "meal"}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    response = client.post(
        reverse("coverage:siteproposal_list"), {"area": layout.areas.street_b.pk, "kind": "meal", "k": 1}
    )
    assert response.status_code == 302
    assert SiteProposal.objects.filter(area=layout.areas.street_b).count() == 2


def test_propose_command(layout: World) -> None:
    out = io.StringIO()
    call_command(
        "coverage_propose", "--kind", "meal", "--k", "2", "--area", layout.areas.district.code, stdout=out
    )
    assert "机场新村社区" in out.getvalue()
