"""Keeping :class:`ElderStat` correct.

Three ways in, one definition of each count: :func:`stat_cells` is the single GROUP BY that both
the full rebuild and the per-area rebuild use, and :func:`elder_stat_key` gives the same cell and
flags for one elder when an action adjusts counts incrementally.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from yiyang.core.idnumber import age_on
from yiyang.people.choices import AgeBracket, EconomicCategory, ElderStatus, LivingSituation
from yiyang.people.models import Elder, ElderStat, ElderStatState

MEASURES: dict[str, Q] = {
    "alone": Q(living_situation=LivingSituation.ALONE),
    "empty_nest": Q(living_situation=LivingSituation.EMPTY_NEST),
    "gugua": Q(living_situation=LivingSituation.GUGUA),
    "dibao": Q(categories__contains=EconomicCategory.DIBAO),
    "tekun": Q(categories__contains=EconomicCategory.TEKUN),
    "disabled": Q(capability_level__gte=1),
}


def birth_cutoff(today: datetime.date, years: int) -> datetime.date:
    """Latest birth date of someone who is at least ``years`` old today (Feb 29 → Feb 28)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def bracket_expression(today: datetime.date) -> Case:
    whens = [
        When(birth_date__lte=birth_cutoff(today, (b.value + 5) * 10), then=Value(b.value))
        for b in sorted(AgeBracket, reverse=True)
        if b != AgeBracket.UNDER_60
    ]
    return Case(*whens, default=Value(AgeBracket.UNDER_60.value), output_field=IntegerField())


def birth_range(bracket: AgeBracket, today: datetime.date) -> tuple[datetime.date | None, datetime.date]:
    """(earliest exclusive-ish lower bound or None, latest inclusive birth date) for a bracket."""
    low, high = bracket.age_range
    latest = birth_cutoff(today, low)
    earliest = None if high is None else birth_cutoff(today, high + 1)
    return earliest, latest


def counted(qs: QuerySet[Elder]) -> QuerySet[Elder]:
    return qs.filter(status=ElderStatus.LIVING)


def stat_cells(qs: QuerySet[Elder], today: datetime.date) -> QuerySet[Any, Any]:
    aggregates = {name: Count("id", filter=q) for name, q in MEASURES.items()}
    return (
        counted(qs)
        .annotate(bracket=bracket_expression(today))
        .values("area_path", "bracket", "sex")
        .annotate(total=Count("id"), **aggregates)
        .order_by()
    )


def rebuild(area_paths: Iterable[str] | None = None, *, today: datetime.date | None = None) -> int:
    """Recompute the cells of the given areas (all areas when None). Returns the number of cells."""
    day = today or timezone.localdate()
    with transaction.atomic():
        if area_paths is None:
            ElderStat.objects.all().delete()
            source = Elder.objects.all()
        else:
            paths = sorted(set(area_paths))
            ElderStat.objects.filter(area_path__in=paths).delete()
            source = Elder.objects.filter(area_path__in=paths)
        cells = [ElderStat(**row) for row in stat_cells(source, day)]
        ElderStat.objects.bulk_create(cells, batch_size=2000)
        if area_paths is None:
            ElderStatState.objects.all().delete()
            ElderStatState.objects.create(as_of=day)
    return len(cells)


def ensure_fresh(today: datetime.date | None = None) -> ElderStatState:
    """Rebuild when the statistics were computed for another day (people age, certificates lapse)."""
    day = today or timezone.localdate()
    state = ElderStatState.objects.first()
    if state is None or state.as_of != day:
        from yiyang.people.certifications import refresh_categories

        refresh_categories(today=day)
        rebuild(today=day)
        state = ElderStatState.objects.get()
    return state


@dataclass(frozen=True)
class StatKey:
    area_path: str
    bracket: int
    sex: str
    flags: frozenset[str]


def elder_stat_key(elder: Elder, today: datetime.date) -> StatKey | None:
    if elder.status != ElderStatus.LIVING:
        return None
    flags = set()
    if elder.living_situation == LivingSituation.ALONE:
        flags.add("alone")
    if elder.living_situation == LivingSituation.EMPTY_NEST:
        flags.add("empty_nest")
    if elder.living_situation == LivingSituation.GUGUA:
        flags.add("gugua")
    cats = elder.category_list()
    if EconomicCategory.DIBAO in cats:
        flags.add("dibao")
    if EconomicCategory.TEKUN in cats:
        flags.add("tekun")
    if elder.capability_level is not None and elder.capability_level >= 1:
        flags.add("disabled")
    bracket = AgeBracket.for_age(age_on(elder.birth_date, today))
    return StatKey(elder.area_path, int(bracket), elder.sex, frozenset(flags))


def apply_change(before: StatKey | None, after: StatKey | None) -> None:
    """Move one elder from cell ``before`` to cell ``after`` (either may be None)."""
    if before == after:
        return
    state = ElderStatState.objects.first()
    if state is None or state.as_of != timezone.localdate():
        return  # the next read rebuilds everything anyway
    for key, sign in ((before, -1), (after, 1)):
        if key is None:
            continue
        cell, _ = ElderStat.objects.get_or_create(area_path=key.area_path, bracket=key.bracket, sex=key.sex)
        updates = {"total": F("total") + sign}
        updates.update({flag: F(flag) + sign for flag in key.flags})
        ElderStat.objects.filter(pk=cell.pk).update(**updates)
