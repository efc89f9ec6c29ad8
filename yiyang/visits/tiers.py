"""Visit tiers as pure functions: which rule an elder falls under, why, and the periods a rule visits.

The SQL that generates a city's tasks (``visits.generation``) applies the same conditions; a test
holds the two to the same answers.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from yiyang.people.choices import CapabilityLevel, EconomicCategory, LivingSituation
from yiyang.visits.choices import Cycle


class RuleLike(Protocol):
    name: str
    rank: int
    min_age: int | None
    living_situation: str
    category: str
    min_capability: int | None
    cycle: str


@dataclass(frozen=True)
class Facts:
    """What the registry says about one elder on the day asked about."""

    age: int
    living_situation: str
    categories: Sequence[str] = ()
    capability_level: int | None = None


@dataclass
class Tier:
    rule: RuleLike | None
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.rule.name if self.rule is not None else _("不在走访名单")


def rule_reasons(rule: RuleLike, facts: Facts) -> list[str] | None:
    """Why ``rule`` holds for ``facts`` (one line per condition), or None when it does not."""
    reasons: list[str] = []
    if rule.min_age is not None:
        if facts.age < rule.min_age:
            return None
        reasons.append(_("年龄 %(age)s 岁（≥ %(min)s）") % {"age": facts.age, "min": rule.min_age})
    if rule.living_situation:
        if facts.living_situation != rule.living_situation:
            return None
        reasons.append(_("居住情况：%(label)s") % {"label": LivingSituation(rule.living_situation).label})
    if rule.category:
        if rule.category not in facts.categories:
            return None
        reasons.append(_("经济类别：%(label)s") % {"label": EconomicCategory(rule.category).label})
    if rule.min_capability is not None:
        if facts.capability_level is None or facts.capability_level < rule.min_capability:
            return None
        reasons.append(_("能力等级：%(label)s") % {"label": CapabilityLevel(facts.capability_level).label})
    if not reasons:
        reasons.append(_("所有在册老人"))
    return reasons


def tier_for(facts: Facts, rules: Iterable[RuleLike]) -> Tier:
    """The periodic rule of the smallest rank that holds (ties: the earlier in ``rules``)."""
    best: Tier = Tier(None)
    for rule in sorted((r for r in rules if r.cycle != Cycle.EVENT), key=lambda r: r.rank):
        reasons = rule_reasons(rule, facts)
        if reasons is not None:
            return Tier(rule, reasons)
    return best


@dataclass(frozen=True)
class Slot:
    period_key: str
    window_start: datetime.date
    due_date: datetime.date


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def slots_for(cycle: str, year: int, month: int) -> list[Slot]:
    """The visit periods of ``cycle`` that a month's generation creates.

    每半月: the 1st–15th and the 16th–end; 每月: the month; 每季度: the quarter the month is in (whichever
    month of it is generated first creates it; the others find it there).
    """
    start, end = month_bounds(year, month)
    if cycle == Cycle.HALF_MONTH:
        middle = datetime.date(year, month, 15)
        return [
            Slot(f"{year}-{month:02d}a", start, middle),
            Slot(f"{year}-{month:02d}b", middle + datetime.timedelta(days=1), end),
        ]
    if cycle == Cycle.MONTH:
        return [Slot(f"{year}-{month:02d}", start, end)]
    if cycle == Cycle.QUARTER:
        quarter = (month - 1) // 3
        q_start = datetime.date(year, quarter * 3 + 1, 1)
        q_end = month_bounds(year, quarter * 3 + 3)[1]
        return [Slot(f"{year}Q{quarter + 1}", q_start, q_end)]
    return []


def parse_month(text: str) -> tuple[int, int]:
    """``2026-12`` → (2026, 12); ValueError on anything else."""
    year_text, _sep, month_text = text.strip().partition("-")
    year, month = int(year_text), int(month_text)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(text)
    return year, month


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
