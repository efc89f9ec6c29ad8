"""The home-adaptation walk of issue 17 in a real browser ("Done means").

The street enrols its 低保 households from the registry, surveys one home against the catalogue and
approves the plan within the cap, assigns a contractor; the contractor's worker, on a 375-px phone,
sees only that job, uploads the before and after photos and reports completion with the call device's
serial; the street accepts with the elder's signature and a third party, is refused a payment above
the cap with the reason, pays the plan's amount, and finds the call device in safety's registry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from yiyang.adaptation.demo import ensure_rules, png
from yiyang.adaptation.models import Project
from yiyang.adaptation.tests.factories import make_contractor, make_project
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import PASSWORD, World, make_user
from yiyang.core.testing_browser import Traffic, login, shot
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def contexts(browser: Any, traffic: Traffic) -> Iterator[Any]:
    made: list[Any] = []

    def new(**options: Any) -> Any:
        context = browser.new_context(locale="zh-CN", **options)
        context.set_default_timeout(10_000)
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


def test_dibao_household_from_survey_to_contractor_payment_and_its_call_device_in_safety(
    page: Any, live_server: Any, traffic: Traffic, contexts: Any, world: World, tmp_path: Any
) -> None:
    ensure_rules()
    elder: Any = ElderFactory(
        name="孙桂兰", age=81, area=world.areas.community_a1, address="东市社区幸福路8号"
    )
    CertificationFactory(elder=elder, category="dibao")
    contractor = make_contractor(name="安居")
    worker = make_user("anju", "contractor")
    grant_membership(worker, contractor)
    other = make_project(world.areas.community_a1, contractor=make_contractor(name="别家"), upto="assigned")

    # 1. The street enrols this year's eligible households of 金沙街道 from the registry.
    login(page, live_server, "bob", PASSWORD)
    page.goto(f"{live_server.url}/adaptation/projects/enrol/")
    page.get_by_label("街道/社区").select_option(str(world.areas.street_a.pk))
    page.get_by_role("button", name="纳入").click()
    page.wait_for_url(re.compile(r"/adaptation/projects/\?"))
    row = page.locator("#project-table tbody tr", has_text="孙桂兰")
    assert "低保" in row.inner_text() and "待勘查" in row.inner_text()
    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/adaptation/projects/\d+/$"))
    project = Project.objects.get(elder=elder)
    assert "3,500.00" in page.locator("#project-cap").inner_text()

    # 2. The home survey against the catalogue, within the cap; the street approves.
    page.get_by_label("勘查人").fill("李网格")
    page.get_by_label("勘查情况").fill("卫生间无扶手，地面湿滑，夜间无照明")
    for code, quantity in (("A01", 2), ("A03", 4), ("A04", 2), ("A05", 1), ("A07", 1)):
        page.locator(f"[name=qty_{code}]").fill(str(quantity))
    page.get_by_role("button", name="保存方案").click()
    page.wait_for_load_state()
    assert page.locator("#project-status").inner_text() == "待审批"
    assert "1,290.00" in page.locator("#project-total").inner_text()
    assert "一键呼叫器" in page.locator("#plan").inner_text()
    page.get_by_role("button", name="审批通过").click()
    page.wait_for_load_state()
    page.get_by_label("施工单位").select_option(str(contractor.pk))
    page.get_by_role("button", name="指派").click()
    page.wait_for_load_state()
    assert page.locator("#project-status").inner_text() == "施工中"
    shot(page, "adaptation-assigned")

    # 3. The contractor's worker on a phone: only this job; before and after photos; completion.
    phone = contexts(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, live_server, "anju", PASSWORD)
    phone.goto(f"{live_server.url}/adaptation/projects/")
    listed = phone.locator("#project-table").inner_text()
    assert "孙桂兰" in listed and other.elder.name not in listed
    phone.locator("#project-table").get_by_role("link", name=project.number).click()
    assert "东市社区幸福路8号" in phone.locator("#project-address").inner_text()
    for stage, seed in (("before", 901), ("after", 902)):
        picture = tmp_path / f"{stage}.png"
        picture.write_bytes(png(seed))
        phone.get_by_label("阶段").select_option(stage)
        phone.get_by_label("照片").set_input_files(str(picture))
        phone.get_by_role("button", name="上传", exact=True).click()
        phone.wait_for_load_state()
    assert (
        phone.locator("#before-photos img").count() == 1 and phone.locator("#after-photos img").count() == 1
    )
    assert (
        phone.evaluate("document.querySelector('#after-photos img').naturalWidth") == 8
    )  # served to its reader
    phone.get_by_label("一键呼叫器 设备序列号").fill("SOS-2026-0001")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "adaptation-contractor-phone")
    phone.get_by_role("button", name="报完工").click()
    phone.wait_for_load_state()
    assert phone.locator("#project-status").inner_text() == "待验收"
    assert phone.get_by_role("button", name="验收通过").count() == 0  # never the contractor's to accept

    # 4. Acceptance by the elder and a third party; payment above the cap refused, then the plan paid.
    page.reload()
    page.get_by_label("老人（或家属）已签字确认").check()
    page.get_by_label("验收方").select_option("third_party")
    page.get_by_label("验收单位/人").fill("通州工程质量检测中心")
    page.get_by_role("button", name="验收通过").click()
    page.wait_for_load_state()
    assert page.locator("#project-status").inner_text() == "待付款"
    page.get_by_label("付款金额（元）").fill("3600")
    page.get_by_role("button", name="登记付款").click()
    page.wait_for_load_state()
    assert "付款金额 3,600.00 元超过每户补助上限 3,500.00 元" in page.locator("#pay").inner_text()
    assert page.locator("#project-status").inner_text() == "待付款"
    page.get_by_label("付款金额（元）").fill("1290.00")
    page.get_by_label("付款凭证号").fill("FK2026-001")
    page.get_by_role("button", name="登记付款").click()
    page.wait_for_load_state()
    assert page.locator("#project-status").inner_text() == "已付款"
    assert "1,290.00" in page.locator("#project-payment").inner_text()
    shot(page, "adaptation-paid")

    # 5. The call device installed by the works is in safety's device registry.
    page.goto(f"{live_server.url}/safety/devices/?q=SOS-2026-0001")
    devices = page.locator("table").first.inner_text()
    assert "SOS-2026-0001" in devices and "孙桂兰" in devices and "一键呼叫" in devices
    shot(page, "adaptation-device-in-safety")

    assert not traffic.failures and not traffic.errors, (traffic.failures, traffic.errors)
    assert not traffic.foreign(live_server.url)
