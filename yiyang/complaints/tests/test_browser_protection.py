"""Protective follow-up of neglect in a real browser.

The hotline takes a neighbour's call that an elder living alone is left without care; the case opens a
protective follow-up the hotline does not see; the case goes to the care provider, whose staff see the
case but never the follow-up; the community worker, on a 375 px phone, finds it on the follow-up list,
records the home visit, the risk assessment, the referral and the review, and closes it; a step left
undone past its deadline is escalated by the deadline job and shows as such.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiyang.complaints.models import Case, ProtectiveCase, ProtectiveStep
from yiyang.core.testing import PASSWORD, World
from yiyang.core.testing_browser import Traffic, login, shot
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_neglect_opens_a_protective_follow_up_done_on_a_phone(
    page: Any, live_server: Any, traffic: Traffic, world: World
) -> None:
    provider = f.provider(items=[f.item()], name="颐康居家服务中心")
    f.staff(provider, "yikang2")
    ElderFactory(name="沈兰英", age=88, area=world.areas.community_a1, living_situation="alone")

    # 1. The hotline takes the neighbour's call.
    login(page, live_server, "erin", PASSWORD)
    page.goto(f"{live_server.url}/complaints/cases/add/")
    page.locator("#q").fill("沈兰英")
    page.get_by_role("button", name="查找").click()
    page.locator("#elder-results tbody tr", has_text="沈兰英").get_by_role("link", name="选择").click()
    page.get_by_label("渠道").select_option("hotline")
    page.get_by_label("类别").select_option("neglect")
    page.get_by_label("标题").fill("独居老人多日无人照料")
    page.get_by_label("诉求内容").fill("邻居反映老人三天没人送饭，屋里很脏，老人说腿疼。")
    page.get_by_label("诉求人", exact=True).fill("李建国")
    page.get_by_label("与老人关系").select_option("neighbour")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r"/complaints/cases/\d+/$"))
    case = Case.objects.get(title="独居老人多日无人照料")
    protection = ProtectiveCase.objects.get(case=case)
    assert page.locator("#protection-link").count() == 0  # the hotline does not see it
    page.get_by_label("承办单位类型").select_option("provider")
    page.get_by_label("承办服务商").select_option(str(provider.pk))
    page.get_by_role("button", name="交办").click()
    page.wait_for_load_state()

    # 2. The provider sees its case, never the follow-up.
    page.context.clear_cookies()
    login(page, live_server, "yikang2", PASSWORD)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert page.locator("#protection-link").count() == 0
    assert page.goto(f"{live_server.url}{protection.get_absolute_url()}").status == 403

    # 3. The community worker on a phone: the list, then each mandatory step.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, "dave", PASSWORD)
    page.goto(f"{live_server.url}/complaints/protection/?status=open")
    page.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).first.click()
    page.wait_for_url(re.compile(r"/complaints/protection/\d+/$"))
    shot(page, "complaints-protection-open-375")
    page.locator("#id_step-visit-note").fill("已上门，老人腿部擦伤，冰箱无食物")
    page.get_by_role("button", name="完成上门探视").click()
    page.locator(f"#step-{protection.steps.get(kind='visit').pk}").filter(has_text="已完成").wait_for()
    # the assessment without a risk level is refused with the reason, nothing saved
    page.locator("#id_step-assessment-note").fill("子女在外地，无人照料")
    page.get_by_role("button", name="完成风险评估").click()
    page.get_by_text("风险评估须选择风险等级").wait_for()
    assert ProtectiveStep.objects.get(protection=protection, kind="assessment").done_at is None
    page.locator("#id_step-assessment-note").fill("子女在外地，无人照料")
    page.locator("#id_step-assessment-risk").select_option("high")
    page.get_by_role("button", name="完成风险评估").click()
    page.locator("#protection-risk").filter(has_text="高风险").wait_for()
    page.locator("#id_step-referral-note").fill("转介社区助餐，联系子女回来照料")
    page.get_by_role("button", name="完成转介处置").click()
    page.locator("#id_step-review-note").wait_for()
    # the review is late: the deadline job escalates it
    ProtectiveStep.objects.filter(protection=protection, kind="review").update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("complaints_deadlines", stdout=io.StringIO())
    page.reload()
    assert "督办 1 级" in page.locator("#protection-escalated").inner_text()
    page.locator("#id_step-review-note").fill("两周后复查：每日有人送餐，子女每周探望")
    page.get_by_role("button", name="完成跟踪复查").click()
    page.locator("#id_outcome").fill("已落实助餐和子女照料")
    page.get_by_role("button", name="结束跟进").click()
    page.locator("#protection-status").filter(has_text="已结束").wait_for()
    shot(page, "complaints-protection-closed-375")
    protection.refresh_from_db()
    assert protection.status == "closed" and protection.risk == "high"
    assert not traffic.failures and not traffic.errors, (traffic.failures, traffic.errors)
    assert not traffic.foreign(live_server.url)
