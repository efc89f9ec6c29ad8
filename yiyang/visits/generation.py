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
from yiyang.visits import partitions
from yiyang.visits.choices import Cycle, TaskKind, TaskStatus, Trigger
from yiyang.visits.models import VisitRule, VisitTask
from yiyang.visits.partitions import Period
from yiyang.visits.tiers import Slot, month_bounds, slots_for, years_before

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


@dataclass(frozen=True)
class SlotRow:
    """One period a rule visits in the month: ``no`` is the rule's position in the tier ``CASE``."""

    no: int
    rule: VisitRule
    slot: Slot


def slot_rows(rules: Sequence[VisitRule], year: int, month: int) -> list[SlotRow]:
    return [SlotRow(no, rule, slot) for no, rule in enumerate(rules, start=1)
            for slot in slots_for(rule.cycle, year, month)]  # fmt: skip


def slots_cte(
    rules: Sequence[VisitRule],
    year: int,
    month: int,
    *,
    rows: Sequence[SlotRow] | None = None,
    blocks: bool = False,
) -> tuple[str, list[Any]]:
    """The periods as ``slots(no, rule_id, period_key, window_start, due_date, reason)``: every period
    of ``rules`` in the month, or just ``rows``; with ``blocks``, each key's id block too (see
    ``partitions.block_of``)."""
    rows = slot_rows(rules, year, month) if rows is None else rows
    row = f"({_typed('integer')}, {_typed('integer')}, %s, {_typed('date')}, {_typed('date')}, %s"
    row += f", {_typed('bigint')})" if blocks else ")"
    values: list[str] = []
    params: list[Any] = []
    for item in rows:
        values.append(row)
        params += [
            item.no,
            item.rule.pk,
            item.slot.period_key,
            item.slot.window_start,
            item.slot.due_date,
            stored(item.rule.name)[:200],
        ]
        if blocks:
            params.append(partitions.block_of(item.slot.period_key))
    names = "no, rule_id, period_key, window_start, due_date, reason" + (", block" if blocks else "")
    return f"slots({names}) AS (VALUES " + ", ".join(values) + ")", params


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


def _groups(rows: Sequence[SlotRow]) -> list[tuple[str, Period | None, list[SlotRow]]]:
    """The month's periods by the table that holds their tasks: on PostgreSQL, each period's partition
    (a month's, a quarter's); elsewhere the one task table."""
    task = VisitTask._meta.db_table
    if not partitions.partitioned():
        return [(task, None, list(rows))]
    groups: dict[Period, list[SlotRow]] = {}
    for row in rows:
        period = partitions.period_of(row.slot.period_key)
        assert period is not None, row.slot.period_key  # a generated key names a month or a quarter
        groups.setdefault(period, []).append(row)
    return [(period.name, period, group) for period, group in groups.items()]


TIER_STAGE = "visits_tier_stage"


def _stage_tiers(root_path: str, case: tuple[str, list[Any]], numbers: Sequence[int]) -> None:
    """Read the elders once: each living elder under ``root_path`` who has a tier, with the tier's
    position (``no``) and the area's worker, area by area, into a temporary table. The month's periods
    are written from it, partition by partition (a month's and a quarter's), without reading the two
    million elders again for each.

    Area by area is by the areas' keys, not their paths: each area's elders still come together, and
    integers sort faster than the paths' text (a city's 600,000 staged elders: by path, the sort was a
    fifth of the month's generation)."""
    case_sql, case_params = case
    on_commit = " ON COMMIT DROP" if core_sql.postgres() else ""
    tiers = ", ".join(f"({_typed('integer')})" for _no in numbers)
    core_sql.drop_stage(TIER_STAGE)
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMPORARY TABLE {TIER_STAGE}{on_commit} AS WITH tiers(no) AS (VALUES {tiers}) "
            "SELECT e.id, e.area_path, t.no, w.user_id "
            f"FROM {Elder._meta.db_table} e JOIN tiers t ON t.no = ({case_sql}) "
            f"LEFT JOIN {WORKER_STAGE} w ON w.area_id = e.area_id "
            "WHERE e.status = %s AND e.area_path LIKE %s ORDER BY e.area_id, e.id",
            [*numbers, *case_params, ElderStatus.LIVING, f"{root_path}%"],
        )
    core_sql.analyze(TIER_STAGE, statistics_target=10)


def generate_routine(root_path: str, year: int, month: int, rules: Sequence[VisitRule]) -> int:
    """Write the month's periodic tasks for every living elder under ``root_path``; returns how many.

    The elders are read once, into a staging table of their tiers (``_stage_tiers``). On PostgreSQL
    the tasks of a period (a month, a quarter) live in the period's partition (see
    ``visits.partitions``): a period's first generation makes the partition — a new table filled in
    one statement, indexed in one sorted pass per index, then attached — instead of
    updating four indexes row by row (``_fill_new_period``). Into a period that has its partition
    already (another street generated first, or the month is generated again), and on SQLite, the
    rows go by ``_insert``.
    """
    periodic = [r for r in rules if r.cycle != Cycle.EVENT]
    rows = slot_rows(periodic, year, month)
    if not rows:
        return 0
    start, _end = month_bounds(year, month)
    core_sql.create_stage(WORKER_STAGE, [("area_id", "integer"), ("user_id", "integer")], drop_on_commit=True)
    core_sql.copy_rows(WORKER_STAGE, ["area_id", "user_id"], worker_map(root_path))
    core_sql.analyze(WORKER_STAGE)
    core_sql.tune(work_mem="128MB")  # the area-order sort of a city's month stays in memory
    _stage_tiers(root_path, tier_case(periodic, start), sorted({row.no for row in rows}))
    count = 0
    with connection.cursor() as cur:
        for table, period, group in _groups(rows):
            if period is not None and not partitions.exists(cur, period):
                count += _fill_new_period(cur, period, group, year, month)
            else:
                count += _insert(cur, table, group, year, month)
    core_sql.drop_stage(TIER_STAGE)
    core_sql.drop_stage(WORKER_STAGE)
    return count


def _insert(cur: Any, table: str, rows: Sequence[SlotRow], year: int, month: int) -> int:
    """Insert the periods' tasks that ``table`` (the periods' partition, or the one task table) does not
    hold yet. The rows go in through the partitioned table: before PostgreSQL 17 a partition made by
    the migration does not take the table's identity default.

    The tasks an elder already has for a period are left out by an anti-join on the unique (elder,
    period) index, so the rows are written by a plain ``INSERT`` — ``ON CONFLICT`` would make every row a
    speculative insertion, confirmed afterwards, which took longer than writing the rows. Should a task
    be added by hand for an elder and period in the meantime, the unique index refuses the statement and
    it runs again with ``ON CONFLICT DO NOTHING``. The rows are written area by area: each area's tasks
    land together in the table and in the area and worker indexes (one walk along each instead of a
    random page per row), and a worker's day list and an area's figures read neighbouring pages.
    """
    cte_sql, cte_params = slots_cte([], year, month, rows=rows)
    now = timezone.now()
    task, quoted = VisitTask._meta.db_table, f'"{table}"'
    statement = (
        f"INSERT INTO {task} (elder_id, rule_id, area_path, kind, period_key, window_start, due_date, "
        "assignee_id, status, reason, attempt, created_at, updated_at) "
        f"WITH {cte_sql} SELECT e.id, s.rule_id, e.area_path, %s, s.period_key, s.window_start, s.due_date, e.user_id, "
        f"%s, s.reason, 1, {_typed('timestamptz')}, {_typed('timestamptz')} "
        f"FROM {TIER_STAGE} e JOIN slots s ON s.no = e.no WHERE {not_there(quoted)}"
    )
    params = [*cte_params, TaskKind.ROUTINE, TaskStatus.OPEN, now, now]
    try:
        with transaction.atomic():
            cur.execute(statement, params)
    except IntegrityError:
        cur.execute(statement + " ON CONFLICT (elder_id, period_key) DO NOTHING", params)
    return max(core_sql.rowcount(cur), 0)


def _fill_new_period(cur: Any, period: Period, rows: Sequence[SlotRow], year: int, month: int) -> int:
    """PostgreSQL, a period without its partition yet: write its tasks into a new table, index it,
    move in the period's tasks already written (by hand, or a retry: they wait in the default
    partition), attach it as the period's partition.

    The new table has the tasks' shape and constraints but no index yet; it is filled from the staged
    tiers (area by area) without a sequence (ids by block, see ``partitions.block_id_sql``),
    leaving out the tasks the default partition already holds; its indexes are then built in one
    sorted pass each. Only then is the default partition locked — as the
    attach itself will lock it — for the moment it takes to move the period's tasks written meanwhile
    (where one of them meets a new task for the same elder and key, the one written first is kept) and
    to attach; the generation lock keeps any other generation from making the same partition.
    """
    cte_sql, cte_params = slots_cte([], year, month, rows=rows, blocks=True)
    now = timezone.now()
    select = {
        "id": partitions.block_id_sql("s.block", "e.id"),
        "elder_id": "e.id",
        "rule_id": "s.rule_id",
        "area_path": "e.area_path",
        "kind": "%s",
        "period_key": "s.period_key",
        "window_start": "s.window_start",
        "due_date": "s.due_date",
        "assignee_id": "e.user_id",
        "status": "%s",
        "reason": "s.reason",
        "attempt": "1",
        "created_at": _typed("timestamptz"),
        "updated_at": _typed("timestamptz"),
    }
    in_default = f'"{partitions.DEFAULT_PARTITION}"'
    partitions.create_like(cur, period.name, period)
    cur.execute(
        f'INSERT INTO "{period.name}" ({", ".join(select)}) WITH {cte_sql} SELECT {", ".join(select.values())} '
        f"FROM {TIER_STAGE} e JOIN slots s ON s.no = e.no WHERE {not_there(in_default)}",
        [*cte_params, TaskKind.ROUTINE, TaskStatus.OPEN, now, now],
    )
    made = max(core_sql.rowcount(cur), 0)
    partitions.build_indexes(cur, period.name)
    partitions.lock_default(cur)
    made -= partitions.move_from_default(cur, period.name, period)
    partitions.attach(cur, period.name, period)
    # Statistics now, from a small sample: planned without them, a worker's day list joined every one
    # of the worker's open tasks with its elder before taking the first thirty (0.3 s instead of a few
    # ms), and autovacuum comes to a new table only a while later.
    core_sql.analyze(f'"{period.name}"', statistics_target=10)
    return made


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
