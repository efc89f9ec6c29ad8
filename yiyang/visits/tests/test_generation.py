"""A month's tasks for a whole district in one statement: tiers, periods, assignment, idempotency."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World, make_user
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import actions
from yiyang.visits.models import VisitTask
from yiyang.visits.tests.factories import standard_rules
from yiyang.visits.views import tier_of

pytestmark = pytest.mark.django_db


def _month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def test_generate_assigns_by_grid_then_community_and_twice_adds_nothing(world: World) -> None:
    standard_rules()
    gina = make_user("gina", "community_worker", [world.areas.grid_a1])
    in_grid = ElderFactory.create(area=world.areas.grid_a1, age=85, living_situation="alone")
    in_community = ElderFactory.create(area=world.areas.community_a1, age=70, categories="tekun")
    unstaffed = ElderFactory.create(area=world.areas.community_a2, age=70, living_situation="empty_nest")
    ElderFactory.create(area=world.areas.community_a1, age=70)  # no tier
    ElderFactory.create(area=world.areas.community_a1, age=90, living_situation="alone", status="deceased")
    elsewhere = ElderFactory.create(area=world.areas.other_community, age=85, living_situation="alone")

    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=world.alice)
    assert result.routine == 1 + 2 + 1
    tasks = {t.elder_id: list(VisitTask.objects.filter(elder_id=t.elder_id)) for t in VisitTask.objects.all()}
    assert [t.assignee for t in tasks[in_grid.pk]] == [gina]
    assert {t.assignee for t in tasks[in_community.pk]} == {world.dave}
    assert [t.assignee for t in tasks[unstaffed.pk]] == [None]
    assert elsewhere.pk not in tasks
    assert tasks[in_grid.pk][0].reason == "80岁以上独居"
    assert sorted(t.period_key[-1] for t in tasks[in_community.pk]) == ["a", "b"]

    again = actions.tasks_generate(area=world.areas.district, month=_month(), actor=world.alice)
    assert again.total == 0
    assert VisitTask.objects.count() == 4
    assert AuditEntry.objects.filter(verb="visittask.generate").count() == 2


def test_the_sql_tier_is_the_tier_the_page_explains(world: World) -> None:
    standard_rules()
    elders = [
        ElderFactory.create(area=world.areas.community_a1, age=age, living_situation=living, categories=cats,
                            capability_level=level)
        for age, living, cats, level in [
            (80, "alone", "", None), (79, "alone", "", None), (70, "with_family", "tekun", None),
            (75, "empty_nest", "dibao", 3), (66, "empty_nest", "", 0), (95, "alone", "dibao,tekun", 4),
        ]
    ]  # fmt: skip
    actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    start = timezone.localdate().replace(day=1)
    for elder in elders:
        tier = tier_of(elder, start)
        generated = set(VisitTask.objects.filter(elder=elder).values_list("rule__name", flat=True))
        assert generated == ({tier.rule.name} if tier.rule else set()), elder


def test_a_street_generates_only_its_own_street(world: World) -> None:
    standard_rules()
    ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    ElderFactory.create(area=world.areas.community_b1, age=85, living_situation="alone")
    actions.tasks_generate(area=world.areas.street_a, month=_month(), actor=world.bob)
    assert set(VisitTask.objects.values_list("area_path", flat=True)) == {world.areas.community_a1.path}
    with pytest.raises(PermissionDenied):
        actions.tasks_generate(area=world.areas.street_b, month=_month(), actor=world.bob)
    with pytest.raises(PermissionDenied):
        actions.tasks_generate(area=world.areas.street_a, month=_month(), actor=world.dave)
    with pytest.raises(ValidationError):
        actions.tasks_generate(area=world.areas.street_a, month="2026-13", actor=world.bob)


def test_a_real_alarm_closed_this_month_brings_a_visit_within_three_days(world: World) -> None:
    from yiyang.safety.models import Alarm

    standard_rules()
    elder = ElderFactory.create(area=world.areas.community_a1, age=70)
    closed = timezone.now()
    Alarm.objects.create(
        elder=elder, kind="fall", fold_key="x1", closed_at=closed, outcome="real", status="closed"
    )
    Alarm.objects.create(
        elder=elder, kind="sos", fold_key="x2", closed_at=closed, outcome="false", status="closed"
    )
    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    assert result.event == 1
    task = VisitTask.objects.get(kind="event")
    assert task.due_date == timezone.localtime(closed).date() + datetime.timedelta(days=3)
    assert actions.tasks_generate(area=world.areas.district, month=_month(), actor=None).total == 0


def test_the_generate_page(client: Client, world: World) -> None:
    standard_rules()
    ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    client.force_login(world.bob)
    assert client.get("/visits/generate/").status_code == 200
    response = client.post("/visits/generate/", {"area": world.areas.street_a.pk, "month": _month()})
    assert response.status_code == 302
    assert VisitTask.objects.count() == 1
    response = client.post("/visits/generate/", {"area": world.areas.street_b.pk, "month": _month()})
    assert response.status_code == 200  # street B is not bob's: not a choice
    client.force_login(world.dave)
    assert client.get("/visits/generate/").status_code == 403


def test_a_task_added_by_hand_for_the_period_is_kept_and_the_rest_still_generated(world: World) -> None:
    standard_rules()
    kept = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    other = ElderFactory.create(area=world.areas.community_a1, age=86, living_situation="alone")
    by_hand = VisitTask.objects.create(
        elder=kept, area_path=kept.area_path, period_key=_month(), window_start=timezone.localdate(),
        due_date=timezone.localdate(), reason="手工",
    )  # fmt: skip
    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    assert result.routine == 1
    assert list(VisitTask.objects.filter(elder=kept)) == [by_hand]
    assert VisitTask.objects.filter(elder=other, period_key=_month()).count() == 1


def test_the_statement_that_meets_a_task_written_meanwhile_skips_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The anti-join cannot see a task committed while it runs: the unique index refuses the plain
    insert and the statement runs again with ON CONFLICT DO NOTHING (simulated: the anti-join left out)."""
    from yiyang.visits import generation

    standard_rules()
    elder = ElderFactory.create(area=world.areas.community_a1, age=85, living_situation="alone")
    ElderFactory.create(area=world.areas.community_a1, age=86, living_situation="alone")
    VisitTask.objects.create(
        elder=elder, area_path=elder.area_path, period_key=_month(), window_start=timezone.localdate(),
        due_date=timezone.localdate(), reason="手工",
    )  # fmt: skip
    monkeypatch.setattr(generation, "not_there", lambda task: "1 = 1")
    result = actions.tasks_generate(area=world.areas.district, month=_month(), actor=None)
    assert result.routine == 1
    assert VisitTask.objects.count() == 2
