"""A care worker's day on a 375 px phone, and an auditor reading the log (issue 11, items 10 and 11).

The care worker logs in and lands on the visits of the day (not on the desktop registry), checks in
and out with the large buttons (the phone gives its position), has the elder sign, and sees the visit
verified. Nothing on the page is wider than the phone. The auditor logs in, lands on the audit log
and reads a change in words. Screenshots go to /tmp/yiyang-shots/.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import CHROMIUM, Traffic, login, shot
from yiyang.services.models import Visit, WorkOrder
from yiyang.services.tests import factories as sf

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser: Any, live_server: Any, transactional_db: None, traffic: Traffic) -> Any:
    """A phone that shares its position: the elder's door, where the care worker stands."""
    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": sf.HOME[0], "longitude": sf.HOME[1], "accuracy": 10},
        permissions=["geolocation"],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("response", lambda r: traffic.response(r))
    page.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def day(transactional_db: None, world: World) -> dict[str, Any]:
    item = sf.item()
    provider = sf.provider(items=[item])
    account = sf.staff(provider, "qianxiuying")
    worker = sf.worker(provider, user=account, name="钱秀英")
    elder = sf.elder(world.areas.community_a1)
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(23)))
    order = sf.assigned(world.erin, provider, worker, e=elder, i=item, start=start)
    return {"user": account, "order": order, "elder": elder}


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def _big(page: Any, name: str) -> Any:
    button = page.get_by_role("button", name=name)
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300, (name, box)
    return button


def test_a_care_worker_does_the_days_visit_on_a_phone(
    phone: Any, live_server: Any, day: dict[str, Any], traffic: Traffic
) -> None:
    assert CHROMIUM.exists()
    login(phone, live_server, "qianxiuying", PASSWORD)
    assert phone.url.endswith("/services/visits/"), phone.url  # landed on the visits of the day
    card = phone.locator(".visit-card")
    assert card.count() == 1
    assert day["elder"].name in card.inner_text()
    _fits(phone)
    shot(phone, "care-worker-1-today")

    _big(phone, "到达签到").click()
    phone.wait_for_url("**/services/visits/")
    phone.get_by_role("button", name="服务完成签退").wait_for()
    order = WorkOrder.objects.get(pk=day["order"].pk)
    assert order.status == "in_progress"
    visit = Visit.objects.get(work_order=order)
    assert visit.checkin_distance is not None and visit.checkin_distance < 50  # the phone's position
    shot(phone, "care-worker-2-checked-in")

    _big(phone, "服务完成签退").click()
    phone.wait_for_url("**/services/visits/")
    phone.get_by_role("link", name="请老人签字确认").click()
    pad = phone.locator("#pad")
    pad.wait_for()
    box = pad.bounding_box()
    assert box is not None
    phone.mouse.move(box["x"] + 20, box["y"] + 40)
    phone.mouse.down()
    phone.mouse.move(box["x"] + 150, box["y"] + 100, steps=8)
    phone.mouse.move(box["x"] + 250, box["y"] + 50, steps=8)
    phone.mouse.up()
    _fits(phone)
    phone.get_by_role("button", name="确认签字").click()
    phone.locator("#verified").wait_for()
    assert Visit.objects.get(pk=visit.pk).verified

    phone.get_by_role("link", name="返回列表").click()
    phone.wait_for_url("**/services/visits/")
    assert phone.locator("#no-visits").is_visible()
    assert day["elder"].name in phone.locator(".list-group").inner_text()  # 今日已核验
    _fits(phone)
    shot(phone, "care-worker-3-done")
    assert traffic.failures == [] and traffic.errors == []


def test_an_auditor_lands_on_the_log_and_reads_it(
    page: Any, live_server: Any, world: World, day: dict[str, Any], traffic: Traffic
) -> None:
    login(page, live_server, "grace", PASSWORD)
    assert page.url.endswith("/audit/changes/"), page.url
    text = page.locator("#results").inner_text()
    assert "工单" in text and "services.workorder" not in text
    assert "热线坐席" in text  # erin took the order in: her role, not a code
    page.locator("#id_object_type").select_option("services.workorder")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**object_type=services.workorder**")
    assert "派单" in page.locator("#results").inner_text()
    shot(page, "auditor-log")
    assert traffic.failures == [] and traffic.errors == []
