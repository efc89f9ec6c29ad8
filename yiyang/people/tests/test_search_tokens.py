"""A search by a full ID number or phone never puts the number in a URL, the access log or a log line
(issue 18 item 1): pages redirect to an opaque token, the API refuses the clear term and issues
tokens, the access log keeps only tokens, and a token read back finds the person."""

from __future__ import annotations

import datetime
import logging
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from yiyang.core import audit, search_tokens
from yiyang.core.audit_reading import query_text
from yiyang.core.idnumber import make_id_number
from yiyang.core.models import AccessLog
from yiyang.core.testing import World
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory

LIST = "people:elder_list"


@pytest.fixture
def li(world: World) -> Elder:
    return ElderFactory.create(
        name="李四",
        area=world.areas.community_a1,
        phone="13800008888",
        id_number=make_id_number("320612", datetime.date(1950, 3, 2), 203),
    )


def _names(response: Any) -> set[str]:
    assert response.status_code == 200
    return {e.name for e in response.context["table"].data.data}


@pytest.mark.parametrize("term", ["id", "phone", "spaced phone"])
def test_a_page_search_by_a_full_identifier_is_redirected_to_a_token(
    client: Client, world: World, li: Elder, term: str, caplog: pytest.LogCaptureFixture
) -> None:
    value = {"id": li.id_number, "phone": "13800008888", "spaced phone": "138 0000 8888"}[term]
    client.force_login(world.bob)
    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse(LIST), {"q": value, "sex": ""})
        assert response.status_code == 303
        location = response["Location"]
        digits = value.replace(" ", "")
        assert digits not in location and li.id_number not in location
        token = dict(parse_qsl(urlsplit(location).query))["q"]
        assert search_tokens.is_token(token)
        found = client.get(location)
    assert _names(found) == {"李四"}
    # the table's links (sorting, pages) carry the token, never the number
    assert digits not in found.content.decode().split('id="results"')[1].split("<input")[0]
    assert all(digits not in r.getMessage() for r in caplog.records)


def test_tokens_are_opaque_fresh_and_expire(world: World, li: Elder) -> None:
    first, second = search_tokens.issue(li.id_number), search_tokens.issue(li.id_number)
    assert first != second  # two searches for one person cannot be linked by their URLs
    assert li.id_number not in first and li.id_number[-4:] not in first
    assert search_tokens.reveal(first) == li.id_number
    stale = search_tokens.issue(li.id_number, now=1_000_000.0)
    assert search_tokens.reveal(stale) == search_tokens.EXPIRED
    forged = first[:-4] + ("AAAA" if not first.endswith("AAAA") else "BBBB")
    assert search_tokens.reveal(forged) == search_tokens.EXPIRED
    assert not Elder.objects.filter(
        __import__("yiyang.people.selectors", fromlist=["x"]).elder_search_q(stale)
    ).exists()


def test_only_search_terms_are_tokenised(client: Client, world: World) -> None:
    """An area path or a date of other parameters is left alone; short digits stay a tail search."""
    client.force_login(world.bob)
    assert client.get(reverse(LIST), {"q": "8888", "area": "320612001001"}).status_code == 200
    assert search_tokens.identifying("0516-83881234")
    assert search_tokens.identifying("１３８００００８８８８")  # full-width digits
    assert not search_tokens.identifying("张三")
    assert not search_tokens.identifying("1234")


def test_the_access_log_of_an_export_keeps_no_identifier(client: Client, world: World, li: Elder) -> None:
    client.force_login(world.alice)
    token = search_tokens.issue(li.id_number)
    response = client.get(reverse(LIST), {"q": token, "export": "xlsx"})
    assert response.status_code == 200
    log = AccessLog.objects.get(kind="export")
    assert log.row_count == 1
    assert li.id_number not in log.query and token in log.query
    assert li.id_number not in query_text(log.query) and "不显示" in query_text(log.query)


def test_a_clear_identifier_handed_to_the_access_log_is_concealed(world: World, li: Elder) -> None:
    """The command line (``export_elders --query``) and any other caller: concealed on the way in."""
    entry = audit.record_access(
        actor=world.alice,
        kind=AccessLog.Kind.EXPORT,
        object_type="people.elder",
        query=f"q={li.id_number}&sex=F",
    )
    assert li.id_number not in entry.query and "sex=F" in entry.query


def test_the_api_refuses_a_clear_identifier_and_issues_tokens(world: World, li: Elder) -> None:
    api = APIClient()
    api.force_authenticate(world.alice)
    url = "/api/v1/people/elders/"
    refused = api.get(url, {"q": li.id_number})
    assert refused.status_code == 400 and refused.json()["code"] == "identifier_in_url"
    issued = api.post("/api/v1/search-tokens/", {"q": li.id_number}, format="json")
    assert issued.status_code == 200
    token = issued.json()["token"]
    found = api.get(url, {"q": token})
    assert found.status_code == 200
    assert [row["name"] for row in found.json()["results"]] == ["李四"]
    assert APIClient().post("/api/v1/search-tokens/", {"q": "1"}, format="json").status_code in (401, 403)
