"""The issue's walk in a real browser, as new users would do it.

A community worker registers a medical volunteer team and a volunteer; an elder's request for a visit
is registered and matched; on a 375 px phone at the elder's home the volunteer checks in and out and
the elder signs off, and the hours are credited; the volunteer transfers hours to her father; a cash
withdrawal is refused with its reason.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from yiyang.core.testing import PASSWORD, build_areas, make_user, new_id_number
from yiyang.core.testing_browser import Traffic, login, shot, wait_for_record
from yiyang.people.models import ElderContact
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers.models import (
    HelpRequest,
    Participation,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
    Volunteer,
    VolunteerTeam,
)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

HOME = (32.0661, 121.0732)


def _select(page: Any, selector: str, label: str) -> None:
    page.locator(selector).select_option(label=label)


def test_team_request_service_hours_transfer_and_no_cash(
    page: Any, live_server: Any, traffic: Traffic
) -> None:
    areas = build_areas()
    worker = make_user(
        "dongshi1", "community_worker", [areas.community_a1], last_name="施", first_name="丽华"
    )
    elder: Any = ElderFactory(name="沈兰英", age=84, area=areas.community_a1, living_situation="alone")
    elder.latitude, elder.longitude = HOME
    elder.save()
    father: Any = ElderFactory(name="陈建国", age=81, area=areas.community_b1)
    ElderContact.objects.create(elder=father, name="陈晓丽", relation="child")
    id_number = new_id_number(age=52, sex="F")

    login(page, live_server, worker.username, PASSWORD)
    # 1. the community registers a medical volunteer team
    page.goto(f"{live_server.url}/volunteers/teams/add/")
    page.get_by_label("队名").fill("东市社区医疗志愿者服务队")
    _select(page, "#id_kind", "医疗")
    page.locator("#id_area").select_option(index=1)
    page.get_by_label("依托单位").fill("东市社区卫生服务站")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/volunteers/teams/")
    team = VolunteerTeam.objects.get(name="东市社区医疗志愿者服务队")

    # ... and its first volunteer: a bad ID number is refused with a reason, then the right one saves
    page.goto(f"{live_server.url}/volunteers/add/")
    page.get_by_label("身份证号").fill(id_number[:-1])
    page.get_by_label("姓名").fill("陈晓丽")
    page.get_by_label("联系电话").fill("13912345678")
    _select(page, "#id_kind", "医疗")
    page.get_by_label("健康监测").check()
    page.get_by_label("陪伴聊天").check()
    for day in ("周一", "周二", "周三", "周四", "周五", "周六", "周日"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("上午").check()
    page.get_by_label("下午").check()
    page.locator("#id_area").select_option(index=1)
    page.get_by_label("纬度").fill(str(HOME[0] + 0.002))
    page.get_by_label("经度").fill(str(HOME[1]))
    _select(page, "#id_team", team.name)
    page.get_by_role("button", name="保存").click()
    assert page.locator(".text-danger").first.inner_text()  # the reason is on the page
    assert not Volunteer.objects.exists()
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/volunteers/")
    volunteer = Volunteer.objects.get(name="陈晓丽")
    assert volunteer.team == team and id_number not in page.content()

    # 2. the elder asks for a visit; the matched volunteer is offered it and accepts
    page.goto(f"{live_server.url}/volunteers/requests/add/")
    page.get_by_label("老人身份证号").fill(elder.id_number)
    _select(page, "#id_skill", "陪伴聊天")
    page.get_by_label("需求说明").fill("独居老人，希望有人上门聊聊天、量血压")
    page.get_by_label("希望日期").fill(datetime.date.today().isoformat())
    _select(page, "#id_wanted_slot", "上午")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/volunteers/requests/")
    candidates = page.locator("#candidates tbody tr").first
    assert "陈晓丽" in candidates.inner_text() and "m" in candidates.inner_text()
    with page.expect_navigation():
        candidates.get_by_role("button", name="推荐").click()
    with page.expect_navigation():
        page.get_by_role("button", name="志愿者接单").click()
    assert page.locator("#request-status").inner_text() == "已接单"
    request = HelpRequest.objects.get()

    # 3. on a phone at the elder's home: check in, check out, the elder signs off
    page.set_viewport_size({"width": 375, "height": 740})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": HOME[0] + 0.0003, "longitude": HOME[1]})
    page.get_by_role("link", name="上门签到").click()
    page.locator("#position-state").filter(has_text="已取得定位").wait_for()
    page.get_by_role("button", name="到达老人家，签到").click()
    wait_for_record(page, "/volunteers/services/")
    record = ServiceRecord.objects.get(help_request=request)
    ServiceRecord.objects.filter(pk=record.pk).update(
        checked_in_at=record.checked_in_at - datetime.timedelta(hours=1)
    )
    page.reload()
    page.locator("#position-state").filter(has_text="已取得定位").wait_for()
    page.get_by_role("button", name="服务结束，签退").click()
    page.get_by_label("确认人").fill("沈兰英")
    page.get_by_role("button", name="老人确认").click()
    page.locator("#service-status").filter(has_text="已核验").wait_for()
    shot(page, "volunteers-service-verified-375")
    account = TimeAccount.objects.get(volunteer=volunteer)
    assert account.balance_minutes == 60
    request.refresh_from_db()
    assert request.status == "done"

    # 4. she transfers hours to her father (another street: 通存通兑)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{account.get_absolute_url()}")
    assert page.locator("#balance").inner_text() == "1.00"
    page.get_by_role("button", name="转赠亲属").click()
    page.get_by_label("受赠老人身份证号").fill(father.id_number)
    page.locator("#id_transfer-hours").fill("0.5")
    page.locator("#id_transfer-requested_by").fill("陈晓丽")
    page.locator("#id_transfer-consent").select_option("in_person")
    page.get_by_role("button", name="转赠", exact=True).click()
    page.locator("#balance").filter(has_text="0.50").wait_for()
    assert TimeAccount.objects.get(elder=father).balance_minutes == 30
    assert TimeMovement.objects.get(kind="transfer").relation == "parent"

    # 5. a cash withdrawal is refused, with the reason
    page.get_by_role("button", name="兑换服务").click()
    page.locator("#form-redeem.collapse.show").wait_for()  # opened, its transition over
    page.locator("#id_redeem-hours").fill("0.5")
    page.get_by_label("兑换现金").check()
    page.locator("#id_redeem-requested_by").fill("陈晓丽")
    page.locator("#id_redeem-consent").select_option("in_person")
    with page.expect_navigation():
        page.get_by_role("button", name="兑换", exact=True).click()
    reason = page.locator("#form-redeem div.text-danger").first
    reason.wait_for()
    assert reason.inner_text() == "时间银行的时间只能兑换服务，不能兑换现金"
    assert page.locator("#balance").inner_text() == "0.50"
    assert not TimeMovement.objects.filter(kind="redeem").exists()
    shot(page, "volunteers-cash-refused")
    assert not traffic.failures and not traffic.errors, (traffic.failures, traffic.errors)
    assert not traffic.foreign(live_server.url)


def test_chongyang_sign_ups_attendance_and_a_top_ten_election(
    page: Any, live_server: Any, traffic: Traffic
) -> None:
    areas = build_areas()
    worker = make_user("dongshi2", "community_worker", [areas.community_a1])
    street = make_user("jinsha2", "street_worker", [areas.street_a])
    admin = make_user("admin2", "district_admin", [areas.district])
    elder: Any = ElderFactory(name="樊济民", age=88, area=areas.community_a1)

    # a 重阳 event takes sign-ups and, on a phone at the door, attendance by the ticket's code
    login(page, live_server, worker.username, PASSWORD)
    page.goto(f"{live_server.url}/volunteers/activities/add/")
    page.get_by_label("活动名称").fill("东市社区重阳敬老游园会")
    page.locator("#id_kind").select_option(label="重阳节活动")
    page.locator("#id_area").select_option(label="东市社区")
    page.get_by_label("地点").fill("东市社区文化广场")
    now = datetime.datetime.now()
    page.get_by_label("开始时间").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill((now + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("名额").fill("60")
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/volunteers/activities/")
    page.locator("#sign-up input[name=elder]").fill(elder.id_number)
    page.get_by_role("button", name="报名", exact=True).click()
    page.locator("#signups").filter(has_text="樊济民").wait_for()
    page.get_by_role("link", name="签到码").first.click()
    page.locator("#ticket-qr svg").wait_for()  # the ticket page has loaded
    assert page.locator("#ticket-qr svg").count() == 1
    code = Participation.objects.get(elder=elder).code  # what the QR code holds
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/volunteers/attend/{code}/")  # what the phone's camera opens
    page.get_by_role("button", name="确认签到").click()
    page.locator("#attended").wait_for()
    page.set_viewport_size({"width": 1280, "height": 900})

    # a 十佳老人 election: the district opens it, the community nominates, the street and the district
    # review, the district publishes the list as a PDF
    page.context.clear_cookies()
    login(page, live_server, admin.username, PASSWORD)
    page.goto(f"{live_server.url}/volunteers/honours/add/")
    page.get_by_label("评选名称").fill("十佳老人评选")
    page.locator("#id_kind").select_option(label="十佳老人")
    page.locator("#id_area").select_option(label="通州区")
    page.get_by_label("须群众投票").uncheck()
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/volunteers/honours/")
    campaign_url = page.url
    page.context.clear_cookies()
    login(page, live_server, worker.username, PASSWORD)
    page.goto(campaign_url)
    page.get_by_label("被推荐人或单位").fill("樊济民")
    page.locator("#nominate select[name=area]").select_option(label="东市社区")
    page.get_by_label("主要事迹").fill("义务调解邻里纠纷二十年")
    page.get_by_role("button", name="提交推荐").click()
    page.locator("#nominations").filter(has_text="樊济民").wait_for()
    for user, stage in ((admin, None), (street, "approve"), (admin, None), (admin, "approve")):
        page.context.clear_cookies()
        login(page, live_server, user.username, PASSWORD)
        page.goto(campaign_url)
        if stage:
            page.locator("#nominations").get_by_role("button", name="通过", exact=True).click()
        else:
            page.get_by_role("button", name="进入下一阶段").click()
    page.get_by_role("button", name="公布结果").click()
    page.locator("#winners").filter(has_text="樊济民").wait_for()
    assert page.locator("#campaign-stage").inner_text() == "已公布"
    with page.expect_response(lambda r: r.url.endswith("list.pdf")) as pdf:
        page.evaluate("url => fetch(url)", page.locator("#campaign-pdf").get_attribute("href"))
    assert pdf.value.headers["content-type"] == "application/pdf"
    assert not traffic.failures and not traffic.errors, (traffic.failures, traffic.errors)
