"""Inputs that were server errors answer as the schema says: a 400, a JSON 404, a capped page."""

from __future__ import annotations

import pytest
from django.test import Client

from yiyang.core.testing import World


@pytest.mark.parametrize(
    "url",
    [
        # Ids past the database's integer range (SQLite refused to bind them: a 500).
        "/api/v1/safety/alarms/?elder=1e300",
        "/api/v1/safety/events/?device=99999999999999999999",
        "/api/v1/benefits/lines/?roll=1.5",
        "/api/v1/assessments/?elder=-1",
        # Ages past the calendar (the birth-date cut-off could not be computed).
        "/api/v1/people/elders/?age_max=-40000000000000000",
        "/api/v1/people/elders/?age_min=100000",
        "/api/v1/assessments/?due=soon&days=99999999999",
        # Undocumented before, and a 500 for a level that is not a number.
        "/api/v1/coverage/results/?level=abc",
    ],
)
def test_out_of_range_filters_are_bad_requests(client: Client, world: World, url: str) -> None:
    client.force_login(world.alice)
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"


def test_a_page_larger_than_the_ceiling_is_capped(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get("/api/v1/areas/", {"limit": str(10**40)})
    assert response.status_code == 200
    assert len(response.json()["results"]) == response.json()["count"] <= 1000


def test_an_api_address_that_matches_nothing_answers_json(client: Client, world: World) -> None:
    client.force_login(world.alice)
    for url in ["/api/v1/safety/alarms/0.5/close/", "/api/v1/no-such-thing/"]:
        response = client.post(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}
    page = client.get("/people/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url", ["/api/v1/safety/alarms/", "/api/v1/services/exceptions/", "/api/v1/benefits/rolls/"]
)
def test_collections_that_cannot_be_created_into_refuse_post_and_do_not_offer_it(
    client: Client, world: World, url: str
) -> None:
    client.force_login(world.alice)
    # 403 where the role may not add such a record at all: DRF checks the permission first.
    assert client.post(url, {}, content_type="application/json").status_code in (403, 405)
    assert "POST" not in client.options(url)["Allow"]
