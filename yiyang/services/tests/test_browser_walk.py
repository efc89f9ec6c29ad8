"""The home-service walk of issue 3 in a real browser ("Done means").

A hotline operator finds the elder by pinyin and takes the request; dispatches it to the suggested
provider and worker; the worker, on a phone-sized screen with the browser's position at the elder's
home, checks in (late), checks out and gets the elder's drawn signature; the late visit shows in the
exceptions queue and is cleared; the district generates the provider's monthly settlement, whose
total adds up on the page, and its print link answers with a PDF.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.testing import PASSWORD, World, earlier_today
from yiyang.core.testing_browser import TIMEOUT_MS, Traffic, login, shot
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.actions.visits import visit_check_in, visit_check_out, visit_sign_off
from yiyang.services.models import Entitlement, ServiceException, Settlement, Visit, WorkOrder
from yiyang.services.tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def contexts(browser: Any, traffic: Traffic) -> Iterator[Any]:
    """A factory of browser contexts (one per person), each reporting into ``traffic``."""
    made: list[Any] = []

    def new(**options: Any) -> Any:
        context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        pg = context.new_page()
        pg.on("request", lambda r: traffic.urls.append(r.url))
        pg.on("response", lambda r: traffic.response(r))
        pg.on("requestfailed", lambda r: traffic.failed(r))
        pg.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
        pg.on("console", traffic.console)
        return pg

    yield new
    for context in made:
        context.close()


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def test_request_to_settlement(
    page: Any, live_server: Any, traffic: Traffic, contexts: Any, world: World
) -> None:
    # A per-visit government-purchased item, a provider under agreement, a qualified worker with a
    # phone login, and an elder with an entitlement (10 % co-payment) living at f.HOME.
    item = f.item("FW21", category="cleaning", unit="visit", price="50.00", min_minutes=0)
    provider = f.provider(items=[item], name="颐康居家服务中心")
    worker_login = f.staff(provider, "qian_xy")
    f.worker(provider, user=worker_login, name="钱秀英")
    elder: Any = ElderFactory(name="钱桂英", age=82, area=world.areas.community_a1)
    elder.latitude, elder.longitude = f.HOME
    elder.save()
    Entitlement.objects.create(
        elder=elder, unit="amount", monthly_quota=Decimal("500"), copay_rate=Decimal("0.1"),
        valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    # An earlier visit this month, verified through the actions, so the settlement has two lines.
    # (Within this month even in its first hours: the settlement below is for the current month.
    # By a colleague, so that it never overlaps the visit below, which would hold it back.)
    month_start = timezone.localtime().replace(day=1, hour=0, minute=5, second=0, microsecond=0)
    before = max(timezone.now() - datetime.timedelta(hours=3), month_start)
    colleague_login = f.staff(provider, "sun_lh")
    colleague = f.worker(provider, user=colleague_login, name="孙丽华")
    earlier = f.assigned(world.erin, provider, colleague, e=elder, i=item, start=before)
    v = visit_check_in(
        order=earlier,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=earlier.scheduled_start,
        actor=colleague_login,
    )
    v = visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=earlier.scheduled_start + datetime.timedelta(minutes=60),
        actor=colleague_login,
    )
    visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=colleague_login)  # fmt: skip

    # 1. The hotline operator takes the call: finds the elder by pinyin, records the request for
    #    45 minutes ago (the caller says the helper has not come), so the visit will be late.
    login(page, live_server, "erin", PASSWORD)
    page.goto(f"{live_server.url}/services/work-orders/add/")
    page.get_by_label("查找老人").fill("qiangui")
    page.get_by_role("button", name="查找").click()
    row = page.locator("#elder-results tbody tr", has_text="钱桂英")
    assert elder.id_number_masked in row.inner_text() and elder.id_number not in page.content()
    row.get_by_role("link", name="选择").click()
    page.get_by_label("服务项目").select_option(str(item.pk))
    page.get_by_label("来源").select_option("hotline")
    start = earlier_today(45)  # on today's list, also just after midnight
    page.get_by_label("预约时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("来电/申请人").fill("女儿 王丽")
    page.get_by_role("button", name="受理").click()
    page.wait_for_url(re.compile(r"/services/work-orders/\d+/$"))
    order = WorkOrder.objects.exclude(pk=earlier.pk).get(elder=elder)
    assert page.locator("#order-status").inner_text() == "待派单"

    # 2. Dispatch to the suggested provider and worker in one click.
    suggestion = page.locator("#dispatch tr", has_text="钱秀英")
    assert "颐康居家服务中心" in suggestion.inner_text()
    suggestion.get_by_role("button", name="派给TA").click()
    page.wait_for_load_state()
    assert page.locator("#order-status").inner_text() == "已派人"
    shot(page, "services-dispatched")

    # 3. The worker's phone, at the elder's home, with location permission granted.
    phone = contexts(
        viewport=PHONE, is_mobile=True, has_touch=True, permissions=["geolocation"],
        geolocation={"latitude": f.HOME[0], "longitude": f.HOME[1], "accuracy": 15},
    )  # fmt: skip
    login(phone, live_server, "qian_xy", PASSWORD)
    phone.goto(f"{live_server.url}/services/visits/")
    phone.locator("#my-orders a", has_text="钱桂英").click()
    phone.locator("#btn-checkin").click()
    phone.get_by_text("已于").wait_for()
    assert "距住址 0 米" in phone.locator(".alert-info").inner_text()
    assert "迟到" in phone.inner_text("body")
    phone.get_by_placeholder("服务记录（可选）").fill("打扫厨房、卫生间，更换床单")
    phone.locator("#btn-checkout").click()
    pad = phone.locator("#pad")
    pad.wait_for()
    box = pad.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    phone.mouse.move(box["x"] + 30, box["y"] + 120)
    phone.mouse.down()
    for i in range(1, 12):
        phone.mouse.move(box["x"] + 30 + i * 25, box["y"] + 120 + (30 if i % 2 else -30), steps=3)
    phone.mouse.up()
    phone.locator("#btn-sign").click()
    phone.locator("#verified").wait_for()
    shot(phone, "services-visit-verified-phone")
    visit = Visit.objects.get(work_order=order)
    assert visit.verified and visit.signoff_method == "signature" and visit.signature
    assert visit.checkin_distance is not None and visit.checkin_distance < 1
    assert visit.checkout_latitude == pytest.approx(f.HOME[0])

    # 4. The late visit is in the exceptions queue; the operator checks it and clears it.
    page.goto(f"{live_server.url}/services/exceptions/?status=open")
    late = page.locator("#results tbody tr", has_text=order.number)
    assert "迟到" in late.inner_text() and "待处理" in late.inner_text()
    late.get_by_role("link", name=order.number).click()
    exceptions = page.locator("#exceptions")
    exceptions.locator("select[name=outcome]").select_option("dismissed")
    exceptions.locator("input[name=reason]").fill("回电老人核实：助老员提前电话告知堵车，老人同意")
    exceptions.get_by_role("button", name="处理").click()
    page.wait_for_load_state()
    assert ServiceException.objects.get(work_order=order, kind="late").status == "dismissed"

    # 5. The district generates the month's settlement; the figures add up on the page.
    office = contexts(viewport={"width": 1280, "height": 900})
    login(office, live_server, "alice", PASSWORD)
    office.goto(f"{live_server.url}/services/settlements/")
    office.locator("#generate-month").fill(f"{timezone.localdate():%Y-%m}")
    office.get_by_role("button", name="生成结算单").click()
    office.get_by_text("已生成").wait_for()
    office.locator("#results tbody tr", has_text="颐康居家服务中心").get_by_role("link").click()
    office.locator("#payable").wait_for()
    settlement = Settlement.objects.get(provider=provider)
    assert office.locator("#visit-count").inner_text() == "2"
    cells = office.locator("table tbody tr").all()
    payable = sum((_money(r.locator("td").nth(8).inner_text()) for r in cells), Decimal(0))
    gross = sum((_money(r.locator("td").nth(6).inner_text()) for r in cells), Decimal(0))
    assert len(cells) == 2 and gross == Decimal("100.00")
    assert _money(office.locator("#payable").inner_text()) == payable == Decimal("90.00")
    assert settlement.payable == Decimal("90.00") and settlement.elder_share == Decimal("10.00")
    shot(office, "services-settlement")

    # The print link answers with a PDF (fetched with the office's session).
    href = office.get_by_role("link", name="打印 PDF").get_attribute("href")
    pdf = office.request.get(office.url.split("?")[0] + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    assert traffic.foreign(live_server.url) == [], "pages must load nothing from another host"
    assert traffic.failures == []
    assert traffic.errors == []
