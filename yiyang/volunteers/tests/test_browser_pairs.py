"""A community worker's day with neighbour mutual-aid pairs, on a 375 px phone.

She pairs a younger neighbour with an elder living alone; the community's overdue list shows a pair
whose call is late; at the elder's home the volunteer checks in from the pair's page, checks out, the
elder signs off and the hours reach the volunteer's time account; the pair leaves the overdue list;
when the elder's death is recorded the pair ends by itself.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import Traffic, login, shot, wait_for_record
from yiyang.people.actions import elder_set_status
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers.models import MutualAidPair, ServiceRecord, TimeAccount
from yiyang.volunteers.tests.factories import make_volunteer

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

HOME = (32.0661, 121.0732)


def test_pair_overdue_call_credited_and_ended_by_death(page: Any, live_server: Any, traffic: Traffic) -> None:
    areas = build_areas()
    worker = make_user(
        "dongshi9", "community_worker", [areas.community_a1], last_name="施", first_name="丽华"
    )
    elder: Any = ElderFactory(name="沈兰英", age=86, area=areas.community_a1, living_situation="alone")
    elder.latitude, elder.longitude = HOME
    elder.save()
    neighbour = make_volunteer(areas.community_a1, name="周小燕", age=34, latitude=HOME[0] + 0.0008,
                               longitude=HOME[1])  # fmt: skip
    # a pair of last month whose weekly call is late
    late_elder: Any = ElderFactory(name="樊济民", age=90, area=areas.community_a1)
    late = MutualAidPair.objects.create(volunteer=make_volunteer(areas.community_a1, name="吴志强"), elder=late_elder,
                                        started_on=timezone.localdate() - datetime.timedelta(days=20))  # fmt: skip

    page.set_viewport_size({"width": 375, "height": 740})
    login(page, live_server, worker.username, PASSWORD)
    # 1. pair the neighbour with the elder living alone
    page.goto(f"{live_server.url}/volunteers/pairs/add/")
    page.locator("#id_volunteer").select_option(label="周小燕")
    page.get_by_label("结对老人身份证号").fill("320612")
    page.get_by_label("约定频次（每几天一次）").fill("7")
    page.get_by_label("约定内容").fill("每周六上午上门聊天、量血压")
    page.get_by_role("button", name="保存").click()
    assert page.locator(".text-danger").first.inner_text()  # a bad ID number: the reason, nothing saved
    assert MutualAidPair.objects.count() == 1
    page.get_by_label("结对老人身份证号").fill(elder.id_number)
    page.get_by_role("button", name="保存").click()
    wait_for_record(page, "/volunteers/pairs/")
    pair = MutualAidPair.objects.get(elder=elder)
    assert page.locator("#pair-status").inner_text() == "结对中" and elder.id_number not in page.content()
    shot(page, "volunteers-pair-created-375")

    # 2. the community's overdue list: the late pair, not the new one
    page.goto(f"{live_server.url}/volunteers/pairs/?overdue=true")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "樊济民" in rows.first.inner_text()
    shot(page, "volunteers-pairs-overdue-375")

    # 3. at the elder's home: check in from the pair's page, check out, the elder signs off
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": HOME[0] + 0.0002, "longitude": HOME[1]})
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    page.get_by_role("link", name="上门关怀签到").click()
    page.locator("#checkin-pair").filter(has_text="周小燕").wait_for()
    page.locator("#position-state").filter(has_text="已取得定位").wait_for()
    page.get_by_role("button", name="到达老人家，签到").click()
    wait_for_record(page, "/volunteers/services/")
    record = ServiceRecord.objects.get(pair=pair)
    ServiceRecord.objects.filter(pk=record.pk).update(
        checked_in_at=record.checked_in_at - datetime.timedelta(hours=1)
    )
    page.reload()
    page.locator("#position-state").filter(has_text="已取得定位").wait_for()
    page.get_by_role("button", name="服务结束，签退").click()
    page.get_by_label("确认人").fill("沈兰英")
    page.get_by_role("button", name="老人确认").click()
    page.locator("#service-status").filter(has_text="已核验").wait_for()
    assert TimeAccount.objects.get(volunteer=neighbour).balance_minutes == 60
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    assert "已核验" in page.locator("#pair-calls").inner_text()
    assert (
        page.locator("#next-due").inner_text()
        == (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    shot(page, "volunteers-pair-called-375")

    # 4. the late pair is called too; the overdue list is empty
    late.last_visit_on = timezone.localdate()
    late.save()
    page.goto(f"{live_server.url}/volunteers/pairs/?overdue=true")
    assert page.locator("table tbody tr").first.inner_text() == "没有邻里互助结对"

    # 5. the elder's death is recorded (any door): the pair ends by itself, with the reason
    elder_set_status(elder=elder, status="deceased", date=timezone.localdate(), note="病故", actor=worker)
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    assert page.locator("#pair-status").inner_text() == "已解除"
    assert "老人去世或迁出" in page.content()
    assert page.get_by_role("link", name="上门关怀签到").count() == 0
    assert not traffic.failures and not traffic.errors, (traffic.failures, traffic.errors)
    assert not traffic.foreign(live_server.url)
