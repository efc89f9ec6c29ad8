"""The hotline operator's walk in a real browser: the simulator raises an SOS over HTTP, the alarm
appears on the live board with a beep, the operator acknowledges, calls the elder and the contacts in
order, dispatches the grid worker, records the arrival, closes it, and reads the times on the
service-level page."""

from __future__ import annotations

from typing import Any

import pytest

from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import Traffic, login, shot, wait_until
from yiyang.safety.ingest import ingest
from yiyang.safety.models import Alarm
from yiyang.safety.simulator import HttpSink, Simulator
from yiyang.safety.tests.factories import make_contact, make_device, make_elder, make_surge, message

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_sos_to_closed_on_the_board(page: Any, live_server: Any, traffic: Traffic) -> None:
    from rest_framework.authtoken.models import Token

    areas = build_areas()
    operator = make_user("hotline1", "hotline_operator", [areas.district], last_name="季", first_name="婷婷")
    make_user("grid1", "community_worker", [areas.community_a1], last_name="施", first_name="丽华")
    elder = make_elder(
        area=areas.community_a1, name="顾桂英", age=86, living_situation="alone", health="高血压，服用降压药"
    )
    son = make_contact(elder=elder, name="陆建国", priority=1, phone="13900001111")
    neighbour = make_contact(
        elder=elder, name="朱秀兰", relation="neighbour", priority=2, is_keyholder=True, phone="13900002222"
    )
    device = make_device(elder=elder, kind="sos_button", serial="TZ-SOS-0001")
    token = Token.objects.create(user=operator).key

    login(page, live_server, operator.username, PASSWORD)
    page.goto(f"{live_server.url}/safety/board/")
    page.locator("#board-counts").wait_for()
    assert page.locator("[data-alarm-id]").count() == 0

    # The simulator presses the SOS button through the HTTP endpoint, as a device platform would.
    sim = Simulator([[(device.serial, device.kind)]])
    HttpSink(live_server.url, token)([sim.sos_message()])
    alarm = Alarm.objects.get(device=device)
    item = page.locator(f'[data-alarm-id="{alarm.pk}"]')
    item.wait_for(timeout=5_000)
    assert item.get_attribute("data-status") == "new"
    wait_until(page, "window.yiyangBoard && window.yiyangBoard.beeps >= 1")
    shot(page, "safety-board-new-alarm")

    # The panel: masked ID, masked contacts, the key-holder, and nothing in clear.
    item.click()
    panel = page.locator("#alarm-panel")
    panel.locator(f"#panel-{alarm.pk}").wait_for()
    text = panel.inner_text()
    assert elder.id_number_masked in text and elder.id_number not in page.content()
    assert "13900002222" not in page.content() and "高血压" not in page.content()
    assert "朱秀兰（邻居）" in panel.locator("dd").nth(7).inner_text()

    panel.locator("#btn-ack").click()
    wait_until(page, "document.querySelector('#panel-status').innerText === '已接警'")

    def call(callee: str, outcome: str) -> None:
        before = panel.locator("#call-log tbody tr").count()
        panel.locator(f'[data-callee="{callee}"] button[value="{outcome}"]').click()
        wait_until(page, f"document.querySelectorAll('#call-log tbody tr').length === {before + 1}")

    call("elder", "no_answer")
    call(f"contact-{son.pk}", "no_answer")
    # Reveal the key-holder's number to dial it: logged with the alarm as the reason.
    panel.locator(f'[data-callee="contact-{neighbour.pk}"] button[title="查看明文并记录"]').click()
    page.locator(f"#contact-phone-{neighbour.pk} .revealed").wait_for()
    call(f"contact-{neighbour.pk}", "reached")
    rows = panel.locator("#call-log tbody tr").all_inner_texts()
    assert [r.split("\t")[1].split("（")[0] for r in rows] == ["顾桂英", "陆建国", "朱秀兰"]

    panel.locator("select[name=target]").select_option("grid_worker")
    assert "施丽华" in panel.locator("input[name=to]").input_value()
    panel.locator("#btn-dispatch").click()
    wait_until(page, "document.querySelector('#panel-status').innerText === '已派遣'")
    panel.locator("#btn-arrive").click()
    wait_until(page, "document.querySelector('#panel-status').innerText === '已到场'")
    panel.locator("select[name=outcome]").select_option("real")
    panel.locator("input[name=notes]").fill("老人卧室摔倒，网格员到场扶起，无外伤，已通知儿子")
    panel.locator("#btn-close").click()
    wait_until(page, "document.querySelector('#panel-status').innerText === '已关闭'")
    wait_until(page, f"document.querySelector('[data-alarm-id=\"{alarm.pk}\"]').dataset.status === 'closed'")
    shot(page, "safety-board-closed")

    alarm.refresh_from_db()
    assert alarm.status == "closed" and alarm.outcome == "real"
    assert alarm.acknowledged_at and alarm.reached_at and alarm.on_site_at

    # The service-level page shows this alarm's times for 金沙街道.
    page.goto(f"{live_server.url}/safety/sla/")
    table = page.locator("#sla-table").inner_text()
    assert "金沙街道" in table and "合计" in table
    street_row = page.locator("#sla-table tbody tr", has_text="金沙街道").inner_text()
    assert "100%（1/1）" in street_row and "秒" in street_row
    page.locator("#sla-chart canvas").wait_for()
    shot(page, "safety-sla")

    # A phone-sized screen still shows the board.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/safety/board/")
    page.locator(f'[data-alarm-id="{alarm.pk}"]').wait_for()

    assert traffic.foreign(live_server.url) == [], "pages must load nothing from another host"
    assert traffic.failures == []
    assert traffic.errors == []


def test_a_surge_of_300_alarms(page: Any, live_server: Any, traffic: Traffic) -> None:
    """Exact counts, the urgent first, every alarm reachable with "显示更多", and the board still
    refreshes itself (keeping what the operator asked to see) while the surge goes on."""
    areas = build_areas()
    make_user("hotline2", "hotline_operator", [areas.district])
    elders = [make_elder(area=areas.community_a1) for _ in range(10)]
    surge = make_surge(elders, 300)
    newest_follow_up = max(a.pk for a in surge if a.severity == "follow_up")

    login(page, live_server, "hotline2", PASSWORD)
    page.goto(f"{live_server.url}/safety/board/")
    counts = page.locator("#board-counts")
    counts.wait_for()
    assert counts.locator("[data-count-new]").inner_text() == "待接警 270"
    assert counts.locator("[data-count-handling]").inner_text() == "处理中 30"
    items = page.locator("[data-alarm-id]")
    assert items.count() == 100
    assert set(items.evaluate_all("els => els.map(e => e.dataset.severity)")) == {"urgent"}
    shot(page, "safety-board-surge")

    page.locator("#board-more").click()
    wait_until(page, "document.querySelectorAll('[data-alarm-id]').length === 200")
    page.locator("#board-more").click()
    wait_until(page, "document.querySelectorAll('[data-alarm-id]').length === 300")
    assert page.locator("#board-more").count() == 0
    last = page.locator(f'[data-alarm-id="{newest_follow_up}"]')
    assert last.get_attribute("data-severity") == "follow_up"
    assert items.nth(299).get_attribute("data-alarm-id") == str(newest_follow_up)

    # A new SOS during the surge: the next refresh counts and shows it among the urgent, keeps the
    # 300 rows the operator asked for (not back to 100), and offers the one pushed past them.
    device = make_device(elder=elders[0], kind="sos_button", serial="TZ-SOS-0301")
    ingest(message(device.serial, "sos"))
    fresh = Alarm.objects.get(device=device)
    page.locator(f'[data-alarm-id="{fresh.pk}"]').wait_for(timeout=5_000)
    page.locator("#board-more").wait_for()
    assert items.count() == 300
    assert page.locator("#board-more").inner_text() == "显示更多（还有 1 条）"
    assert counts.locator("[data-count-new]").inner_text() == "待接警 271"
    # The urgent newcomer sits after the older urgent alarms, before every follow-up.
    order = items.evaluate_all("els => els.map(e => e.dataset.alarmId)")
    assert order.index(str(fresh.pk)) == 100
    page.locator("#board-more").click()
    page.locator(f'[data-alarm-id="{newest_follow_up}"]').wait_for()
    assert page.locator("#board-more").count() == 0
    page.locator(f'[data-alarm-id="{newest_follow_up}"]').scroll_into_view_if_needed()
    shot(page, "safety-board-surge-all")

    assert traffic.failures == [] and traffic.errors == []
