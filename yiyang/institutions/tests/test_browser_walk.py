"""The issue's "Done means", walked in a real browser.

A home's manager (on a phone) tries to admit an elder who has a GB/T 42195 assessment but no GB 38600
risk assessment and is refused with the reason; records the risk assessment, admits the elder into a
bed, records a fall and sees the risk register go up. The district inspects the home, sets a
rectification deadline and sees it escalate once missed; computes last month's subsidy from
occupancy, has it reviewed and approved; and reads beds per 1,000 elders by street on the dashboard.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from yiyang.assessments.tests.factories import make_assessment
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import Traffic, login, shot, wait_for_record
from yiyang.institutions.models import Finding, Resident, SubsidyRoll, SubsidyRule
from yiyang.institutions.tests.factories import make_bed, make_institution
from yiyang.people.tests.factories import ElderFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_admit_fall_inspect_escalate_subsidy_dashboard(page: Any, live_server: Any, traffic: Traffic) -> None:
    areas = build_areas()
    today = timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # last month
    admitted = month + datetime.timedelta(days=4)
    home = make_institution(areas.community_a1, name="爱心养老院")
    make_institution(areas.community_b1, name="夕阳红养老院")
    bed = make_bed(home, building="1号楼", floor=2, room="201", number="1", kind="nursing")
    manager = make_user("aixin", "institution_staff", last_name="李", first_name="秀英")
    grant_membership(manager, home)
    admin = make_user("quadmin", "district_admin", [areas.district], last_name="周", first_name="明华")
    approver = make_user("juzhang", "district_admin", [areas.district], last_name="王", first_name="局长")
    elder: Any = ElderFactory(name="沈兰英", age=82, area=areas.community_a2)
    make_assessment(elder, total=52, assessed_on=admitted - datetime.timedelta(days=60))
    SubsidyRule.objects.create(name="运营补贴（二级护理）", kind="operating", care_level="level_2",
                               amount=Decimal("200.00"), valid_from=datetime.date(2020, 1, 1))  # fmt: skip

    # -- the manager, on a phone ---------------------------------------------------------------------
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, manager.username, PASSWORD)

    def admit() -> None:
        page.goto(f"{live_server.url}/institutions/residents/admit/")
        page.locator("#id_id_number").fill(elder.id_number)
        page.locator("#id_name").fill("沈兰英")
        page.locator("#id_bed").select_option(str(bed.pk))
        page.locator("#id_admitted_on").fill(f"{admitted:%Y-%m-%d}")
        page.get_by_role("button", name="办理入住").click()
        page.wait_for_load_state()

    admit()
    refused = page.locator("#admit-form").inner_text()
    assert "GB 38600" in refused and "GB/T 42195" not in refused
    assert not Resident.objects.exists()

    page.goto(f"{live_server.url}/institutions/risks/add/")
    page.locator("#id_id_number").fill(elder.id_number)
    page.locator("#id_name").fill("沈兰英")
    page.locator("#id_assessed_on").fill(f"{admitted - datetime.timedelta(days=2):%Y-%m-%d}")
    page.locator("#id_assessor").fill("王护士")
    page.locator("#id_level_fall").select_option("2")
    page.locator("#id_measures_fall").fill("床边加装扶手，夜间留灯")
    page.get_by_role("button", name="保存评估").click()
    wait_for_record(page, "/institutions/risks/")

    admit()
    wait_for_record(page, "/institutions/residents/")
    register = page.locator("#risk-register tr[data-risk='fall']")
    assert "中" in register.inner_text() and "床边加装扶手" in register.inner_text()
    shot(page, "institutions-admitted-phone")

    page.locator("#incidents").get_by_role("link", name="报告安全事件").click()
    page.locator("#id_kind").select_option("fall")
    page.locator("#id_place").fill("卫生间")
    page.locator("#id_harm").select_option("minor")
    page.locator("#id_description").fill("夜间如厕时滑倒，护理员及时发现")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/institutions/residents/")
    assert "高" in page.locator("#risk-register tr[data-risk='fall']").inner_text()
    assert "跌倒" in page.locator("#incidents").inner_text()
    shot(page, "institutions-fall-phone")
    page.context.clear_cookies()

    # -- the district --------------------------------------------------------------------------------
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, admin.username, PASSWORD)
    page.goto(f"{live_server.url}/institutions/inspections/add/")
    page.locator("#id_institution").select_option(str(home.pk))
    page.locator("#id_inspected_on").fill(f"{today - datetime.timedelta(days=40):%Y-%m-%d}")
    page.locator("#id_inspectors").fill("区民政局 张科长")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/institutions/inspections/")
    form = page.locator("#finding-form")
    form.locator("#id_description").fill("灭火器过期未更换")
    form.locator("#id_deadline").fill(f"{today - datetime.timedelta(days=1):%Y-%m-%d}")
    form.get_by_role("button", name="记录问题").click()
    page.wait_for_load_state()
    assert "灭火器过期未更换" in page.locator("#findings").inner_text()
    page.goto(f"{live_server.url}/institutions/findings/")
    assert "逾期未整改 1 项" in page.content()
    page.get_by_role("button", name="督办逾期事项").click()
    page.wait_for_load_state()
    assert "已督办逾期整改事项 1 项" in page.content() and "逾期已督办" in page.content()
    assert Finding.objects.get().status == "escalated"

    page.goto(f"{live_server.url}/institutions/subsidies/")
    page.locator("#compute-form select").select_option(label=areas.district.name)
    page.locator("#compute-form input[type=month]").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="按入住计算补贴").click()
    wait_for_record(page, "/institutions/subsidies/")
    nights = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - admitted
    assert "爱心养老院" in page.locator("#payments").inner_text()
    roll = SubsidyRoll.objects.get()
    days = ((month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - month).days
    assert roll.total == (Decimal(nights.days) * 200 / days).quantize(Decimal("0.01"))
    page.get_by_role("button", name="审核").click()
    page.wait_for_load_state()
    assert "已审核" in page.locator("#roll-status").inner_text()
    page.context.clear_cookies()
    login(page, live_server, approver.username, PASSWORD)
    page.goto(f"{live_server.url}{roll.get_absolute_url()}")
    page.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert "已批准" in page.locator("#roll-status").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出支付文件").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{live_server.url}/reports/dashboard/?area={areas.district.path}")
    section = page.locator("text=养老床位（每千名老人）").first
    section.wait_for()
    body = page.content()
    assert areas.street_a.name in body and areas.street_b.name in body
    shot(page, "institutions-dashboard")
    # This walk answers for its own pages and its own dashboard section (other sections have theirs).
    from urllib.parse import quote

    ours = [f for f in traffic.failures if "/institutions/" in f or quote("机构养老") in f]
    assert not ours and not traffic.errors, (ours, traffic.errors)
