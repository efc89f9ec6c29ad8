"""The case workflow against the real database: intake, assignment with the rules' deadline, reply,
return call and reopening, extension, transfer, urgent cases, reminders and escalation, and the rule
that a case never closes without a reply."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiyang.complaints import actions
from yiyang.complaints.actions.deadlines import escalate_overdue, remind_due
from yiyang.complaints.choices import EventKind, ExtensionStatus, Status
from yiyang.complaints.models import Case, CaseEvent, DeadlineRule
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.services.tests import factories as f

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def intake(world: World, **extra: Any) -> Case:
    data: dict[str, Any] = {
        "channel": "hotline", "category": "service", "title": "助洁未上门", "content": "约定周二助洁，服务人员未到。",
        "area": world.areas.community_a1, "complainant_name": "王女士", "complainant_phone": "13800001234",
        "relation": "family",
    }  # fmt: skip
    data.update(extra)
    case, created = actions.case_create(data=actions.CaseData(**data), actor=world.erin)
    assert created
    return case


@pytest.fixture
def provider(world: World) -> Any:
    return f.provider(items=[f.item()], name="颐和家政")


def test_intake_numbers_and_records_the_case(world: World) -> None:
    case = intake(world)
    assert case.number.startswith("TS") and case.status == Status.NEW
    assert case.area_path == world.areas.community_a1.path
    assert case.complainant_phone_masked.startswith("138") and "1234" in case.complainant_phone_masked
    assert case.complainant_phone == "13800001234"
    assert [e.kind for e in case.events.all()] == [EventKind.INTAKE]
    assert AuditEntry.objects.filter(object_type="complaints.case", object_id=str(case.pk)).exists()


def test_intake_refuses_bad_input_in_chinese(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.case_create(
            data=actions.CaseData(channel="fax", category="x", title=" ", content="", area=None),
            actor=world.erin,
        )
    assert set(exc.value.message_dict) == {"channel", "category", "title", "content", "area"}
    assert Case.objects.count() == 0


def test_intake_outside_the_users_areas_is_refused(world: World) -> None:
    data = actions.CaseData(
        channel="desk", category="other", title="t", content="c", area=world.areas.community_b1
    )
    with pytest.raises(PermissionDenied):
        actions.case_create(data=data, actor=world.dave)


def test_neglect_is_urgent_and_due_the_same_day(world: World, provider: Any) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    case = intake(world, category="neglect", elder=elder, area=None)
    assert case.urgent and case.elder == elder
    actions.case_assign(
        case=case, unit_kind="community", unit_area=world.areas.community_a1, actor=world.erin
    )
    local = timezone.localtime(case.due_at)
    assert local.date() == timezone.localdate() and (local.hour, local.minute) == (23, 59)
    assert case.due_rule == "紧急件当日办理"


def test_assignment_takes_the_deadline_from_the_rules(world: World, provider: Any) -> None:
    case = intake(world, received_at=at("2026-09-30 10:00"))
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    case.refresh_from_db()
    # 热线服务质量投诉: 3 working days; 1–7 Oct are off, 8, 9 and the worked Saturday 10 Oct count.
    assert timezone.localtime(case.due_at).date() == datetime.date(2026, 10, 10)
    assert "热线服务质量投诉" in case.due_rule
    assert case.status == Status.ASSIGNED and case.unit_provider == provider
    # A letter: 60 calendar days under the petition regulations.
    letter = intake(world, channel="letter", category="rights", received_at=at("2026-03-02 10:00"))
    actions.case_assign(case=letter, unit_kind="street", unit_area=world.areas.street_a, actor=world.erin)
    assert timezone.localtime(letter.due_at).date() == datetime.date(2026, 5, 1)


def test_a_rule_edited_later_applies_from_its_date(world: World, provider: Any) -> None:
    DeadlineRule.objects.filter(channel="hotline", category="service").update(
        valid_to=datetime.date(2026, 6, 30)
    )
    DeadlineRule.objects.create(name="热线服务质量投诉（新）", channel="hotline", category="service", amount=5,
                                valid_from=datetime.date(2026, 7, 1))  # fmt: skip
    old = intake(world, received_at=at("2026-06-01 09:00"))
    new = intake(world, received_at=at("2026-07-01 09:00"))
    for case in (old, new):
        actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    assert timezone.localtime(old.due_at).date() == datetime.date(2026, 6, 4)  # 3 working days
    assert timezone.localtime(new.due_at).date() == datetime.date(2026, 7, 8)  # 5 working days


def test_the_walk_reply_dissatisfied_reopens_then_closes(world: World, provider: Any) -> None:
    staff = f.staff(provider)
    case = intake(world)
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    actions.case_reply(case=case, reply="已核实，补派人员上门。", finding="upheld", actor=staff)
    assert case.status == Status.REPLIED
    actions.case_return_call(case=case, satisfaction="dissatisfied", note="仍未上门", actor=world.erin)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.reopen_count == 1
    actions.case_reply(case=case, reply="已上门补做服务。", finding="upheld", actor=staff)
    actions.case_return_call(case=case, satisfaction="satisfied", actor=world.erin)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at and case.on_time is True
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["intake", "assign", "reply", "return_call", "reopen", "reply", "return_call", "close"]


def test_a_case_never_closes_without_a_reply(world: World, provider: Any) -> None:
    case = intake(world)
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    with pytest.raises(ValidationError):
        actions.case_return_call(case=case, satisfaction="satisfied", actor=world.erin)
    with pytest.raises(ValidationError):
        actions.case_close(case=case, note="无法联系", actor=world.erin)
    with pytest.raises(ValidationError):
        actions.case_reply(case=case, reply="  ", finding="upheld", actor=world.erin)
    # Even written around the actions, the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    assert Case.objects.get(pk=case.pk).status == Status.ASSIGNED


def test_provider_replies_only_to_its_own_cases(world: World, provider: Any) -> None:
    other = f.provider(items=[f.item()], name="别家服务商")
    staff = f.staff(other)
    case = intake(world)
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    with pytest.raises(PermissionDenied):
        actions.case_reply(case=case, reply="x", finding="upheld", actor=staff)
    with pytest.raises(PermissionDenied):  # provider staff never assign or call back
        actions.case_return_call(case=case, satisfaction="satisfied", actor=f.staff(provider))


def test_transfer_keeps_the_deadline_and_moves_visibility(world: World, provider: Any) -> None:
    other = f.provider(items=[f.item()], name="接手服务商")
    case = intake(world)
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    due = case.due_at
    actions.case_assign(
        case=case, unit_kind="provider", unit_provider=other, note="属对方服务范围", actor=world.bob
    )
    case.refresh_from_db()
    assert case.due_at == due and case.unit_provider == other
    assert case.events.filter(kind=EventKind.TRANSFER).count() == 1
    assert not Case.objects.for_user(f.staff(provider)).filter(pk=case.pk).exists()
    assert Case.objects.for_user(f.staff(other)).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        actions.case_assign(case=case, unit_kind="provider", unit_provider=other, actor=world.bob)


def test_extension_needs_approval(world: World, provider: Any) -> None:
    staff = f.staff(provider)
    case = intake(world, received_at=at("2026-03-02 10:00"))
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    assert timezone.localtime(case.due_at).date() == datetime.date(2026, 3, 5)
    with pytest.raises(ValidationError):
        actions.case_extension_request(case=case, days=3, reason="", actor=staff)
    actions.case_extension_request(case=case, days=3, reason="需协调家属", actor=staff)
    with pytest.raises(ValidationError):
        actions.case_extension_request(case=case, days=3, reason="再申请", actor=staff)
    with pytest.raises(PermissionDenied):  # the unit never approves its own extension
        actions.case_extension_decide(case=case, approve=True, actor=staff)
    actions.case_extension_decide(case=case, approve=True, actor=world.bob)
    case.refresh_from_db()
    assert case.extension_status == ExtensionStatus.APPROVED
    assert timezone.localtime(case.due_at).date() == datetime.date(2026, 3, 10)


def test_a_stale_decision_is_refused(world: World, provider: Any) -> None:
    case = intake(world)
    actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    stale = Case.objects.get(pk=case.pk)
    actions.case_reply(case=case, reply="已处理", finding="upheld", actor=world.erin)
    with pytest.raises(ValidationError):
        actions.case_reply(case=stale, reply="再次答复", finding="not_upheld", actor=world.erin)
    assert Case.objects.get(pk=case.pk).reply == "已处理"


def test_reminders_and_escalation_are_set_based_and_once(world: World, provider: Any) -> None:
    now = timezone.now()
    cases = [intake(world) for _ in range(3)]
    for case in cases:
        actions.case_assign(case=case, unit_kind="provider", unit_provider=provider, actor=world.erin)
    street_case = intake(world)
    actions.case_assign(
        case=street_case, unit_kind="street", unit_area=world.areas.street_a, actor=world.erin
    )
    Case.objects.filter(pk=cases[0].pk).update(remind_at=now - datetime.timedelta(hours=1))
    Case.objects.filter(pk__in=[cases[1].pk, street_case.pk]).update(due_at=now - datetime.timedelta(hours=1))
    assert remind_due(now) == 1 and remind_due(now) == 0
    assert escalate_overdue(now) == 2 and escalate_overdue(now) == 0
    c1, sc = Case.objects.get(pk=cases[1].pk), Case.objects.get(pk=street_case.pk)
    assert c1.escalation_level == 1 and c1.escalated_path == world.areas.street_a.path  # provider → street
    assert sc.escalated_path == world.areas.district.path  # street → district
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATE).count() == 2
    assert Case.objects.get(pk=cases[2].pk).escalation_level == 0


def test_a_rights_referral_is_tracked_to_its_outcome(world: World) -> None:
    case = intake(world, category="rights", title="子女拒付赡养费")
    with pytest.raises(ValidationError):
        actions.referral_create(case=case, kind="legal_aid", to_name=" ", actor=world.erin)
    referral = actions.referral_create(
        case=case, kind="legal_aid", to_name="通州区法律援助中心", actor=world.erin
    )
    with pytest.raises(ValidationError):
        actions.referral_update(referral=referral, status="concluded", outcome="", actor=world.erin)
    actions.referral_update(referral=referral, status="accepted", actor=world.erin)
    actions.referral_update(
        referral=referral, status="concluded", outcome="调解成功，子女按月支付", actor=world.bob
    )
    referral.refresh_from_db()
    assert referral.status == "concluded" and referral.concluded_at is not None
    with pytest.raises(ValidationError):
        actions.referral_update(referral=referral, status="accepted", actor=world.erin)
    assert case.events.filter(kind=EventKind.REFERRAL).count() == 3
    with pytest.raises(PermissionDenied):  # another street's case
        actions.referral_create(case=case, kind="lawyer", to_name="某律所", actor=world.carol)
