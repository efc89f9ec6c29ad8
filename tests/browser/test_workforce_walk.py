"""A care home's and a training officer's day with the care workforce, in a real browser (issue 17).

The home's staff register a carer; the street's training officer opens a 中级 class, enrols her,
records her attendance and exam and finishes the class (her certificate is issued); he generates
last month's post-subsidy roll for the street and reviews it; the district approves it and downloads
the bank file, where she is paid; the home sees her subsidy on her page. Screenshots go to
/tmp/yiyang-shots/.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from yiyang.core.idnumber import make_id_number
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot, wait_for_record
from yiyang.institutions.tests.factories import make_institution, make_staff
from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyRoll

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def _as(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def test_a_carer_is_registered_trained_and_paid(
    page: Any, live_server: Any, world: World, traffic: Traffic
) -> None:
    areas = world.areas
    home = make_institution(areas.community_a1, name="爱心养老院")
    make_staff(home, "aixin")
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    ends = month + datetime.timedelta(days=5)
    starts = ends - datetime.timedelta(days=16)
    id_number = make_id_number("320612", datetime.date(1982, 3, 15), 42)
    base = live_server.url

    # The home registers its carer; the employer and the place of work are the home's.
    _as(page, live_server, "aixin")
    page.goto(f"{base}/workforce/add/")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("姓名").fill("王秀英")
    page.get_by_label("手机号").fill("13912345678")
    assert page.get_by_label("养老机构").input_value() == str(home.pk)  # her home, preselected
    assert page.get_by_label("服务商").count() == 0  # no empty lists of other kinds of employer
    page.get_by_label("从事养老护理工作起始日期").fill("2018-03-01")
    page.get_by_label("开户银行").fill("中国工商银行")
    page.get_by_label("银行账号").fill("6222 0202 0011 2233 445")
    shot(page, "workforce-register")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/workforce/")
    worker = CareWorker.objects.get(name="王秀英")
    assert (worker.institution, worker.area, worker.account) == (
        home,
        areas.community_a1,
        "6222020200112233445",
    )
    assert id_number not in page.content()
    shot(page, "workforce-registered")

    # The street's training officer: a 中级 class, her enrolment, attendance and exam, certificates.
    _as(page, live_server, "bob")
    page.goto(f"{base}/workforce/training/add/")
    page.get_by_label("班次名称").fill("养老护理员中级培训班第1期")
    page.get_by_label("培训等级").select_option(label="中级")
    page.get_by_label("承办单位").fill("通州区职业技能培训中心")
    page.get_by_label("发证机构").fill("南通市人力资源和社会保障局")
    page.get_by_label("举办地").select_option(label=areas.street_a.name)
    page.get_by_label("开班日期").fill(starts.isoformat())
    page.get_by_label("结业日期").fill(ends.isoformat())
    page.get_by_label("培训天数").fill("17")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/workforce/training/")
    page.locator("#enrol select").select_option(label="王秀英")
    page.locator("#enrol").get_by_role("button", name="报名").click()
    page.wait_for_load_state()
    page.locator("#trainees input[name=days_attended]").fill("17")
    page.locator("#trainees input[name=exam_score]").fill("88")
    page.locator("#trainees").get_by_role("button", name="保存成绩").click()
    page.wait_for_load_state()
    assert "合格" in page.locator("#trainees").inner_text()
    assert "培训中" in page.locator("h1").inner_text()  # attendance recorded: no longer "planned"
    assert page.locator("#trainees button").is_visible()
    shot(page, "workforce-class-recorded")
    page.locator("#finish-class").click()
    page.wait_for_load_state()
    certificate = Certificate.objects.get(worker=worker)
    assert certificate.valid_from == ends and certificate.get_level_display() == "中级"
    assert certificate.number in page.locator("#trainees").inner_text()
    shot(page, "workforce-class-finished")

    # Last month's roll for the street: generated and reviewed by the street.
    page.goto(f"{base}/workforce/subsidies/generate/")
    page.get_by_label("区域").select_option(label=areas.street_a.name)
    page.get_by_label("发放月份").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="生成").click()
    wait_for_record(page, "/workforce/subsidies/")
    assert "王秀英" in page.content() and "350.00" in page.content()  # 中级 200 + 工龄 5–10 年 150
    page.locator("#review-roll").click()
    page.wait_for_load_state()
    assert "已审核" in page.locator(".alert").inner_text()  # says what happened and what comes next
    roll = PostSubsidyRoll.objects.get()
    assert roll.status == "reviewed"
    shot(page, "workforce-roll-reviewed")

    # The district approves and downloads the bank file.
    _as(page, live_server, "alice")
    page.goto(f"{base}{roll.get_absolute_url()}")
    page.locator("#approve-roll").click()
    page.wait_for_load_state()
    assert "已审批" in page.locator(".alert").inner_text()
    roll.refresh_from_db()
    assert roll.status == "approved"
    shot(page, "workforce-roll-approved")
    with page.expect_download() as info:
        page.locator("#bank-file").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path is not None
    with open(path, "rb") as fh:  # the download's path has no suffix, which openpyxl refuses
        book = openpyxl.load_workbook(io.BytesIO(fh.read()))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "王秀英" in cells and id_number in cells and "6222020200112233445" in cells and 350 in cells

    # The home sees the month's subsidy on her page.
    _as(page, live_server, "aixin")
    page.goto(f"{base}{worker.get_absolute_url()}")
    assert "350.00" in page.content() and "养老护理员中级培训班第1期" in page.content()
    shot(page, "workforce-worker-paid")
    assert traffic.failures == [] and traffic.errors == []
