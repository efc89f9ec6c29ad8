"""The audit log as a 纪检 auditor reads it (issue 11, item 10).

Changes are made through the pages, as users make them; then the auditor reads the log in both
languages: who (name and role), when (local time), what (the record's name, not ``people.elder``),
where (the area's name, not its code), the operation in words, and before/after as a table of field
labels and display values with personal data still masked. Filters narrow by person, area, record
type, action and dates; the export is a spreadsheet with real date cells; a log longer than a page
shows its exact count and every row is reachable.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.crypto import mask_phone
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World, xlsx_rows
from yiyang.people.choices import LivingSituation
from yiyang.people.models import Elder
from yiyang.people.tests.test_views import form_data

pytestmark = pytest.mark.django_db

LIST = reverse("core:auditentry_list")
ACCESS = reverse("core:accesslog_list")


def _page(client: Client, url: str, **query: Any) -> str:
    """The page's text as a reader sees it (tags and their attributes dropped)."""
    response = client.get(url, query)
    assert response.status_code == 200
    return re.sub(r"<[^>]*>", " ", response.content.decode())


@pytest.fixture
def changed(client: Client, world: World) -> Elder:
    """bob (street worker of 金沙街道) registers 陈阿婆 and then moves her and changes her living situation."""
    world.bob.last_name, world.bob.first_name = "王", "建国"
    world.bob.save()
    client.force_login(world.bob)
    data = form_data(world, phone="13912345678")
    assert client.post(reverse("people:elder_add"), data).status_code == 302
    elder = Elder.objects.get(name="陈阿婆")
    moved = {**data, "area": world.areas.community_a2.pk, "living_situation": LivingSituation.WITH_FAMILY}
    assert client.post(reverse("people:elder_edit", args=[elder.pk]), moved).status_code == 302
    client.logout()
    return elder


def test_the_auditor_reads_who_when_what_where_and_the_change(
    client: Client, world: World, changed: Elder
) -> None:
    client.force_login(world.grace)
    page = _page(client, LIST)
    update = AuditEntry.objects.get(verb="elder.update")

    assert "王建国" in page and "街道工作人员" in page  # who: name and role
    assert f"{timezone.localtime(update.time):%Y-%m-%d %H:%M:%S}" in page  # when: Beijing time
    assert "老年人信息" in page or "老年人" in page  # what: the record's Chinese name
    assert "people.elder" not in page and "elder.update" not in page
    assert "金沙街道南山社区" in page  # where: the area's name, not 320612001002
    assert update.area_path not in page
    assert "新增" in page and "修改" in page
    # before/after: field labels and display values (the choice's label, the area's name)
    assert "居住情况" in page and "独居" in page and str(LivingSituation.WITH_FAMILY.label) in page
    assert "东市社区" in page and "南山社区" in page
    assert "living_situation" not in page and "with_family" not in page
    # personal data stays masked
    assert mask_phone("13912345678") in page and "13912345678" not in page


def test_the_log_reads_in_english_too(client: Client, world: World, changed: Elder) -> None:
    client.force_login(world.grace)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _page(client, LIST)
    assert "Street worker" in page or "street worker" in page.lower()
    assert "Living situation" in page or "living situation" in page.lower()
    assert "people.elder" not in page and "living_situation" not in page
    assert "金沙街道南山社区" in page  # names of places stay as they are


def test_filters_by_person_area_type_action_and_date(client: Client, world: World, changed: Elder) -> None:
    client.force_login(world.alice)
    # alice (district admin) changes something too: the user accounts of the district
    other = AuditEntry.objects.create(
        request_id=uuid.uuid4(),
        actor=world.alice,
        actor_name="alice",
        action=AuditEntry.Action.WORKFLOW,
        verb="paymentroll.approve",
        object_type="benefits.paymentroll",
        object_repr="2026年12月高龄津贴名单",
        area_path=world.areas.street_b.path,
        time=timezone.now() - datetime.timedelta(days=40),
    )
    client.force_login(world.grace)

    def shows(**query: Any) -> set[str]:
        page = _page(client, LIST, **query)
        return {marker for marker in ("陈阿婆", other.object_repr) if marker in page}

    assert shows() == {"陈阿婆", other.object_repr}
    assert shows(actor=world.bob.pk) == {"陈阿婆"}
    assert shows(actor=world.alice.pk) == {other.object_repr}
    assert shows(area=world.areas.street_a.path) == {"陈阿婆"}
    assert shows(area=world.areas.street_b.path) == {other.object_repr}
    assert shows(object_type="people.elder") == {"陈阿婆"}
    assert shows(object_type="benefits.paymentroll") == {other.object_repr}
    assert shows(action=AuditEntry.Action.WORKFLOW) == {other.object_repr}
    today = timezone.localdate()
    assert shows(time_after=today.isoformat()) == {"陈阿婆"}
    assert shows(time_before=(today - datetime.timedelta(days=30)).isoformat()) == {other.object_repr}
    page = _page(client, LIST, object_type="benefits.paymentroll")
    assert "审批通过" in page  # the verb in words
    # the area filter offers the tree by name
    assert "金沙街道" in page and "东市社区第1网格" in page


def test_export_opens_with_real_date_cells_and_readable_values(
    client: Client, world: World, changed: Elder
) -> None:
    client.force_login(world.grace)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the file speaks Chinese whatever the screen
    response = client.get(LIST, {"export": "xlsx", "object_type": "people.elder"})
    assert response.status_code == 200
    header, *rows = xlsx_rows(response)
    assert header[:8] == ("时间", "操作人", "角色", "类型", "操作", "记录类型", "对象", "区域")
    assert len(rows) == AuditEntry.objects.filter(object_type="people.elder").count() == 2
    update = AuditEntry.objects.get(verb="elder.update")
    row = next(r for r in rows if r[3] == "修改")
    assert isinstance(row[0], datetime.datetime)
    assert row[0].replace(microsecond=0) == timezone.localtime(update.time).replace(
        tzinfo=None, microsecond=0
    )
    assert row[1:3] == ("王建国", "街道工作人员")
    assert row[7] == "金沙街道南山社区"
    assert "居住情况：独居 → " in row[8] and "people.elder" not in str(row)
    log = AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, object_type="core.auditentry").get()
    assert log.actor == world.grace and log.row_count == 2


def test_the_log_pages_through_every_entry(client: Client, world: World) -> None:
    """More entries than a page: the exact count, and every row on exactly one page."""
    total = 123
    start = timezone.now() - datetime.timedelta(hours=1)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            request_id=uuid.uuid4(),
            action=AuditEntry.Action.UPDATE,
            verb="elder.update",
            object_type="people.elder",
            object_repr=f"记录{n:04d}号",
            area_path=world.areas.community_a1.path,
            actor_name="测试",
            time=start + datetime.timedelta(seconds=n // 3),  # ties: the order must still be total
        )
        for n in range(total)
    )
    client.force_login(world.grace)
    total += AuditEntry.objects.filter(verb="user.login").count()  # the auditor's login is audited too
    first = _page(client, LIST)
    assert f"共 {total} 条" in first
    seen: list[str] = []
    for page in range(1, 4):
        seen += re.findall(r"记录\d{4}号", _page(client, LIST, page=page))
    assert sorted(seen) == [f"记录{n:04d}号" for n in range(123)]
    rows = xlsx_rows(client.get(LIST, {"export": "xlsx"}))
    assert len(rows) - 1 == total


def test_the_access_log_names_the_record_and_the_reader(client: Client, world: World, changed: Elder) -> None:
    client.force_login(world.bob)
    reveal = client.post(
        reverse("people:elder_reveal", args=[changed.pk]), {"field": "id_number", "reason": "核对身份信息"}
    )
    assert reveal.status_code == 200
    client.force_login(world.grace)
    page = _page(client, ACCESS)
    assert "王建国" in page and "街道工作人员" in page
    assert "查看明文" in page and "核对身份信息" in page
    assert "陈阿婆" in page and "people.elder" not in page
    assert "金沙街道南山社区" in page
    assert _page(client, ACCESS, kind="reveal", actor=world.bob.pk).count("核对身份信息") == 1
    header, *rows = xlsx_rows(client.get(ACCESS, {"export": "xlsx", "kind": "reveal"}))
    assert header[:4] == ("时间", "操作人", "角色", "类型")
    assert len(rows) == 1 and isinstance(rows[0][0], datetime.datetime) and rows[0][5] == "陈阿婆"


def test_any_snapshot_reads_without_error(client: Client, world: World) -> None:
    """Snapshots written by workflows hold summaries, reverse relations, lists and stale keys."""
    odd = [
        ("services.workorder", "workorder.checkin", {"visit": 3, "status": "in_progress"}),
        ("benefits.paymentroll", "paymentroll.recheck", {"flagged": 2, "counts": {"streets": ["3206"]}}),
        ("people.elder", "elder.update", {"area": "不是编号", "categories": ["dibao"], "gone_field": None}),
        ("services.demo", "services.demo", {"rows": 5}),
        ("nothing", "x", {"k": [1, 2]}),
    ]
    for object_type, verb, after in odd:
        AuditEntry.objects.create(
            request_id=uuid.uuid4(),
            action=AuditEntry.Action.WORKFLOW,
            verb=verb,
            object_type=object_type,
            object_repr=f"奇怪{verb}",
            area_path=world.areas.community_a1.path,
            before=dict.fromkeys(after),
            after=after,
        )
    client.force_login(world.grace)
    page = _page(client, LIST)
    assert page.count("奇怪") == len(odd)
    assert "签到" in page and "复核资格" in page  # verbs in words
    rows = xlsx_rows(client.get(LIST, {"export": "xlsx"}))
    assert len(rows) - 1 == len(odd) + AuditEntry.objects.filter(verb="user.login").count()  # and the login
