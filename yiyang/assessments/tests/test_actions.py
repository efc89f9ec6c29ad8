from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiyang.assessments import actions
from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment, ScoringConfig, add_months
from yiyang.assessments.selectors import current_assessment, due_for_reassessment, rules_in_force
from yiyang.assessments.tests.factories import assess, data, elder_in, make_assessment
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World

pytestmark = pytest.mark.django_db


def test_confirm_sets_the_elder_level_and_audits(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    a = assess(world.bob, elder, total=52)
    elder.refresh_from_db()
    assert (a.status, a.total, a.preliminary_level, a.final_level) == (Status.CONFIRMED, 52, 2, 2)
    assert a.subtotals == {"B.1": 0, "B.2": 9, "B.3": 28, "B.4": 15}
    assert elder.capability_level == 2
    assert a.valid_to == add_months(a.assessed_on, 12)
    verbs = list(AuditEntry.objects.filter(subject_id=elder.pk).values_list("verb", flat=True))
    assert {"assessment.create", "assessment.confirm", "elder.capability_level"} <= set(verbs)
    level_row = AuditEntry.objects.get(verb="elder.capability_level", subject_id=elder.pk)
    assert level_row.message == f"能力评估 #{a.pk}"
    assert AuditEntry.objects.get(verb="assessment.confirm").area_path == elder.area_path


def test_confirm_refuses_incomplete_answers(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    partial = data(answers={"B.1.1": 4, "B.1.2": 3})
    draft = actions.assessment_save_draft(elder=elder, data=partial, actor=world.bob)
    assert draft.status == Status.DRAFT and draft.total == 7 and draft.final_level is None
    with pytest.raises(ValidationError) as exc:
        actions.assessment_confirm(assessment=draft, actor=world.bob)
    assert "缺少评估项目 B.1.3 洗澡" in exc.value.messages
    elder.refresh_from_db()
    assert elder.capability_level is None


def test_draft_rejects_out_of_range_score(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    with pytest.raises(ValidationError) as exc:
        actions.assessment_save_draft(elder=elder, data=data(answers={"B.2.4": 4}), actor=world.bob)
    assert "B.2.4" in exc.value.message_dict


def test_future_date_is_refused(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        actions.assessment_save_draft(elder=elder, data=data(assessed_on=tomorrow), actor=world.bob)


def test_void_rederives_from_the_latest_remaining(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    today = timezone.localdate()
    first = assess(world.bob, elder, total=70, assessed_on=today - datetime.timedelta(days=100))
    second = assess(world.bob, elder, total=20, assessed_on=today)
    elder.refresh_from_db()
    assert elder.capability_level == second.final_level == 4
    actions.assessment_void(assessment=second, reason="录入错误", actor=world.bob)
    elder.refresh_from_db()
    assert elder.capability_level == first.final_level == 1
    row = AuditEntry.objects.filter(verb="elder.capability_level").order_by("-id").first()
    assert row is not None and f"#{second.pk} 作废" in row.message
    actions.assessment_void(assessment=first, reason="复评推翻", actor=world.alice)
    elder.refresh_from_db()
    assert elder.capability_level is None
    assert AuditEntry.objects.filter(verb="assessment.void").count() == 2


def test_backdated_confirmation_does_not_override_a_later_one(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    today = timezone.localdate()
    assess(world.bob, elder, total=20, assessed_on=today)
    assess(world.bob, elder, total=90, assessed_on=today - datetime.timedelta(days=300))
    elder.refresh_from_db()
    assert elder.capability_level == 4


def test_void_needs_a_reason_and_permission(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    a = assess(world.bob, elder)
    with pytest.raises(ValidationError):
        actions.assessment_void(assessment=a, reason=" ", actor=world.bob)
    with pytest.raises(PermissionDenied):
        actions.assessment_void(assessment=a, reason="录入错误", actor=world.dave)  # community worker


def test_other_street_cannot_assess(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    with pytest.raises(PermissionDenied):
        actions.assessment_save_draft(elder=elder, data=data(), actor=world.carol)
    with pytest.raises(PermissionDenied):
        actions.assessment_save_draft(elder=elder, data=data(), actor=world.grace)  # auditor


def test_confirmed_assessment_cannot_be_edited(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    a = assess(world.bob, elder)
    with pytest.raises(ValidationError):
        actions.assessment_save_draft(elder=elder, data=data(total=30), actor=world.bob, assessment=a)


def test_config_in_force_on_the_assessment_date(world: World) -> None:
    today = timezone.localdate()
    ScoringConfig.objects.create(
        area=world.areas.district,
        valid_from=today - datetime.timedelta(days=30),
        coma_level=3,
        raises_add_up=False,
        reassessment_months=6,
    )
    elder = elder_in(world.areas.community_a1)
    old = assess(world.bob, elder, total=70, coma=True, assessed_on=today - datetime.timedelta(days=60))
    assert old.final_level == 4 and old.config is None and old.valid_to == add_months(old.assessed_on, 12)
    new = assess(world.bob, elder, total=70, coma=True)
    assert new.final_level == 3 and new.config is not None
    assert new.valid_to == add_months(new.assessed_on, 6)
    assert (new.rules_applied or {})["coma_level"] == 3
    both = assess(world.bob, elder, total=70, dementia=True, risk_events={"fall": 1, "other": 1})
    assert both.final_level == 2  # once in total under this configuration


def test_more_specific_area_config_wins(world: World) -> None:
    today = timezone.localdate()
    ScoringConfig.objects.create(area=world.areas.district, valid_from=today, reassessment_months=12)
    ScoringConfig.objects.create(area=world.areas.street_a, valid_from=today, reassessment_months=6)
    assert rules_in_force(world.areas.community_a1.path, today).reassessment_months == 6
    assert rules_in_force(world.areas.community_b1.path, today).reassessment_months == 12
    assert rules_in_force(world.areas.other_community.path, today).config is None


def test_current_assessment_respects_validity(world: World) -> None:
    elder = elder_in(world.areas.community_a1)
    day = datetime.date(2025, 3, 1)
    a = make_assessment(elder, assessed_on=day)
    assert a.valid_to == datetime.date(2026, 3, 1)
    assert current_assessment(elder, day) == a
    assert current_assessment(elder, datetime.date(2026, 3, 1)) == a
    assert current_assessment(elder, datetime.date(2026, 3, 2)) is None
    assert current_assessment(elder, datetime.date(2025, 2, 28)) is None
    make_assessment(elder, assessed_on=day, status=Status.DRAFT)
    voided = make_assessment(elder, assessed_on=day + datetime.timedelta(days=1), status=Status.VOID)
    assert current_assessment(elder, day + datetime.timedelta(days=2)) == a != voided


def test_add_months_end_of_month() -> None:
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 11, 22), 12) == datetime.date(2026, 11, 22)


def test_due_list_uses_each_elders_latest(world: World) -> None:
    today = timezone.localdate()
    soon = elder_in(world.areas.community_a1)
    make_assessment(soon, assessed_on=add_months(today, -12) + datetime.timedelta(days=10))
    expired = elder_in(world.areas.community_a1)
    make_assessment(expired, assessed_on=add_months(today, -12) - datetime.timedelta(days=5))
    renewed = elder_in(world.areas.community_a1)
    make_assessment(renewed, assessed_on=add_months(today, -12) - datetime.timedelta(days=5))
    make_assessment(renewed, assessed_on=today)
    fine = elder_in(world.areas.community_a1)
    make_assessment(fine, assessed_on=today - datetime.timedelta(days=30))
    qs = Assessment.objects.all()
    assert {a.elder for a in due_for_reassessment(qs, today, within_days=30)} == {soon, expired}
    assert {a.elder for a in due_for_reassessment(qs, today, expired=True)} == {expired}
    assert {a.elder for a in due_for_reassessment(qs, today, within_days=30, expired=False)} == {soon}
