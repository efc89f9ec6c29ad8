"""Reads other apps rely on: the assessment in force, the rules in force, who is due for re-assessment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length

from yiyang.assessments import scoring
from yiyang.assessments.choices import Status
from yiyang.assessments.models import Assessment, ScoringConfig
from yiyang.people.models import Elder

DEFAULT_REASSESSMENT_MONTHS = 12
DEFAULT_REMINDER_DAYS = 30


@dataclass(frozen=True)
class RulesInForce:
    """The scoring switches, interval and reminder lead time for one area on one date."""

    config: ScoringConfig | None
    rules: scoring.ScoringConfig
    reassessment_months: int
    reminder_days: int

    def snapshot(self) -> dict[str, object]:
        return {
            "config_id": self.config.pk if self.config else None,
            "coma_level": self.rules.coma_level,
            "raises_add_up": self.rules.raises_add_up,
            "risk_counting": self.rules.risk_counting,
            "risk_threshold": self.rules.risk_threshold,
            "reassessment_months": self.reassessment_months,
        }


def rules_in_force(area_path: str, on: datetime.date) -> RulesInForce:
    """The configuration of the most specific area containing ``area_path`` that is in force on ``on``
    (the latest ``valid_from`` not after it); the built-in defaults when there is none."""
    candidates = [
        c
        for c in ScoringConfig.objects.filter(valid_from__lte=on)
        .annotate(depth=Length("area_path"))
        .order_by("-depth", "-valid_from")
        if area_path.startswith(c.area_path)
    ]
    if not candidates:
        return RulesInForce(None, scoring.ScoringConfig(), DEFAULT_REASSESSMENT_MONTHS, DEFAULT_REMINDER_DAYS)
    config = candidates[0]
    return RulesInForce(config, config.rules(), config.reassessment_months, config.reminder_days)


def current_assessment(elder: Elder, on: datetime.date) -> Assessment | None:
    """The confirmed assessment valid on ``on`` (assessed_on ≤ on ≤ valid_to), the latest if several.

    An expired assessment does not count: the care subsidy (护理补贴) reads this.
    """
    return (
        Assessment.objects.filter(elder=elder, status=Status.CONFIRMED, assessed_on__lte=on, valid_to__gte=on)
        .order_by("-assessed_on", "-id")
        .first()
    )


def latest_confirmed(elder: Elder) -> Assessment | None:
    """The latest confirmed assessment, valid or not: the elder's 能力等级 follows it."""
    return (
        Assessment.objects.filter(elder=elder, status=Status.CONFIRMED)
        .order_by("-assessed_on", "-id")
        .first()
    )


def superseded_q() -> Q:
    """Confirmed assessments that a later confirmed assessment of the same elder replaces."""
    later = Assessment.objects.filter(elder=OuterRef("elder"), status=Status.CONFIRMED).filter(
        Q(assessed_on__gt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), id__gt=OuterRef("id"))
    )
    return Q(Exists(later))


def due_for_reassessment(
    qs: QuerySet[Assessment],
    today: datetime.date,
    *,
    within_days: int | None = None,
    expired: bool | None = None,
) -> QuerySet[Assessment]:
    """Each living elder's latest confirmed assessment that expires within ``within_days`` (from today,
    inclusive) and/or has already expired. ``expired=True``: only expired; ``False``: only not yet."""
    qs = qs.filter(status=Status.CONFIRMED, elder__status="living").exclude(superseded_q())
    if expired is True:
        return qs.filter(valid_to__lt=today)
    if expired is False:
        qs = qs.filter(valid_to__gte=today)
    if within_days is not None:
        qs = qs.filter(valid_to__lte=today + datetime.timedelta(days=within_days))
    return qs


def level_history(elder: Elder) -> QuerySet[Assessment]:
    """The elder's confirmed and voided assessments, newest first (the level history on the detail page)."""
    return Assessment.objects.filter(elder=elder).exclude(status=Status.DRAFT).order_by("-assessed_on", "-id")
