"""The complaints walk of issue 15 in a real browser ("Done means").

The hotline takes a complaint about a provider's missed visit and assigns it to the provider with a
deadline; the provider, on a phone, sees the case but not who complained, and replies; the return
call records dissatisfaction and the case reopens; once overdue, the deadline job escalates it to the
street, which finds it among its escalated cases; the district computes the month's scores, the
provider's score drops and the events behind it are listed; the district sees 办结率 by street.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiyang.complaints.models import Case
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import TIMEOUT_MS, Traffic, login, shot
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.models import ServiceException
from yiyang.services.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def contexts(browser: Any, traffic: Traffic) -> Iterator[Any]:
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
        return pg

    yield new
    for context in made:
        context.close()


def test_missed_visit_complaint_to_score_and_resolution_rate(
    page: Any, live_server: Any, traffic: Traffic, contexts: Any, world: World
) -> None:
    # A provider whose worker missed a visit to 钱桂英 (the exception is on the work order).
    item = f.item()
    provider = f.provider(items=[item], name="颐康居家服务中心")
    f.staff(provider, "yikang")
    worker = f.worker(provider, name="钱秀英")
    elder: Any = ElderFactory(name="钱桂英", age=82, area=world.areas.community_a1)
    order = f.assigned(
        world.erin, provider, worker, e=elder, i=item, start=timezone.now() - datetime.timedelta(hours=5)
    )
    ServiceException.objects.create(work_order=order, provider=provider, kind="missed", area_path=elder.area_path,
                                    detail="约定时间未上门")  # fmt: skip

    # 1. The hotline takes the daughter's call about the missed visit.
    login(page, live_server, "erin", PASSWORD)
    page.goto(f"{live_server.url}/complaints/cases/add/")
    page.locator("#q").fill("钱桂英")
    page.get_by_role("button", name="查找").click()
    page.locator("#elder-results tbody tr", has_text="钱桂英").get_by_role("link", name="选择").click()
    page.get_by_label("渠道").select_option("hotline")
    page.get_by_label("类别").select_option("service")
    page.get_by_label("标题").fill("助洁服务未上门")
    page.get_by_label("诉求内容").fill("约定今天上午助洁，服务人员没有来。")
    page.get_by_label("诉求人", exact=True).fill("王丽")
    page.get_by_label("诉求人电话").fill("13900001111")
    page.get_by_label("与老人关系").select_option("family")
    page.get_by_label("相关工单号").fill(order.number)
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r"/complaints/cases/\d+/$"))
    case = Case.objects.get(elder=elder)
    assert page.locator("#case-status").inner_text() == "待交办"
    assert case.subject_provider == provider and case.work_order == order

    # 2. Assigned to the provider with the rules' deadline.
    page.get_by_label("承办单位类型").select_option("provider")
    page.get_by_label("承办服务商").select_option(str(provider.pk))
    page.get_by_role("button", name="交办").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "办理中"
    assert "热线服务质量投诉" in page.locator("#case-due").inner_text()
    shot(page, "complaints-assigned")

    # 3. The provider on a phone: the case, never the complainant; it replies.
    phone = contexts(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, live_server, "yikang", PASSWORD)
    phone.goto(f"{live_server.url}/complaints/cases/")
    phone.get_by_role("link", name=case.number).click()
    assert "王丽" not in phone.content() and "13900001111" not in phone.content()
    assert "诉求人信息已保护" in phone.locator("#complainant").inner_text()
    phone.get_by_label("核实结论").select_option("upheld")
    phone.get_by_label("答复意见").fill("经核实属实，已安排人员当天下午补做服务。")
    phone.get_by_role("button", name="提交答复").click()
    phone.wait_for_load_state()
    assert phone.locator("#case-status").inner_text() == "待回访"
    shot(phone, "complaints-provider-reply")

    # 4. The return call: dissatisfied, so the case reopens.
    page.reload()
    page.get_by_label("回访结果").select_option("dissatisfied")
    page.get_by_label("回访记录").fill("女儿说下午也没有人来")
    page.get_by_role("button", name="记录回访").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "办理中"
    assert "重新办理" in page.locator("#events").inner_text()

    # 5. Time passes: the deadline goes by and the job escalates the case to the street.
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2))
    call_command("complaints_deadlines", stdout=io.StringIO())
    street = contexts(viewport={"width": 1280, "height": 900})
    login(street, live_server, "bob", PASSWORD)
    street.goto(f"{live_server.url}/complaints/cases/?escalated=true")
    street.get_by_role("link", name=case.number).click()
    street.locator("#case-escalated").wait_for()
    assert street.locator("#case-escalated").is_visible() and street.locator("#case-overdue").is_visible()
    assert "超期督办" in street.locator("#events").inner_text()

    # 6. The district computes the month: the provider's score drops, with the events behind it.
    admin = contexts(viewport={"width": 1280, "height": 900})
    login(admin, live_server, "alice", PASSWORD)
    admin.goto(f"{live_server.url}/complaints/scores/")
    admin.locator("#score-compute input[name=month]").fill(f"{timezone.localdate():%Y-%m}")
    admin.get_by_role("button", name="计算考评").click()
    admin.wait_for_load_state()
    admin.locator("#score-table").get_by_role("link", name="颐康居家服务中心").click()
    assert float(admin.locator("#score-value").inner_text()) == 100 - 5 - 3
    points = admin.locator("#score-points").inner_text()
    assert "投诉属实" in points and "漏服务" in points and "约定时间未上门" in points
    shot(admin, "complaints-score")
    phone.goto(f"{live_server.url}/complaints/scores/")
    assert "颐康居家服务中心" in phone.locator("#score-table").inner_text()  # the provider sees its own

    # 7. The district's 办结率 by street, each figure opening its cases.
    admin.goto(f"{live_server.url}/complaints/rates/?by=street")
    row = admin.locator("#rate-table tbody tr", has_text="金沙街道")
    assert row.is_visible()
    row.locator("a").first.click()
    admin.get_by_role("link", name=case.number).wait_for()
    shot(admin, "complaints-rates")

    assert not traffic.failures and not traffic.errors, (traffic.failures, traffic.errors)
    assert not traffic.foreign(live_server.url)
