"""Test helpers: answers with a given total, and assessments written directly or through the actions."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.utils import timezone

from yiyang.assessments import scoring
from yiyang.assessments.actions import AssessmentData, assessment_confirm, assessment_save_draft
from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment, add_months
from yiyang.people.models import Elder


def answers_with_total(total: int) -> dict[str, int]:
    answers, deficit = {i.code: i.max_score for i in scoring.GB_ITEMS}, 90 - total
    for item in scoring.GB_ITEMS:
        take = min(deficit, item.max_score)
        answers[item.code] -= take
        deficit -= take
    return answers


def data(total: int = 52, *, assessed_on: datetime.date | None = None, **overrides: Any) -> AssessmentData:
    values: dict[str, Any] = {
        "assessed_on": assessed_on or timezone.localdate(),
        "assessor_name": "王评估",
        "organisation": "通州区老年人能力评估中心",
        "answers": answers_with_total(total),
    }
    values.update(overrides)
    return AssessmentData(**values)


def assess(actor: Any, elder: Elder, total: int = 52, **overrides: Any) -> Assessment:
    """Draft and confirm through the actions (audited, the elder's level follows)."""
    draft = assessment_save_draft(elder=elder, data=data(total, **overrides), actor=actor)
    return assessment_confirm(assessment=draft, actor=actor)


def make_assessment(
    elder: Elder,
    *,
    total: int = 52,
    status: str = Status.CONFIRMED,
    assessed_on: datetime.date | None = None,
    months: int = 12,
) -> Assessment:
    """A row written directly (no audit, the elder's level untouched)."""
    day = assessed_on or timezone.localdate()
    answers = answers_with_total(total)
    result = scoring.score_gb42195(answers, scoring.ChangeFacts())
    return Assessment.objects.create(
        elder=elder,
        assessed_on=day,
        valid_to=add_months(day, months) if status == Status.CONFIRMED else None,
        assessor_name="王评估",
        organisation="评估中心",
        answers=answers,
        subtotals=result.subtotals,
        total=result.total,
        preliminary_level=result.preliminary_level,
        final_level=result.final_level,
        status=status,
    )


def elder_in(area: Any, **kwargs: Any) -> Elder:
    """``ElderFactory`` typed as what it returns."""
    from yiyang.people.tests.factories import ElderFactory

    return cast(Elder, ElderFactory(area=area, **kwargs))
