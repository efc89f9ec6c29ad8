"""The dashboard's institutional-care figures, per street, agree with the lists behind them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yiyang.core.figures import sections_for
from yiyang.core.testing import World
from yiyang.institutions import figures
from yiyang.institutions.actions.safety import incident_report
from yiyang.institutions.tests.factories import admit, make_bed, make_institution
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

TODAY = timezone.localdate()


def test_figures_by_street(client: Client, world: World) -> None:
    a, b = world.areas.street_a, world.areas.street_b
    home_a = make_institution(world.areas.community_a1, star_level=3)
    home_b = make_institution(world.areas.community_b1)
    for _ in range(3):
        make_bed(home_a)
    make_bed(home_b)
    tekun = ElderFactory.create(area=world.areas.community_a1)
    CertificationFactory.create(elder=tekun, category="tekun", valid_from=datetime.date(2020, 1, 1))
    tekun.categories = "tekun"
    tekun.save()
    other_tekun = ElderFactory.create(area=world.areas.community_a2, categories="tekun")
    assert other_tekun.categories == "tekun"
    stay = admit(tekun, home_a, care_level="level_3", admitted_on=TODAY - datetime.timedelta(days=9))
    admit(
        ElderFactory.create(area=world.areas.community_b1),
        home_b,
        admitted_on=TODAY - datetime.timedelta(days=9),
    )
    incident_report(resident=stay, kind="fall", occurred_at=timezone.now(), description="跌倒", actor=None)
    paths = [a.path, b.path]
    district = world.areas.district.path
    user = world.alice
    assert figures.beds(user, district, paths) == {
        district: 6,
        a.path: 4,
        b.path: 2,
    }  # admit() adds a bed each
    assert figures.occupancy(user, district, paths)[a.path] == 0.25
    assert figures.centralised_support(user, district, paths)[a.path] == 0.5
    assert figures.heavy_care(user, district, paths)[a.path] == 1.0
    assert figures.starred(user, district, paths) == {district: 1, a.path: 1, b.path: 0}
    rate = figures.incident_rate(user, district, paths)
    nights = min(10, TODAY.timetuple().tm_yday)  # nine days ago up to tonight, within this year
    assert rate[a.path] == (1000 / nights if nights else None) and rate[b.path] == 0
    # A street worker sees their street only; the section renders with a row per community.
    assert (
        figures.beds(world.bob, a.path, [world.areas.community_a1.path, world.areas.community_a2.path])[
            a.path
        ]
        == 4
    )
    assert "机构养老" in {str(s) for s in [f.section for fs in sections_for(user).values() for f in fs]}
    client.force_login(user)
    section = client.get(reverse("reports:dashboard_section"), {"section": "机构养老", "area": district})
    body = section.content.decode()
    assert section.status_code == 200 and "金沙街道" in body and "25.0%" in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index is PostgreSQL's plan")
def test_the_supported_elders_are_counted_from_their_index(world: World) -> None:
    """The 特困/五保 share counts the living supported elders from ``elder_supported_idx`` (a few in a
    hundred), not by reading every elder's categories: the figure's filter is the index's condition
    (a change to one without the other would send the district's dashboard back to a full scan)."""
    ElderFactory.create(area=world.areas.community_a1, categories="wubao")
    ElderFactory.create_batch(150, area=world.areas.community_a2)  # a registry of mostly others
    district, streets = world.areas.district.path, [world.areas.street_a.path, world.areas.street_b.path]
    with CaptureQueriesContext(connection) as queries:
        assert figures.centralised_support(world.alice, district, streets)[world.areas.street_a.path] == 0
    counted = [q["sql"] for q in queries.captured_queries if 'FROM "people_elder"' in q["sql"]]
    assert len(counted) == 1
    with connection.cursor() as cur:
        cur.execute("ANALYZE people_elder")
        cur.execute("EXPLAIN " + counted[0])
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "elder_supported_idx" in plan, plan
