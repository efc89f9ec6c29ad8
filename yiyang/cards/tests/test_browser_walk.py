"""The 优待证 and 银龄安康 walk of issue 17 in a real browser ("Done means").

A community worker, on a phone, opens an elder's page, issues her 优待证 and prints it (a PDF with
the card in Chinese); the district sees 银龄安康 coverage by street against the county's target, and
each figure opens the elders behind it; the dashboard compares the streets.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from yiyang.cards.models import Card
from yiyang.cards.tests.factories import make_elder, make_enrolment
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot
from yiyang.people.stats import rebuild

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def contexts(browser: Any, traffic: Traffic) -> Iterator[Any]:
    made: list[Any] = []

    def new(**options: Any) -> Any:
        context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
        context.set_default_timeout(30_000)  # a shared, loaded machine
        made.append(context)
        pg = context.new_page()
        pg.on("request", lambda r: traffic.urls.append(r.url))
        pg.on("response", lambda r: traffic.response(r))
        pg.on("requestfailed", lambda r: traffic.failed(r))
        pg.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
        return pg

    yield new
    for context in made:
        context.close()


def test_an_elder_gets_a_card_and_the_district_sees_coverage(
    live_server: Any, traffic: Traffic, contexts: Any, world: World
) -> None:
    from pypdf import PdfReader

    elder = make_elder(name="孙桂兰", age=72, area=world.areas.community_a1)
    for i in range(5):  # street A: 3 of 7 insured; street B: 1 of 4
        other = make_elder(area=world.areas.community_a1, age=70 + i)
        if i < 3:
            make_enrolment(world.areas.community_a1, elder=other)
    make_elder(area=world.areas.community_a2, age=81)
    for i in range(4):
        other = make_elder(area=world.areas.community_b1, age=66 + i)
        if i == 0:
            make_enrolment(world.areas.community_b1, elder=other)
    rebuild()

    # 1. The community worker, on her phone, issues the card from the elder's page and prints it.
    phone = contexts(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, live_server, "dave", PASSWORD)
    phone.goto(f"{live_server.url}/people/elders/{elder.pk}/")
    phone.get_by_role("link", name="发放优待证").first.click()
    phone.wait_for_url("**/cards/issue/**")
    phone.get_by_role("button", name="发证").click()
    phone.locator("#card-number").wait_for()
    card = Card.objects.get(elder=elder)
    assert card.number in phone.locator("#card-number").inner_text()
    shot(phone, "cards-issued-phone")
    href = phone.locator("#card-pdf").get_attribute("href")
    response = phone.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "孙桂兰" in text and card.number in text and "凭证享受老年人优待服务" in text

    # 2. The district sees 银龄安康 coverage by street against the target, each figure opening its elders.
    admin = contexts(viewport={"width": 1280, "height": 900})
    login(admin, live_server, "alice", PASSWORD)
    admin.goto(f"{live_server.url}/cards/insurance/coverage/")
    table = admin.locator("#coverage-table")
    row_a = table.locator("tbody tr", has_text=world.areas.street_a.name)
    row_b = table.locator("tbody tr", has_text=world.areas.street_b.name)
    assert "42.9%" in row_a.inner_text() and "25.0%" in row_b.inner_text()
    assert "50.00%" in admin.locator("#coverage-target").inner_text()
    shot(admin, "cards-coverage-by-street")
    row_a.locator("a").nth(1).click()  # the insured of street A
    admin.locator("#enrolment-table").wait_for()
    assert admin.locator("#enrolment-table tbody tr").count() == 3

    # 3. The dashboard compares the streets.
    admin.goto(f"{live_server.url}/reports/dashboard/?area={world.areas.district.path}")
    admin.locator("text=银龄安康今年参保率").first.wait_for()
    shot(admin, "cards-dashboard")
    from urllib.parse import quote

    ours = [f for f in traffic.failures if "/cards/" in f or quote("优待证") in f]
    assert not ours and not traffic.errors, (ours, traffic.errors)
    assert not traffic.foreign(live_server.url)
    assert timezone.localdate().year >= 2026
