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
from django_tasks import task

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
        # the one state row is updated, not replaced: ensure_fresh's waiters hold a lock on it
        if area_paths is None and not ElderStatState.objects.update(as_of=day, rebuilt_at=timezone.now()):
            ElderStatState.objects.create(as_of=day)
    return len(cells)


def ensure_fresh(today: datetime.date | None = None) -> ElderStatState:
    """Rebuild now when the statistics were computed for another day (people age, certificates
    lapse). For the nightly job, the worker and imports — never a page (see :func:`current`)."""
    day = today or timezone.localdate()
    state = ElderStatState.objects.first()
    if state is not None and state.as_of == day:
        return state
    # Two rebuilding at once broke the unique cells (a server error): one rebuilds under the lock on
    # the state row, the others wait on it and then find today's.
    with transaction.atomic():
        state = ElderStatState.objects.select_for_update().first()
        if state is None or state.as_of != day:
            from yiyang.people.certifications import refresh_categories

            refresh_categories(today=day)
            rebuild(today=day)
            state = ElderStatState.objects.get()
    return state


def current() -> ElderStatState | None:
    """The last complete day's statistics, for pages: never rebuilds in the request.

    After midnight the cells stay yesterday's (labelled with ``as_of``) until the background worker
    has rebuilt them; the first page that finds them stale asks the worker to (once: a rebuild
    already queued or running is not queued again). None before the first rebuild ever.
    """
    state = ElderStatState.objects.first()
    if state is None or state.as_of != timezone.localdate():
        request_rebuild()
        state = ElderStatState.objects.first()  # an immediate backend (tests, development) has run it
    return state


def request_rebuild() -> None:
    """Queue one rebuild for the worker, unless one is already queued or running."""
    from django_tasks.base import TaskResultStatus

    # the backend itself (``default_task_backend`` is a proxy whose type says nothing)
    if type(stats_rebuild_task.get_backend()).__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        pending = DBTaskResult.objects.filter(
            task_path=stats_rebuild_task.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        if pending.exists():
            return
    stats_rebuild_task.enqueue()


@task()
def stats_rebuild_task() -> str:
    """The background worker's rebuild (``manage.py worker``): categories and every statistics cell
    for today, under the state row's lock; nothing when today's are already there."""
    return ensure_fresh().as_of.isoformat()


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
