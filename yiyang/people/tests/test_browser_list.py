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
