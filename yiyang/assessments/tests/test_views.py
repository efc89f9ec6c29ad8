"""Pages and API working end to end: the sheet, the live score, confirm, void, the report, the timeline."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.assessments import report
from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment
from yiyang.assessments.tests.factories import answers_with_total, assess, elder_in, make_assessment
from yiyang.core.models import AccessLog
from yiyang.core.testing import World
from yiyang.people.models import Elder

pytestmark = pytest.mark.django_db


def sheet(total: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "scheme": "gb42195",
        "reason": "first",
        "assessed_on": timezone.localdate().isoformat(),
        "organisation": "通州区老年人能力评估中心",
        "assessor_name": "王评估",
        **{f"risk_{k}": "0" for k in ("fall", "wandering", "choking", "self_harm", "other")},
    }
    data.update({code: str(v) for code, v in answers_with_total(total).items()})
    data.update(extra)
    return data


def test_assess_an_elder_and_see_the_level_follow(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    client.force_login(world.bob)
    url = reverse("assessments:assessment_add") + f"?elder={elder.pk}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "B.1.1 进食" in html and "4分 独立使用器具进食，没有呛咳" in html and "B.4.5 社会交往能力" in html
    assert html.count('type="radio"') == sum(
        len(i.options) for i in __import__("yiyang.assessments.scoring", fromlist=["GB_ITEMS"]).GB_ITEMS
    )
    response = client.post(url, sheet(52, confirm="1"))
    assert response.status_code == 302
    a = Assessment.objects.get(elder=elder)
    assert (a.status, a.total, a.final_level) == (Status.CONFIRMED, 52, 2)
    elder.refresh_from_db()
    assert elder.capability_level == 2
    detail = client.get(a.get_absolute_url()).content.decode()
    assert "能力中度受损（中度失能）" in detail and "52 / 90" in detail
    timeline = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    assert "能力评估：中度失能（总分 52）" in timeline


def test_draft_then_confirm_with_a_change_rule(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    client.force_login(world.dave)
    url = reverse("assessments:assessment_add") + f"?elder={elder.pk}"
    partial = {k: v for k, v in sheet(70).items() if not k.startswith("B.4")}
    assert client.post(url, partial).status_code == 302
    a = Assessment.objects.get(elder=elder)
    assert a.status == Status.DRAFT and a.final_level is None
    edit = reverse("assessments:assessment_edit", args=[a.pk])
    response = client.post(edit, {**partial, "confirm": "1"})  # still incomplete
    assert response.status_code == 302 and response["Location"] == edit
    a.refresh_from_db()
    assert a.status == Status.DRAFT
    client.post(edit, sheet(70, dementia="on", risk_fall="1", risk_choking="1", confirm="1"))
    a.refresh_from_db()
    assert (a.preliminary_level, a.final_level) == (1, 3)
    assert [c["rule"] for c in a.level_changes] == ["diagnosis", "risk_events"]
    assert "确诊痴呆" in client.get(a.get_absolute_url()).content.decode()


def test_invalid_sheet_shows_errors(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    client.force_login(world.bob)
    url = reverse("assessments:assessment_add") + f"?elder={elder.pk}"
    response = client.post(url, sheet(60, **{"B.2.4": "4", "assessor_name": ""}))
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_live_preview(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    client.force_login(world.bob)
    url = reverse("assessments:assessment_preview") + f"?elder={elder.pk}"
    html = client.post(url, sheet(45), HTTP_HX_REQUEST="true").content.decode()
    assert "45 / 90" in html and "能力重度受损（重度失能）" in html
    partial = client.post(url, {"B.1.1": "4", "B.1.2": "3", "scheme": "gb42195"}).content.decode()
    assert "已答 2/26" in partial and "7 / 90" in partial
    client.force_login(world.carol)
    assert client.post(url, sheet(45)).status_code == 404


def test_void_from_the_page(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    a = assess(world.bob, elder, total=20)
    client.force_login(world.bob)
    client.post(reverse("assessments:assessment_void", args=[a.pk]), {"reason": "录入错误"})
    a.refresh_from_db()
    elder.refresh_from_db()
    assert a.status == Status.VOID and elder.capability_level is None
    timeline = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    assert f"能力评估 #{a.pk} 作废" in timeline


def test_report_html_and_pdf(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    a = assess(world.bob, elder, total=52, assessed_on=datetime.date(2026, 1, 5))
    client.force_login(world.bob)
    html = client.get(reverse("assessments:assessment_report", args=[a.pk])).content.decode()
    assert "老年人能力评估报告" in html and "2026年1月5日" in html and "能力中度受损（中度失能）" in html
    assert elder.id_number_masked in html and elder.id_number not in html
    assert "评估员签名" in html and "@media print" in html
    assert "http://" not in html and "https://" not in html
    response = client.get(reverse("assessments:assessment_report_pdf", args=[a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    fonts = set(re.findall(rb"/BaseFont /[A-Z]+\+([^/\s]+)", report.render_pdf(a, uncompressed=True)))
    assert fonts and all(b"CJK" in f for f in fonts), fonts  # Chinese set in Noto CJK, nothing missing
    assert AccessLog.objects.filter(kind=AccessLog.Kind.PRINT, object_id=str(a.pk)).count() == 2


def test_due_list_page(client: Client, world: World) -> None:
    today = timezone.localdate()
    late = elder_in(world.areas.community_a1)
    make_assessment(late, assessed_on=today - datetime.timedelta(days=400))
    fresh = elder_in(world.areas.community_a1)
    make_assessment(fresh, assessed_on=today)
    client.force_login(world.bob)
    html = client.get(reverse("assessments:assessment_due")).content.decode()
    assert late.name in html and fresh.name not in html
    html = client.get(reverse("assessments:assessment_list"), {"final_level": "2"}).content.decode()
    assert late.name in html and fresh.name in html


def test_api_create_confirm_and_masking(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    client.force_login(world.bob)
    payload = {
        "elder": elder.pk,
        "assessed_on": timezone.localdate().isoformat(),
        "organisation": "评估中心",
        "assessor_name": "王评估",
        "answers": answers_with_total(29),
        "risk_events": {"fall": 3},
    }
    created = client.post(reverse("assessment-list"), payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["elder"]["id_number_masked"] == elder.id_number_masked
    assert elder.id_number not in created.content.decode()
    confirmed = client.post(reverse("assessment-confirm", args=[body["id"]]))
    assert confirmed.status_code == 200
    assert (
        confirmed.json()["final_level"] == 4
        and confirmed.json()["final_level_name"] == "能力完全丧失（完全失能）"
    )
    assert Elder.objects.get(pk=elder.pk).capability_level == 4
    again = client.post(reverse("assessment-confirm", args=[body["id"]]))
    assert again.status_code == 400
    bad = client.post(
        reverse("assessment-list"), {**payload, "answers": {"B.2.4": 9}}, content_type="application/json"
    )
    assert bad.status_code == 400 and "B.2.4" in bad.json()
    items = client.get(reverse("assessment-items")).json()
    assert len(items["gb42195"]) == 26 and len(items["mzt039"]) == 22


def test_mzt_sheet_and_record(client: Client, world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    client.force_login(world.bob)
    url = reverse("assessments:assessment_add") + f"?elder={elder.pk}&scheme=mzt039"
    assert "B.1.10 上下楼梯" in client.get(url).content.decode()
    from yiyang.assessments.scoring import MZT_ITEMS

    data = sheet(90, scheme="mzt039")
    for key in [k for k in data if k.startswith("B.")]:
        del data[key]
    data.update({i.code: str(i.max_score if i.group == "B.1" else 0) for i in MZT_ITEMS})
    data["B.1.1"] = "5"
    client.post(reverse("assessments:assessment_add") + f"?elder={elder.pk}", {**data, "confirm": "1"})
    a = Assessment.objects.get(elder=elder)
    assert (a.scheme, a.final_level, a.total, a.grades) == (
        "mzt039",
        1,
        None,
        {"B.1": 1, "B.2": 0, "B.3": 0, "B.4": 0},
    )
    html = client.get(a.get_absolute_url()).content.decode()
    assert "轻度失能" in html
    assert client.get(reverse("assessments:assessment_report_pdf", args=[a.pk])).status_code == 200
