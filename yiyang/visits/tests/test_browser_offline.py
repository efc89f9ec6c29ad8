"""A grid worker's day on a 375 px phone in Chromium, with the network switched off and on again.

The worker opens 今日走访 (nearest door first from where she stands), the network goes, the page
still opens, she records a visit; nothing reaches the server until the network returns, and then the
visit arrives exactly once — also when the phone sends it again.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import TIMEOUT_MS, Traffic, login, shot, wait_until
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import actions
from yiyang.visits.models import VisitRecord, VisitTask
from yiyang.visits.tests.factories import standard_rules

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HERE = {"latitude": 32.0700, "longitude": 121.0700}


def test_a_visit_recorded_offline_arrives_once(
    browser: Any, live_server: Any, transactional_db: None
) -> None:
    areas = build_areas()
    standard_rules()
    worker = make_user("gina", "community_worker", [areas.grid_a1], last_name="陈", first_name="网格")
    # Three homes along one street east of the worker: the nearest first.
    far = ElderFactory.create(name="周桂兰", area=areas.grid_a1, age=86, living_situation="alone",
                              latitude=32.0700, longitude=121.0760, address="人民路30号")  # fmt: skip
    near = ElderFactory.create(name="吴德福", area=areas.grid_a1, age=88, living_situation="alone",
                               latitude=32.0700, longitude=121.0710, address="人民路2号")  # fmt: skip
    middle = ElderFactory.create(name="郑秀珍", area=areas.grid_a1, age=82, living_situation="alone",
                                 latitude=32.0700, longitude=121.0730, address="人民路12号")  # fmt: skip
    actions.tasks_generate(area=areas.district, month=f"{timezone.localdate():%Y-%m}", actor=None)
    assert VisitTask.objects.filter(assignee=worker).count() == 3

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
        geolocation=HERE, permissions=["geolocation"],
    )  # fmt: skip
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    traffic = Traffic()
    page.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
    try:
        login(page, live_server, worker.username, PASSWORD)
        # The landing page's own requests finish first: the test database (SQLite, shared cache)
        # refuses two session writes at once.
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/visits/today/")
        # The page loads the list, then makes itself available offline, one request after another.
        wait_until(page, "document.getElementById('visits-app').dataset.cached === '1'")
        page.get_by_role("button", name="按我的位置排路线").click()
        wait_until(page, "document.querySelectorAll('#task-list .task').length === 3")
        wait_until(
            page,
            "[...document.querySelectorAll('#task-list .task strong')].map(e => e.textContent).join() === '吴德福,郑秀珍,周桂兰'",
        )
        names = page.locator("#task-list .task strong").all_inner_texts()
        assert names == [near.name, middle.name, far.name]
        # Large buttons and nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.locator("#task-list .task").first.bounding_box()["height"] >= 60

        context.set_offline(True)
        page.reload()
        wait_until(page, "document.querySelectorAll('#task-list .task').length === 3")
        assert page.locator("#net-state").inner_text() == "离线"

        page.locator("#task-list .task").first.click()
        page.get_by_role("button", name="到达签到").click()
        wait_until(page, "document.getElementById('checkin-state').textContent.includes('32.07')")
        page.get_by_text("见到老人本人").click()
        page.locator("[data-name=health]").get_by_text("良好").click()
        page.locator("[data-name=mood]").get_by_text("平稳").click()
        page.locator("#hazards").fill("浴室地滑")
        page.get_by_text("老人签字").click()
        page.locator("#signer_name").fill(near.name)
        shot(page, "visits-offline-form")
        page.get_by_role("button", name="提交走访记录").click()
        page.locator("#queue-state").get_by_text("有 1 条走访记录保存在手机上").wait_for()
        assert VisitRecord.objects.count() == 0

        context.set_offline(False)
        page.locator("#sent-state").get_by_text(f"走访记录已上传：{near.name}").wait_for()
        record = VisitRecord.objects.get()
        assert (record.elder_id, record.seen, record.hazards, record.signer_name) == (
            near.pk, "elder", "浴室地滑", near.name,
        )  # fmt: skip
        assert record.latitude == pytest.approx(HERE["latitude"]) and record.worker == worker
        assert page.evaluate("window.visitsApp.queue().length") == 0
        wait_until(page, "document.querySelectorAll('#task-list .task').length === 2")

        # The phone sends the same visit again (its answer was lost): stored once.
        status = page.evaluate(
            """async ([task, key]) => {
                const csrf = document.querySelector('input[name=csrfmiddlewaretoken]').value;
                const r = await fetch(`/api/v1/visits/tasks/${task}/record/`, {method: 'POST', credentials: 'same-origin',
                  headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                  body: JSON.stringify({client_key: key, seen: 'elder', signed_by: 'elder', signer_name: 'x'})});
                return r.status;
            }""",
            [record.task_id, record.client_key],
        )
        assert status == 200
        assert VisitRecord.objects.count() == 1
        assert VisitTask.objects.get(pk=record.task_id).status == "done"
        shot(page, "visits-online-again")
        assert traffic.errors == [], json.dumps(traffic.errors, ensure_ascii=False)
    finally:
        context.close()
