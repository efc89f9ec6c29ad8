"""In a real browser, in Chinese: an edit form shows its dates and saves unchanged (issue 11, item 2),
and the page's number formatting (numbers.js, for the charts) speaks the page's language (item 14)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from tests.test_edit_round_trip import records_for
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize(
    "url_name", ["services:recurringplan_edit", "people:elder_edit", "people:certification_edit"]
)
def test_dates_show_and_the_form_saves_unchanged(
    page: Any, live_server: Any, transactional_db: None, world: World, traffic: Traffic, url_name: str
) -> None:
    url = records_for(world, url_name)[0].url
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}{url}")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    dates = page.locator("form.card input[type=date]")
    shown = [dates.nth(i).input_value() for i in range(dates.count())]
    assert shown and any(shown), f"{url}: every date input is blank: {shown}"
    assert all(ISO.fullmatch(v) for v in shown if v), shown
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(lambda u: u.rstrip("/") != f"{live_server.url}{url}".rstrip("/"))
    assert "已保存" in page.content()
    assert not traffic.errors, traffic.errors


def test_chart_numbers_follow_the_page_language(
    page: Any, live_server: Any, transactional_db: None, world: World, traffic: Traffic
) -> None:
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/reports/dashboard/")
    assert page.evaluate("yiyangNumbers.compact(289000)") == "28.9万"
    assert page.evaluate("yiyangNumbers.money(1234.5)") == "1,234.50"
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/reports/dashboard/")
    assert page.evaluate("yiyangNumbers.compact(289000)") == "289k"
    assert page.evaluate("yiyangNumbers.grouped(289000)") == "289,000"
    assert not traffic.errors, traffic.errors
