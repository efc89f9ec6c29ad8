"""The elder list as a street worker reads it on a 375-pixel phone, filtered as they filter it.

Every row on one line, the table scrolling in its card (not a character per line, not the page
scrolling sideways), the exact count of those living alone, and the last page reachable.
"""

from __future__ import annotations

from typing import Any

import pytest

from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot
from yiyang.people.choices import LivingSituation
from yiyang.people.tests.factories import ElderFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PHONE = {"width": 375, "height": 812}


def test_a_street_worker_reads_the_filtered_list_on_a_phone(
    browser: Any, live_server: Any, transactional_db: None, traffic: Traffic, world: World
) -> None:
    ElderFactory.create_batch(53, area=world.areas.community_a1, living_situation=LivingSituation.ALONE)
    ElderFactory.create_batch(4, area=world.areas.community_a1, living_situation=LivingSituation.WITH_FAMILY)
    ElderFactory.create_batch(3, area=world.areas.community_b1, living_situation=LivingSituation.ALONE)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("response", lambda r: traffic.response(r))
    login(page, live_server, world.bob.username, PASSWORD)

    page.goto(f"{live_server.url}/people/elders/?living_situation=alone")
    assert "共 53 条" in page.locator("#results").inner_text()  # street A's, not B's
    layout = page.evaluate(
        """() => {
          const box = document.querySelector('#results .table-responsive');
          const cell = box.querySelector('tbody td');
          return {page: document.documentElement.scrollWidth, box: box.clientWidth, table: box.scrollWidth,
                  cell: cell.getBoundingClientRect().height,
                  line: parseFloat(getComputedStyle(cell).lineHeight)};
        }"""
    )
    shot(page, "people-list-phone")
    assert layout["page"] == PHONE["width"], layout  # the page itself does not scroll sideways
    assert layout["table"] > layout["box"], layout  # the table does, in its card
    assert layout["cell"] < 2 * layout["line"] + 16, layout  # a name on one line (padding aside)

    page.goto(f"{live_server.url}/people/elders/?living_situation=alone&page=2")
    assert page.locator("#results tbody tr").count() == 3
    assert traffic.failures == []
    context.close()


def test_a_street_worker_searching_on_a_phone_is_told_why_too_few_digits_find_nobody(
    browser: Any, live_server: Any, transactional_db: None, traffic: Traffic, world: World
) -> None:
    """The search box submits through htmx, which swaps the results alone: the reason is there."""
    ElderFactory.create(area=world.areas.community_a1, name="王松")
    ElderFactory.create(area=world.areas.community_a2, name="吴山")
    ElderFactory.create(area=world.areas.community_b1, name="魏思")  # street B: not bob's
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("response", lambda r: traffic.response(r))
    login(page, live_server, world.bob.username, PASSWORD)
    page.goto(f"{live_server.url}/people/elders/")

    page.fill("#id_q", "12")
    page.locator("#id_q").press("Enter")
    alert = page.locator("#results [role=alert]")
    alert.wait_for()
    assert "后 4 位" in alert.inner_text()
    assert "共 0 条" in page.locator("#results").inner_text()
    shot(page, "people-search-digits-phone")

    page.fill("#id_q", "w")
    page.locator("#id_q").press("Enter")
    page.wait_for_function("() => !document.querySelector('#results [role=alert]')")
    assert "共 2 条" in page.locator("#results").inner_text()  # 王松 and 吴山: street A's
    assert page.locator("#results tbody tr").count() == 2
    assert traffic.failures == []
    context.close()
