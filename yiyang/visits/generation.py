"""A month's visit tasks for a whole area in one ``INSERT … SELECT``, whatever the number of elders.

The rules in force become a ``CASE`` that names each elder's tier (the first rule, by rank, whose
conditions hold — ``visits.tiers.tier_for`` in SQL) and a small ``VALUES`` table of the tier's
periods; the grid's (or else the community's) worker comes from a staging table of a few thousand
areas. ``ON CONFLICT DO NOTHING`` on (elder, period) makes a second run add nothing. Event rules
(a visit within three days of a real alarm) add a task per event, from the events of the period.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yiyang.accounts.models import AreaAssignment
from yiyang.accounts.roles import roles_with
from yiyang.areas.models import Area, AreaLevel
from yiyang.core import sql as core_sql
from yiyang.core.dated import overlaps_q
from yiyang.core.i18n import stored
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder
from yiyang.visits.choices import Cycle, TaskKind, TaskStatus, Trigger
from yiyang.visits.models import VisitRule, VisitTask
from yiyang.visits.tiers import month_bounds, slots_for, years_before

WORKER_STAGE = "visits_worker_stage"
PERFORM = "visits.perform_visittask"


@dataclass
class Generated:
    routine: int
    event: int

    @property
    def total(self) -> int:
        return self.routine + self.event


def rules_for_month(year: int, month: int) -> list[VisitRule]:
    start, end = month_bounds(year, month)
    return list(VisitRule.objects.filter(overlaps_q(start, end)).order_by("rank", "-valid_from", "id"))


def _typed(kind: str) -> str:
    return f"CAST(%s AS {kind})" if core_sql.postgres() else "%s"


def condition_sql(rule: VisitRule, day: datetime.date, alias: str = "e") -> tuple[str, list[Any]]:
    """The rule's conditions on elder ``alias`` as SQL (``visits.tiers.rule_reasons`` in SQL)."""
    parts: list[str] = []
    params: list[Any] = []
    if rule.min_age is not None:
        parts.append(f"{alias}.birth_date <= {_typed('date')}")
        params.append(years_before(day, rule.min_age))
    if rule.living_situation:
        parts.append(f"{alias}.living_situation = %s")
        params.append(rule.living_situation)
    if rule.category:
        parts.append(f"{alias}.categories LIKE %s")
        params.append(f"%{rule.category}%")
    if rule.min_capability is not None:
        parts.append(f"{alias}.capability_level >= %s")
        params.append(rule.min_capability)
    return (" AND ".join(parts) or "1 = 1"), params


def tier_case(rules: Sequence[VisitRule], day: datetime.date) -> tuple[str, list[Any]]:
    """``CASE WHEN <rule 1> THEN 1 WHEN <rule 2> THEN 2 … END``: the position of the elder's tier."""
    whens: list[str] = []
    params: list[Any] = []
    for no, rule in enumerate(rules, start=1):
        sql, rule_params = condition_sql(rule, day)
        whens.append(f"WHEN {sql} THEN {no}")
        params += rule_params
    return "CASE " + " ".join(whens) + " END", params


def slots_cte(rules: Sequence[VisitRule], year: int, month: int) -> tuple[str, list[Any]]:
    row = f"({_typed('integer')}, {_typed('integer')}, %s, {_typed('date')}, {_typed('date')}, %s)"
    values: list[str] = []
    params: list[Any] = []
    for no, rule in enumerate(rules, start=1):
        for slot in slots_for(rule.cycle, year, month):
            values.append(row)
            params += [
                no,
                rule.pk,
                slot.period_key,
                slot.window_start,
                slot.due_date,
                stored(rule.name)[:200],
            ]
    return "slots(no, rule_id, period_key, window_start, due_date, reason) AS (VALUES " + ", ".join(
        values
    ) + ")", params


def worker_map(root_path: str) -> list[tuple[int, int]]:
    """(area id, worker id) for every community and grid under ``root_path``.

    The worker of a grid is an account assigned to the grid whose role visits (the lowest id when
    there are several); a grid without one, and a community, fall back to the community's.
    """
    roles = roles_with(PERFORM)
    assigned: dict[int, int] = {}
    for area_id, user_id in (
        AreaAssignment.objects.filter(
            user__role__in=roles, user__is_active=True, area__path__startswith=root_path,
            area__level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID],
        )
        .order_by("user_id")
        .values_list("area_id", "user_id")
    ):  # fmt: skip
        assigned.setdefault(area_id, user_id)
    pairs: list[tuple[int, int]] = []
    areas = Area.objects.filter(
        path__startswith=root_path, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]
    ).values_list("id", "parent_id", "level")
    for area_id, parent_id, level in areas:
        worker = assigned.get(area_id)
        if worker is None and level == AreaLevel.GRID and parent_id is not None:
            worker = assigned.get(parent_id)
        if worker is not None:
            pairs.append((area_id, worker))
    return pairs


GENERATION_LOCK = 0x56495354  # pg_advisory_xact_lock key: one generation writes tasks at a time


def _lock_generation() -> None:
    """Serialise generations (PostgreSQL; SQLite writes one transaction at a time anyway), so that the
    anti-join below sees every task another generation could add for the same elder and period."""
    if core_sql.postgres():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [GENERATION_LOCK])


def not_there(task: str) -> str:
    """The anti-join that leaves out the periods an elder (``e``) already has a task for (slot ``s``)."""
    return f"NOT EXISTS (SELECT 1 FROM {task} t WHERE t.elder_id = e.id AND t.period_key = s.period_key)"


def generate_routine(root_path: str, year: int, month: int, rules: Sequence[VisitRule]) -> int:
    """Insert the month's periodic tasks for every living elder under ``root_path``; returns how many.

    The tasks an elder already has for a period are left out by an anti-join on the unique (elder,
    period) index, so the rows are written by a plain ``INSERT`` — ``ON CONFLICT`` would make every row a
    speculative insertion, confirmed afterwards, which took longer than writing the rows. Should a task
    be added by hand for an elder and period in the meantime, the unique index refuses the statement and
    it runs again with ``ON CONFLICT DO NOTHING``. The rows are written in area order: each area's tasks
    land together in the table and in the area and worker indexes (one walk along each instead of a
    random page per row), and a worker's day list and an area's figures read neighbouring pages.
    """
    periodic = [r for r in rules if r.cycle != Cycle.EVENT]
    if not periodic:
        return 0
    start, _end = month_bounds(year, month)
    case_sql, case_params = tier_case(periodic, start)
    cte_sql, cte_params = slots_cte(periodic, year, month)
    core_sql.create_stage(WORKER_STAGE, [("area_id", "integer"), ("user_id", "integer")], drop_on_commit=True)
    core_sql.copy_rows(WORKER_STAGE, ["area_id", "user_id"], worker_map(root_path))
    core_sql.analyze(WORKER_STAGE)
    core_sql.tune(work_mem="128MB")  # the area-order sort of a city's month stays in memory
    now = timezone.now()
    task, elder = VisitTask._meta.db_table, Elder._meta.db_table
    statement = (
        f"INSERT INTO {task} (elder_id, rule_id, area_path, kind, period_key, window_start, due_date, "
        "assignee_id, status, reason, attempt, created_at, updated_at) "
        f"WITH {cte_sql} SELECT e.id, s.rule_id, e.area_path, %s, s.period_key, s.window_start, s.due_date, w.user_id, "
        f"%s, s.reason, 1, {_typed('timestamptz')}, {_typed('timestamptz')} "
        f"FROM {elder} e JOIN slots s ON s.no = ({case_sql}) "
        f"LEFT JOIN {WORKER_STAGE} w ON w.area_id = e.area_id "
        "WHERE e.status = %s AND e.area_path LIKE %s "
        f"AND {not_there(task)} "
        "ORDER BY e.area_path, e.id"
    )
    params = [*cte_params, TaskKind.ROUTINE, TaskStatus.OPEN, now, now, *case_params,
              ElderStatus.LIVING, f"{root_path}%"]  # fmt: skip
    with connection.cursor() as cur:
        try:
            with transaction.atomic():
                cur.execute(statement, params)
        except IntegrityError:
            cur.execute(statement + " ON CONFLICT (elder_id, period_key) DO NOTHING", params)
        count = core_sql.rowcount(cur)
    core_sql.drop_stage(WORKER_STAGE)
    return max(count, 0)


def generate_events(root_path: str, year: int, month: int, rules: Sequence[VisitRule]) -> int:
    """One visit within ``within_days`` after each triggering event of the month (few rows: the ORM)."""
    from yiyang.safety.choices import AlarmKind, AlarmOutcome
    from yiyang.safety.models import Alarm

    start, end = month_bounds(year, month)
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time(), tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz)
    workers = dict(worker_map(root_path))
    made = 0
    for rule in rules:
        if rule.cycle != Cycle.EVENT:
            continue
        alarms = Alarm.objects.filter(
            elder__area_path__startswith=root_path, elder__status=ElderStatus.LIVING,
            closed_at__gte=lo, closed_at__lt=hi,
        )  # fmt: skip
        if rule.trigger == Trigger.REAL_ALARM:
            alarms = alarms.filter(outcome=AlarmOutcome.REAL)
        elif rule.trigger == Trigger.MISSED_CHECKIN:
            alarms = alarms.filter(kind=AlarmKind.CHECKIN_MISSED)
        else:
            continue
        rows = []
        for alarm_id, elder_id, area_id, area_path, closed_at in alarms.values_list(
            "id", "elder_id", "elder__area_id", "elder__area_path", "closed_at"
        ):
            day = timezone.localtime(closed_at).date()
            rows.append(
                VisitTask(
                    elder_id=elder_id, rule=rule, area_path=area_path, kind=TaskKind.EVENT,
                    period_key=f"A{alarm_id}", window_start=day,
                    due_date=day + datetime.timedelta(days=rule.within_days),
                    assignee_id=workers.get(area_id), reason=stored(rule.name)[:200],
                )
            )  # fmt: skip
        # The tasks these alarms already have, looked up by the unique (elder, period) index — not by
        # counting the rule's event tasks before and after, a scan of every task ever generated.
        have = set(
            VisitTask.objects.filter(
                elder_id__in={r.elder_id for r in rows}, period_key__in={r.period_key for r in rows}
            ).values_list("elder_id", "period_key")
        ) if rows else set()  # fmt: skip
        fresh = [r for r in rows if (r.elder_id, r.period_key) not in have]
        VisitTask.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
        made += len(fresh)
    return made


def generate(root_path: str, year: int, month: int) -> Generated:
    """The month's tasks under ``root_path`` (inside the caller's transaction)."""
    _lock_generation()
    rules = rules_for_month(year, month)
    return Generated(
        routine=generate_routine(root_path, year, month, rules),
        event=generate_events(root_path, year, month, rules),
    )
