"""Pages, API and imports as users meet them: the complainant hidden from the provider everywhere,
a 12345 sheet or API call sent twice making one case, intake with bad input, the verbs on the page,
and the rules' edit forms round-tripping unchanged."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from yiyang.complaints.choices import Status
from yiyang.complaints.models import CalendarDay, Case, DeadlineRule
from yiyang.complaints.tests.factories import make_case
from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import AuditEntry, ImportBatch
from yiyang.core.testing import World, xlsx_rows
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(world: World) -> tuple[Case, Any, Any]:
    provider = f.provider(items=[f.item()], name="颐和家政")
    staff = f.staff(provider)
    case = make_case(world.areas.community_a1, provider, complainant_name="王秀英")
    return case, provider, staff


def test_the_provider_never_sees_who_complained(client: Client, world: World, assigned: Any) -> None:
    case, _provider, staff = assigned
    client.force_login(staff)
    page = client.get(reverse("complaints:case_detail", args=[case.pk])).content.decode()
    assert case.title in page and "王秀英" not in page and "139****5678" not in page
    api = client.get(reverse("complaintcase-detail", args=[case.pk])).json()
    assert api["complainant_name"] == "" and api["complainant_phone"] == ""
    rows = xlsx_rows(client.get(reverse("complaints:case_list"), {"export": "xlsx"}))
    assert case.number in {str(v) for row in rows for v in row}
    assert "王秀英" not in {str(v) for row in rows for v in row}
    # The office sees the complainant on all three.
    client.force_login(world.erin)
    assert "王秀英" in client.get(reverse("complaints:case_detail", args=[case.pk])).content.decode()
    assert client.get(reverse("complaintcase-detail", args=[case.pk])).json()["complainant_name"] == "王秀英"


def test_with_consent_the_provider_sees_the_complainant(client: Client, world: World, assigned: Any) -> None:
    case, _provider, staff = assigned
    Case.objects.filter(pk=case.pk).update(consent_disclose=True)
    client.force_login(staff)
    assert "王秀英" in client.get(reverse("complaints:case_detail", args=[case.pk])).content.decode()


def sheet(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["南通市12345政务服务便民热线转办工单"])
    ws.append(
        ["工单编号", "来电时间", "所属街道", "问题分类", "标题", "诉求内容", "来电人", "联系电话", "办结时限"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run_import(world: World, content: bytes, user: str = "bob") -> ImportBatch:
    batch = import_batch_create(kind="complaints.case", upload=ContentFile(content), filename="12345.xlsx",
                                actor=world.users[user], dry_run=False, skip_invalid=False)  # fmt: skip
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    return batch


def test_a_12345_sheet_imported_twice_makes_no_duplicate(world: World) -> None:
    content = sheet([
        ["2026120500123", "2026-12-05", "金沙街道", "服务质量", "助洁未上门", "约定的助洁未上门", "王女士", "13800001234", "2026-12-12"],
        ["2026120500124", "2026-12-05", "东市社区", "虐待", "", "老人疑似被家属遗弃", "", "", ""],
    ])  # fmt: skip
    first = run_import(world, content)
    assert first.status == ImportBatch.Status.APPLIED, first.message
    assert first.created == 2
    again = run_import(world, content)
    assert again.status == ImportBatch.Status.APPLIED and again.created == 0 and again.unchanged == 2
    assert Case.objects.filter(channel="12345").count() == 2
    urgent = Case.objects.get(external_ref="2026120500124")
    assert urgent.urgent and urgent.category == "neglect" and urgent.area == world.areas.community_a1
    on_clock = Case.objects.get(external_ref="2026120500123")
    assert on_clock.source_due_at is not None and on_clock.area == world.areas.street_a


def test_a_12345_row_outside_the_area_is_refused_and_nothing_written(world: World) -> None:
    content = sheet([
        ["2026120500200", "2026-12-05", "金沙街道", "服务质量", "t", "内容", "", "", ""],
        ["2026120500201", "2026-12-05", "兴东街道", "火星问题", "t", "内容", "", "", ""],
    ])  # fmt: skip
    batch = run_import(world, content)  # bob works in 金沙街道 only
    assert batch.status == ImportBatch.Status.INVALID
    assert Case.objects.count() == 0


def test_the_api_post_retried_makes_one_case(client: Client, world: World) -> None:
    client.force_login(world.erin)
    body = {"channel": "12345", "category": "allowance", "title": "高龄津贴未发放", "content": "本月未到账",
            "area": world.areas.community_a1.pk, "external_ref": "2026120599999"}  # fmt: skip
    first = client.post(reverse("complaintcase-list"), json.dumps(body), content_type="application/json")
    second = client.post(reverse("complaintcase-list"), json.dumps(body), content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Case.objects.count() == 1
    bad = client.post(
        reverse("complaintcase-list"), json.dumps({"channel": "x"}), content_type="application/json"
    )
    assert bad.status_code == 400


def test_the_api_verbs_walk_a_case(client: Client, world: World, assigned: Any) -> None:
    case, _provider, staff = assigned
    client.force_login(staff)
    url = reverse("complaintcase-reply", args=[case.pk])
    reply = client.post(
        url, json.dumps({"finding": "upheld", "reply": "已补做"}), content_type="application/json"
    )
    assert reply.status_code == 200 and reply.json()["status"] == Status.REPLIED
    call = reverse("complaintcase-return-call", args=[case.pk])
    assert (
        client.post(
            call, json.dumps({"satisfaction": "satisfied"}), content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(world.erin)
    done = client.post(call, json.dumps({"satisfaction": "satisfied"}), content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == Status.CLOSED


def test_intake_page_keeps_what_was_typed_on_error(client: Client, world: World) -> None:
    client.force_login(world.erin)
    url = reverse("complaints:case_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"channel": "hotline", "category": "service", "title": "助洁未上门",
                                 "content": "未上门", "relation": "self"})  # fmt: skip
    assert response.status_code == 200 and "助洁未上门" in response.content.decode()
    assert Case.objects.count() == 0
    response = client.post(url, {"channel": "hotline", "category": "service", "title": "助洁未上门",
                                 "content": "未上门", "relation": "self", "area": world.areas.community_a1.pk})  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()


def test_verbs_on_the_page_and_a_refused_one(client: Client, world: World, assigned: Any) -> None:
    case, _provider, staff = assigned
    client.force_login(staff)
    action = reverse("complaints:case_action", args=[case.pk, "reply"])
    refused = client.post(action, {"finding": "upheld", "reply": ""})
    assert refused.status_code == 400
    assert client.post(action, {"finding": "upheld", "reply": "已补做服务"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.REPLIED
    assert client.post(reverse("complaints:case_action", args=[case.pk, "bogus"])).status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rule_and_calendar_forms_round_trip_unchanged(client: Client, world: World, language: str) -> None:
    client.force_login(world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for obj, name in (
        (DeadlineRule.objects.first(), "deadlinerule_edit"),
        (CalendarDay.objects.first(), "calendarday_edit"),
    ):
        assert obj is not None
        url = reverse(f"complaints:{name}", args=[obj.pk])
        form = client.get(url).context["form"]
        data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
        for key, value in list(data.items()):
            if hasattr(value, "isoformat"):
                data[key] = value.isoformat()
        before = AuditEntry.objects.count()
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
        assert AuditEntry.objects.count() == before  # nothing changed, nothing recorded


def test_more_cases_than_a_page_are_all_reachable(client: Client, world: World) -> None:
    for _ in range(57):
        make_case(world.areas.community_a1)
    client.force_login(world.bob)
    first = client.get(reverse("complaints:case_list"))
    assert first.context["table"].paginator.count == 57
    second = client.get(reverse("complaints:case_list"), {"page": 2})
    assert len(second.context["table"].page.object_list) == 7
    api = client.get(reverse("complaintcase-list")).json()
    assert api["count"] == 57


def test_the_elder_timeline_shows_the_case(client: Client, world: World) -> None:
    from yiyang.people.tests.factories import ElderFactory

    elder = ElderFactory.create(area=world.areas.community_a1)
    case = make_case(world.areas.community_a1, elder=elder, title="子女拒付赡养费")
    client.force_login(world.bob)
    page = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    assert reverse("complaints:case_detail", args=[case.pk]) in page and "子女拒付赡养费" in page
