"""Keeping :class:`~yiyang.complaints.models.CaseTally` exactly correct (the 办结率 cells).

One definition of each count, used three ways: :data:`MEASURES` is what :func:`tally_cells` groups
the cases by (the full rebuild, the data migration, the tests' fresh GROUP BY), and
:func:`case_count` gives the same cell and flags for one case in Python, so that an action can move
the case's count from the cell it was in to the cell it is in now (:func:`apply_change`), inside
the action's transaction and after the case row is locked.

A case's count depends on these fields only: ``received_at`` (the day, in the district's time
zone), ``area_path``, ``unit_provider_id``, ``unit_name``, ``status``, ``on_time`` and
``satisfaction``. Every write of one of them goes through an action that keeps the tally
(``case_create``, ``case_assign``, ``case_reply``, ``case_return_call``, ``case_close``,
``case_delete``); the deadline jobs write none of them. A bulk load (the demo, a restore) ends with
:func:`rebuild`, which the command ``complaints_tallies`` and the worker task also run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django_tasks import task

from yiyang.complaints.choices import SATISFIED, Satisfaction, Status
from yiyang.complaints.models import Case, CaseTally

#: A return call that reached the complainant (whatever they said).
REACHED = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED)

MEASURES: dict[str, Q] = {
    "closed": Q(status=Status.CLOSED),
    "on_time": Q(status=Status.CLOSED, on_time=True),
    "called": Q(satisfaction__in=REACHED),
    "satisfied": Q(satisfaction__in=SATISFIED),
}
COUNTS = ("total", *MEASURES)
KEY = ("day", "area_path", "unit_key", "unit_name")


def district_zone() -> datetime.tzinfo:
    """The day a case was received is the district's day, whichever time zone a request runs in."""
    return timezone.get_default_timezone()


@dataclass(frozen=True, order=True)
class TallyKey:
    day: datetime.date
    area_path: str
    unit_key: int
    unit_name: str


@dataclass(frozen=True)
class CaseCount:
    """Where one case is counted, and in which of :data:`MEASURES` besides ``total``."""

    key: TallyKey
    flags: frozenset[str]


def case_count(case: Case) -> CaseCount:
    flags = set()
    if case.status == Status.CLOSED:
        flags.add("closed")
        if case.on_time is True:
            flags.add("on_time")
    if case.satisfaction in REACHED:
        flags.add("called")
    if case.satisfaction in SATISFIED:
        flags.add("satisfied")
    day = case.received_at.astimezone(district_zone()).date()
    key = TallyKey(day, case.area_path, case.unit_provider_id or 0, case.unit_name)
    return CaseCount(key, frozenset(flags))


def tally_cells(cases: QuerySet[Case]) -> QuerySet[Any, Any]:
    """The cells of ``cases`` as one GROUP BY: dicts with the key, ``unit_provider_id`` and the counts."""
    return (
        cases.annotate(
            day=TruncDate("received_at", tzinfo=district_zone()),
            unit_key=Coalesce("unit_provider_id", Value(0)),
        )
        .values("day", "area_path", "unit_key", "unit_name", "unit_provider_id")
        .annotate(total=Count("pk"), **{name: Count("pk", filter=q) for name, q in MEASURES.items()})
        .order_by()
    )


def rebuild() -> int:
    """Recompute every cell from the cases; returns the number of cells.

    On PostgreSQL the table is locked against the actions' writes first: an action that already
    wrote its change commits before the cases are read, one that comes later waits and applies its
    change to the rebuilt cells — either way each case is counted once.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute(f"LOCK TABLE {CaseTally._meta.db_table} IN EXCLUSIVE MODE")
        CaseTally.objects.all().delete()
        cells = [CaseTally(**row) for row in tally_cells(Case.objects.all())]
        CaseTally.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


@task()
def tallies_rebuild_task() -> int:
    """The background worker's rebuild (``manage.py worker``), e.g. after a bulk load."""
    return rebuild()


def apply_change(before: CaseCount | None, after: CaseCount | None) -> None:
    """Move one case's count from cell ``before`` to cell ``after`` (either may be None: opened,
    deleted). Cells are written in key order, so two actions moving cases between the same two cells
    in opposite directions never wait on each other crosswise; a cell left empty is removed."""
    if before == after:
        return
    deltas: dict[TallyKey, dict[str, int]] = {}
    for count, sign in ((before, -1), (after, 1)):
        if count is None:
            continue
        delta = deltas.setdefault(count.key, dict.fromkeys(COUNTS, 0))
        delta["total"] += sign
        for flag in count.flags:
            delta[flag] += sign
    for key in sorted(deltas):
        delta = deltas[key]
        if any(delta.values()):
            _add(key, delta)


def _add(key: TallyKey, delta: dict[str, int]) -> None:
    table = connection.ops.quote_name(CaseTally._meta.db_table)
    columns = [*KEY, "unit_provider_id", *COUNTS]
    keys = ", ".join(KEY)
    sums = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTS)
    params: list[Any] = [key.day, key.area_path, key.unit_key, key.unit_name, key.unit_key or None]
    with connection.cursor() as c:
        c.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({keys}) DO UPDATE SET {sums}",
            [*params, *(delta[name] for name in COUNTS)],
        )
        if delta["total"] < 0:
            c.execute(
                f"DELETE FROM {table} WHERE day = %s AND area_path = %s AND unit_key = %s AND unit_name = %s "
                f"AND total = 0",
                params[:4],
            )
