"""The elder dashboard through the one door: each reader's totals, child rows and breadcrumbs hold
only what their areas reach, and a street's figures add up to the district's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core.testing import World
from yiyang.people.stats import rebuild
from yiyang.people.tests.factories import ElderFactory
from yiyang.reports.selectors import dashboard_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world: World) -> dict[str, int]:
    placed = {"community_a1": 3, "community_a2": 1, "community_b1": 2, "other_community": 4}
    for attr, n in placed.items():
        ElderFactory.create_batch(n, area=world.areas[attr], living_situation="alone")
    rebuild()
    return placed


def _children(board: Any) -> dict[str, int]:
    return {c.area.name: c.total for c in board.children}


def test_totals_and_children_follow_the_readers_areas(world: World, registry: dict[str, int]) -> None:
    a = world.areas
    district = dashboard_for(world.alice, a.district)
    assert district.figures.total == 6  # the other district's four are not alice's
    assert _children(district) == {a.street_a.name: 4, a.street_b.name: 2}
    assert district.figures.groups["alone"] == 6
    street = dashboard_for(world.bob, a.street_a)
    assert street.figures.total == 4 == _children(district)[a.street_a.name]
    assert _children(street) == {a.community_a1.name: 3, a.community_a2.name: 1}
    # Asked for the district, bob still gets only street A's elders.
    assert dashboard_for(world.bob, a.district).figures.total == 4
    assert dashboard_for(world.dave, a.street_a).figures.total == 3


def test_the_page_shows_the_readers_part_and_breadcrumbs_within_reach(
    client: Client, world: World, registry: dict[str, int]
) -> None:
    a = world.areas
    client.force_login(world.bob)
    page = client.get(reverse("reports:dashboard"), {"area": a.community_a1.path}).content.decode()
    assert f'href="?area={a.street_a.path}"' in page  # his street, above the community
    assert f'href="?area={a.district.path}"' not in page  # the district is not his to open
    assert client.get(reverse("reports:dashboard"), {"area": a.district.path}).status_code == 404
    client.force_login(world.alice)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert a.street_a.name in page and a.street_b.name in page and a.other_street.name not in page
    client.force_login(world.frank)  # provider staff: no elder statistics at all
    assert client.get(reverse("reports:dashboard")).status_code == 403
