"""Protective follow-up of neglect and abuse (保护性跟进): opened with the case whoever takes it, four
mandatory steps due by rules as data, escalated set-based when one passes undone, closed only when
all are done, never shown to the provider complained about nor the hotline, on the elder's timeline."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.complaints import actions
from yiyang.complaints.actions.protection import escalate_overdue_steps
from yiyang.complaints.models import CaseEvent, DeadlineRule, ProtectiveCase, ProtectiveStep
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


def _neglect(world: World, **extra: Any) -> Any:
    elder = ElderFactory.create(area=world.areas.community_a1, name="沈兰英")
    data: dict[str, Any] = {"channel": "hotline", "category": "neglect", "title": "独居老人无人照料",
                            "content": "邻居反映老人多日无人送饭，屋内脏乱。", "elder": elder,
                            "complainant_name": "李先生", "relation": "neighbour"}  # fmt: skip
    data.update(extra)
    case, _created = actions.case_create(data=actions.CaseData(**data), actor=world.erin)
    return case


def test_a_neglect_case_opens_four_steps_due_by_the_rules(world: World) -> None:
    DeadlineRule.objects.create(name="保护性跟进 上门探视", step="visit", amount=12, unit="hours",
                                valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    received = timezone.now().replace(microsecond=0)
    case = _neglect(world, received_at=received)
    protection = ProtectiveCase.objects.get(case=case)
    assert protection.elder == case.elder and protection.area_path == case.area_path
    due = {s.kind: s.due_at for s in protection.steps.all()}
    assert due == {"visit": received + datetime.timedelta(hours=12),
                   "assessment": received + datetime.timedelta(hours=72),
                   "referral": received + datetime.timedelta(hours=120),
                   "review": received + datetime.timedelta(hours=720)}  # fmt: skip
    assert protection.steps.get(kind="visit").due_rule.startswith("保护性跟进 上门探视")
    assert AuditEntry.objects.filter(verb="protectivecase.open", object_id=str(protection.pk)).count() == 1
    # nothing of it on the case's record, which the unit complained about reads
    assert not CaseEvent.objects.filter(case=case, note__contains="保护").exists()
    # a service complaint opens none; opening by hand twice leaves one
    other, _c = actions.case_create(data=actions.CaseData(channel="hotline", category="service", title="t", content="c",
                                                          area=world.areas.community_a1), actor=world.erin)  # fmt: skip
    assert not ProtectiveCase.objects.filter(case=other).exists()
    with pytest.raises(ValidationError):
        actions.protection_open(case=other, actor=world.dave)
    assert actions.protection_open(case=case, actor=world.dave) == protection
    assert ProtectiveCase.objects.count() == 1


def test_steps_done_then_closed_and_twice_changes_nothing(world: World) -> None:
    protection = ProtectiveCase.objects.get(case=_neglect(world))
    steps = {s.kind: s for s in protection.steps.all()}
    with pytest.raises(ValidationError, match="请填写跟进结论"):
        actions.protection_close(protection=protection, outcome="", actor=world.dave)
    with pytest.raises(ValidationError, match="还有必做环节未完成"):
        actions.protection_close(protection=protection, outcome="已安排助餐", actor=world.dave)
    with pytest.raises(ValidationError, match="风险等级"):
        actions.step_complete(step=steps["assessment"], note="评估", actor=world.dave)
    actions.step_complete(step=steps["visit"], note="已上门，老人精神尚可，冰箱无食物", actor=world.dave)
    actions.step_complete(step=steps["visit"], note="又按一次", actor=world.dave)
    steps["visit"].refresh_from_db()
    assert steps["visit"].note == "已上门，老人精神尚可，冰箱无食物"
    actions.step_complete(
        step=steps["assessment"], note="子女长期在外，无人照料", risk="high", actor=world.dave
    )
    protection.refresh_from_db()
    assert protection.risk == "high"
    actions.step_complete(step=steps["referral"], note="转介社区助餐、联系子女", actor=world.dave)
    actions.step_complete(step=steps["review"], note="两周后复查，已有人送餐", actor=world.dave)
    actions.protection_close(protection=protection, outcome="已落实助餐和子女探望", actor=world.dave)
    protection.refresh_from_db()
    assert protection.status == "closed" and protection.closed_at
    verbs = set(AuditEntry.objects.filter(object_id=str(protection.pk), object_type="complaints.protectivecase")
                .values_list("verb", flat=True))  # fmt: skip
    assert {"protectivecase.visit", "protectivecase.assessment", "protectivecase.close"} <= verbs


def test_overdue_steps_escalate_once_set_based(world: World) -> None:
    first = ProtectiveCase.objects.get(case=_neglect(world))
    second = ProtectiveCase.objects.get(case=_neglect(world))
    actions.step_complete(step=second.steps.get(kind="visit"), note="已上门", actor=world.dave)
    later = timezone.now() + datetime.timedelta(hours=25)
    assert escalate_overdue_steps(later) == 1  # the first's visit; the second's was done
    assert escalate_overdue_steps(later) == 0  # once
    first.refresh_from_db()
    assert first.escalation_level == 1 and first.steps.get(kind="visit").escalated_at is not None
    # 97 h after intake: both assessments (72 h) are late; the referrals (120 h) are not yet
    assert escalate_overdue_steps(later + datetime.timedelta(days=3)) == 2
    first.refresh_from_db()
    assert first.escalation_level == 2


def test_only_the_offices_of_the_area_see_it_never_the_provider_or_hotline(
    client: Client, world: World
) -> None:
    provider = f.provider(items=[f.item()], name="颐和家政")
    grant_membership(world.frank, provider)
    case = _neglect(world)
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    protection = ProtectiveCase.objects.get(case=case)
    url = reverse("complaints:protectivecase_detail", args=[protection.pk])
    for who, status in (
        ("dave", 200),
        ("bob", 200),
        ("alice", 200),
        ("carol", 404),
        ("frank", 403),
        ("erin", 403),
    ):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == status, who
    client.force_login(world.frank)
    page = client.get(case.get_absolute_url())
    assert (
        page.status_code == 200 and url not in page.content.decode()
    )  # the provider sees its case, not this
    client.force_login(world.dave)
    assert url in client.get(case.get_absolute_url()).content.decode()
    timeline = client.get(reverse("people:elder_detail", args=[case.elder_id]) + "?tab=timeline")
    assert timeline.status_code == 200


def test_pages_complete_a_step_and_refuse_bad_input(client: Client, world: World) -> None:
    protection = ProtectiveCase.objects.get(case=_neglect(world))
    client.force_login(world.dave)
    url = reverse("complaints:protectivestep_complete", args=[protection.pk, "assessment"])
    bad = client.post(url, {"step-assessment-note": ""})
    assert bad.status_code == 400
    nor = client.post(url, {"step-assessment-note": "评估", "step-assessment-risk": ""}, follow=True)
    assert "风险评估须选择风险等级" in nor.content.decode()
    ok = client.post(url, {"step-assessment-note": "无人照料", "step-assessment-risk": "medium"})
    assert ok.status_code == 302
    assert ProtectiveStep.objects.get(protection=protection, kind="assessment").done_at is not None
    listing = client.get(reverse("complaints:protectivecase_list") + "?overdue=false")
    assert listing.context["table"].paginator.count == 1
