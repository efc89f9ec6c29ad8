"""A community worker fills needs surveys on a 375 px phone, one with the network off; the street sees
the results by community, and a figure opens the list of its elders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import SHOTS, Traffic, login, shot, wait_until
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import surveys
from yiyang.visits.models import RegistryProposal, SurveyAnswer, SurveyResponse
from yiyang.visits.tests.factories import make_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _fill(page: Any, income: str, living: str, services: list[str], danger: str) -> None:
    page.locator("fieldset[data-code=income] input").fill(income)
    page.locator("fieldset[data-code=living]").get_by_text(living, exact=True).click()
    for s in services:
        page.locator("fieldset[data-code=services]").get_by_text(s, exact=True).click()
    page.locator("fieldset[data-code=danger]").get_by_text(danger, exact=True).click()


def test_a_worker_surveys_on_a_phone_and_the_street_sees_results(
    browser: Any, live_server: Any, transactional_db: None
) -> None:
    areas = build_areas()
    worker = make_user("gina", "community_worker", [areas.community_a1], last_name="陈", first_name="社区")
    street = make_user("sam", "street_worker", [areas.street_a], last_name="孙", first_name="街道")
    first = ElderFactory.create(name="吴德福", area=areas.community_a1, living_situation="with_family",
                                address="人民路2号")  # fmt: skip
    second = ElderFactory.create(
        name="郑秀珍", area=areas.community_a1, living_situation="alone", address="人民路12号"
    )
    survey_round = make_round(areas.street_a, name="特殊困难老年人摸底排查")
    assert surveys.round_assign(survey_round=survey_round, actor=street) == 2

    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    context.set_default_timeout(30_000)
    page = context.new_page()
    traffic = Traffic()
    page.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
    try:
        login(page, live_server, worker.username, PASSWORD)
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/visits/surveys/today/")
        wait_until(page, "document.getElementById('survey-app').dataset.cached === '1'")
        assert page.locator(".survey-task").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

        # Offline: the list and the questionnaire still open; the survey waits on the phone.
        context.set_offline(True)
        page.reload()
        assert page.locator("#net-state").inner_text() == "离线"
        page.locator(".survey-task", has_text=first.name).click()
        page.locator("#survey-form").wait_for()
        page.get_by_role("button", name="提交调查").click()  # nothing answered: said, nothing queued
        assert page.locator("fieldset[data-code=income] .error").inner_text() == "必答题"
        assert page.evaluate("JSON.parse(localStorage.getItem('yiyang-survey-queue') || '[]').length") == 0
        _fill(page, "1500", "独居", ["助餐", "助医"], "是")
        assert page.locator("fieldset[data-code=income] .error").inner_text() == ""  # answered: note gone
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        shot(page, "survey-phone-form")
        page.get_by_role("button", name="提交调查").click()
        page.locator("#queue-state").get_by_text("有 1 份调查保存在手机上").wait_for()
        assert SurveyAnswer.objects.count() == 0

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        wait_until(page, "JSON.parse(localStorage.getItem('yiyang-survey-queue') || '[]').length === 0")
        done = SurveyResponse.objects.get(elder=first)
        assert done.status == "done" and done.worker == worker
        assert SurveyAnswer.objects.filter(response=done, question__code="services").count() == 2
        # Living situation differs from the registry: proposed, not written.
        assert RegistryProposal.objects.filter(elder=first, field="living_situation").count() == 1
        first.refresh_from_db()
        assert first.living_situation == "with_family"

        # The phone sends the same survey again (its answer was lost): stored once.
        status = page.evaluate(
            """async ([id, key]) => {
                const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
                const r = await fetch(`/api/v1/visits/surveys/responses/${id}/submit/`, {method: 'POST',
                  credentials: 'same-origin', headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                  body: JSON.stringify({client_key: key, answers: {}})});
                return r.status;
            }""",
            [done.pk, done.client_key],
        )
        assert status == 200
        assert SurveyAnswer.objects.filter(response=done).count() == 5

        # Online: the second elder.
        page.goto(f"{live_server.url}/visits/surveys/today/")
        page.locator(".survey-task", has_text=second.name).click()
        _fill(page, "800", "独居", ["助浴"], "否")
        page.get_by_role("button", name="提交调查").click()
        page.locator("#no-surveys").wait_for()
        assert SurveyResponse.objects.filter(round=survey_round, status="done").count() == 2
        shot(page, "survey-phone-done")
        assert traffic.errors == [], json.dumps(traffic.errors, ensure_ascii=False)
    finally:
        context.close()

    # The street reads the results by community; a figure opens its elders.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        login(page, live_server, street.username, PASSWORD)
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}{survey_round.get_absolute_url()}")
        progress = page.locator("#progress tbody tr", has_text=areas.community_a1.name)
        assert (
            progress.locator("td").nth(1).inner_text() == "2"
            and progress.locator("td").nth(2).inner_text() == "2"
        )
        living = page.locator(".result[data-code=living] tbody tr", has_text=areas.community_a1.name)
        # Each answered question is charted by area (SVG, so it prints); free text is not.
        page.locator("#chart-living svg").wait_for()
        assert page.locator("#chart-note").count() == 0
        shot(page, "survey-street-results")
        living.get_by_role("link", name="2").first.click()
        page.wait_for_load_state("networkidle")
        body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
        assert first.name in body and second.name in body
        shot(page, "survey-street-elders")
        # The results on a phone: charts fit the width; printed, the page is the results alone.
        page.set_viewport_size({"width": 375, "height": 812})
        page.goto(f"{live_server.url}{survey_round.get_absolute_url()}")
        page.locator("#chart-services svg").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.evaluate("document.getElementById('chart-living').getBoundingClientRect().width") <= 375
        shot(page, "survey-street-results-phone")
        page.emulate_media(media="print")
        assert page.locator("#sidebar").is_hidden() and page.locator("#export-results").is_hidden()
        page.pdf(path=str(SHOTS / "survey-results.pdf"), format="A4")
        page.emulate_media(media="screen")
        assert traffic.errors == [], json.dumps(traffic.errors, ensure_ascii=False)
    finally:
        context.close()

    # The district reviewer: the dashboard compares the streets; the pending figure opens the
    # proposals, and accepting one writes the registry (audited in the action).
    district = make_user("dora", "district_admin", [areas.district], last_name="区", first_name="民政")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
    try:
        login(page, live_server, district.username, PASSWORD)
        page.goto(f"{live_server.url}/reports/dashboard/?area={areas.district.path}")
        row = page.locator("tr", has_text=areas.street_a.name).filter(
            has=page.locator("[data-figure='visits.proposals_pending']")
        )
        row.locator("[data-figure='visits.survey_completion']").wait_for()
        assert row.locator("[data-figure='visits.survey_completion']").inner_text().strip() == "100.0%"
        shot(page, "survey-district-dashboard")
        row.locator("[data-figure='visits.proposals_pending'] a").click()
        page.locator("#results").wait_for()
        pending = RegistryProposal.objects.filter(status="pending").count()
        assert page.locator("#results tbody tr").count() == pending
        proposal = page.locator("#results tbody tr", has_text=first.name).first
        proposal.get_by_role("button", name="采纳").click()
        page.wait_for_load_state("networkidle")
        shot(page, "survey-district-proposals")
        first.refresh_from_db()
        assert first.living_situation == "alone"
        assert traffic.errors == [], json.dumps(traffic.errors, ensure_ascii=False)
    finally:
        context.close()
