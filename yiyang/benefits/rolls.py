"""The monthly roll in SQL: who qualifies in a month, for how much, computed set-based.

Everything here is a handful of statements whatever the number of elders:

* ``tiers`` — a small VALUES table built in Python from the rate rules in force in each month, with
  the age rule turned into birth-date bounds (so the age test is a range comparison on an indexed
  column, and 29 February needs no special case: bounds are first days of months);
* the eligibility ``SELECT`` — elders × tiers with the common conditions (area, hukou, alive or
  left after the month began, not suspended); the same query serves generation, the arrears of
  newly paid elders and the re-check before approval;
* ``INSERT … SELECT`` statements writing lines with their frozen facts, arrears months and the
  lines of elders who stopped qualifying since last month.

Payment months: an age tier counts from the birthday month (``same_month``) or the month after; a
certification or an assessment counts from the month it starts (or the month after) and as long as
it is in force on any day of the month; death or moving away stops payment from the next month.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from yiyang.benefits import partitions
from yiyang.benefits.choices import ProgrammeKind, RollStatus, StartRule, SupportMode
from yiyang.benefits.dates import add_months, add_years_first, month_display, month_end
from yiyang.benefits.models import (
    ArrearsMonth,
    CentralisedSupport,
    PaymentRoll,
    Programme,
    RateRule,
    RollLine,
    Suspension,
)
from yiyang.core import sql
from yiyang.core.dated import in_force_q
from yiyang.people.models import Certification, Elder, ResidencePeriod

LOCKED = (RollStatus.APPROVED.value, RollStatus.PUBLISHED.value)
NOT_PAYING = ("adjustment", "stopped")  # change types that do not take the person's slot in a month
EARLIEST = datetime.date(1800, 1, 1)
LATEST = datetime.date(9999, 12, 31)

ELDER = Elder._meta.db_table
LINE = RollLine._meta.db_table
ROLL = PaymentRoll._meta.db_table
SUSP = Suspension._meta.db_table
CERT = Certification._meta.db_table
ARREARS = ArrearsMonth._meta.db_table
RESIDENCE = ResidencePeriod._meta.db_table
SUPPORT = CentralisedSupport._meta.db_table
LINE_ROLL_INDEX = "rollline_roll_brin"

KIND_CHANGE_REASON = {
    ProgrammeKind.AGE_TIER: "年龄档变化",
    ProgrammeKind.CATEGORY: "经济类别变化",
    ProgrammeKind.CARE_LEVEL: "能力等级变化",
}
KIND_STOP_REASON = {
    ProgrammeKind.AGE_TIER: "年龄不符",
    ProgrammeKind.CATEGORY: "经济类别认定到期",
    ProgrammeKind.CARE_LEVEL: "能力评估过期或等级不符",
}


def assessment_table() -> str | None:
    """The assessments app's table when it is installed; the care subsidy reads assessments in force."""
    try:
        return str(apps.get_model("assessments", "Assessment")._meta.db_table)
    except LookupError:
        return None


def _p(kind: str) -> str:
    """A typed placeholder (PostgreSQL infers nothing from VALUES lists)."""
    if sql.postgres():
        return {"date": "%s::date", "int": "%s::integer", "num": "%s::numeric", "text": "%s::text"}[kind]
    return "%s"


def age_sql(ref: datetime.date) -> str:
    """The age (周岁) a roll pays for, reached by ``ref`` (the last day of the month the tier is
    decided for): the difference of the years, less one if the birthday month falls after ``ref``'s.
    The tiers count an age from the birthday month (their bounds are first days of months), so the
    frozen age must too: otherwise a person born on 29 February was frozen at 89 in a common year's
    February while paid the 90 tier. Plain arithmetic on date parts: PostgreSQL's ``AGE()`` builds
    an interval per row, a tenth of a two-million-elder roll."""
    if sql.postgres():
        return (
            f"({ref.year} - DATE_PART('year', e.birth_date)::integer - "
            f"(DATE_PART('month', e.birth_date) > {ref.month})::integer)"
        )
    return (
        f"({ref.year} - CAST(strftime('%%Y', e.birth_date) AS INTEGER) - "
        f"(CAST(strftime('%%m', e.birth_date) AS INTEGER) > {ref.month}))"
    )


def true() -> str:
    return "TRUE" if sql.postgres() else "1"


def false() -> str:
    return "FALSE" if sql.postgres() else "0"


# -- rules in force --------------------------------------------------------------------------------


def rules_in_force(programme: Programme, month: datetime.date) -> list[RateRule]:
    """Rules whose validity contains the first day of ``month``."""
    return list(
        RateRule.objects.filter(in_force_q(month), programme=programme).order_by(
            "age_from", "category", "level"
        )
    )


@dataclass(frozen=True)
class Tier:
    month: datetime.date
    rule_id: int
    amount: Decimal
    lo: datetime.date  # birth_date >= lo
    hi: datetime.date  # birth_date < hi
    category: str
    level: int
    basis: str
    rule_from: datetime.date
    ref_end: datetime.date  # a certification or assessment must start on or before this day


def tiers_for(programme: Programme, months: Sequence[datetime.date]) -> list[Tier]:
    same_month = programme.start_rule == StartRule.SAME_MONTH
    out: list[Tier] = []
    for month in months:
        # The age reached by the end of the month (same_month) or of the month before.
        ref = add_months(month, 1) if same_month else month
        ref_end = month_end(month) if same_month else month - datetime.timedelta(days=1)
        for rule in rules_in_force(programme, month):
            lo, hi = EARLIEST, LATEST
            if programme.kind == ProgrammeKind.AGE_TIER:
                if rule.age_from is None:
                    continue
                hi = add_years_first(ref, -rule.age_from)
                if rule.age_to is not None:
                    lo = add_years_first(ref, -(rule.age_to + 1))
                basis = f"{rule.age_from}-{rule.age_to if rule.age_to is not None else ''}"
            elif programme.kind == ProgrammeKind.CATEGORY:
                if not rule.category:
                    continue
                basis = rule.category
            else:
                if rule.level is None:
                    continue
                basis = f"level{rule.level}"
            out.append(
                Tier(
                    month,
                    rule.pk,
                    rule.amount,
                    lo,
                    hi,
                    rule.category,
                    rule.level if rule.level is not None else -1,
                    basis,
                    rule.valid_from,
                    ref_end,
                )
            )
    if programme.kind == ProgrammeKind.AGE_TIER:
        _refuse_overlapping_ages(out)
    return out


def _refuse_overlapping_ages(tiers: Sequence[Tier]) -> None:
    """Two age tiers in force in one month that share an age would pay a person twice; the roll
    picks a tier by birth date alone, so such rules are refused here with their names."""
    by_month: dict[datetime.date, list[Tier]] = {}
    for t in tiers:
        by_month.setdefault(t.month, []).append(t)
    for month, group in by_month.items():
        for older, younger in pairwise(sorted(group, key=lambda t: t.lo)):
            if older.hi > younger.lo:
                raise ValidationError(
                    _("%(month)s有两条年龄档发放标准重叠（%(older)s 与 %(younger)s 周岁），请先调整发放标准")
                    % {"month": month_display(month), "older": older.basis, "younger": younger.basis}
                )


def tiers_cte(tiers: Sequence[Tier]) -> tuple[str, list[Any]]:
    """The tiers as a VALUES table; ``no`` is a tier's position in ``tiers`` (from 1)."""
    if not tiers:
        # An empty VALUES list is not SQL; a row that matches nobody keeps the statements valid.
        tiers = [Tier(EARLIEST, 0, Decimal(0), LATEST, EARLIEST, "", -2, "", EARLIEST, EARLIEST)]
    row = (
        f"({_p('int')}, {_p('date')}, {_p('int')}, {_p('num')}, {_p('date')}, {_p('date')}, {_p('text')}, "
        f"{_p('int')}, {_p('text')}, {_p('date')}, {_p('date')})"
    )
    params: list[Any] = []
    for no, t in enumerate(tiers, start=1):
        params += [
            no,
            t.month,
            t.rule_id,
            t.amount,
            t.lo,
            t.hi,
            t.category,
            t.level,
            t.basis,
            t.rule_from,
            t.ref_end,
        ]
    stmt = (
        "tiers(no, month, rule_id, amount, lo, hi, category, level, basis, rule_from, ref_end) AS (VALUES "
        + ", ".join([row] * len(tiers))
        + ")"
    )
    return stmt, params


# -- eligibility -------------------------------------------------------------------------------------


def source_sql(
    programme: Programme, tiers: Sequence[Tier], *, elder_where: str = "", params: Sequence[Any] = ()
) -> tuple[str, list[Any]]:
    """FROM clause giving ``e`` (the elder) and ``t`` (month, rule_id, amount, basis, rule_from)."""
    where = f"WHERE {elder_where}" if elder_where else ""
    if programme.kind == ProgrammeKind.AGE_TIER:
        if tiers and len({t.month for t in tiers}) == 1:
            # One month's tiers do not overlap, so a CASE on the birth date names the tier and a
            # hash join fetches it: a third of the cost of testing every elder against every tier.
            whens = " ".join(
                f"WHEN e.birth_date >= {_p('date')} AND e.birth_date < {_p('date')} THEN {no}"
                for no in range(1, len(tiers) + 1)
            )
            bounds = [d for t in tiers for d in (t.lo, t.hi)]
            return f"{ELDER} e JOIN tiers t ON t.no = (CASE {whens} END)", bounds
        stmt = f"{ELDER} e JOIN tiers t ON e.birth_date >= t.lo AND e.birth_date < t.hi"
        return stmt, []
    if programme.kind == ProgrammeKind.CATEGORY:
        stmt = (
            "(SELECT c.elder_id, t.month, MAX(t.rule_id) AS rule_id, MAX(t.amount) AS amount, "
            "MAX(t.basis) AS basis, MAX(t.rule_from) AS rule_from "
            f"FROM {CERT} c JOIN tiers t ON c.category = t.category AND c.valid_from <= t.ref_end "
            "AND (c.valid_to IS NULL OR c.valid_to >= t.month) "
            f"{where.replace('e.id', 'c.elder_id')} GROUP BY c.elder_id, t.month) t "
            f"JOIN {ELDER} e ON e.id = t.elder_id"
        )
        return stmt, list(params)
    table = assessment_table()
    if table is None:
        # Without the assessments app, the registry's 能力等级 stands in (no validity check).
        stmt = f"{ELDER} e JOIN tiers t ON e.capability_level = t.level"
        return stmt, []
    stmt = (
        "(SELECT a.elder_id, t.month, t.rule_id, t.amount, t.basis, t.rule_from "
        f"FROM {table} a JOIN (SELECT DISTINCT month, ref_end FROM tiers) m "
        "ON a.status = 'confirmed' AND a.assessed_on <= m.ref_end AND a.valid_to >= m.month "
        "JOIN tiers t ON t.month = m.month AND t.level = a.final_level "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} b WHERE b.elder_id = a.elder_id AND b.status = 'confirmed' "
        "AND b.assessed_on <= m.ref_end AND b.valid_to >= m.month "
        "AND (b.assessed_on > a.assessed_on OR (b.assessed_on = a.assessed_on AND b.id > a.id)))"
        f"{' AND ' + elder_where.replace('e.id', 'a.elder_id') if elder_where else ''}) t "
        f"JOIN {ELDER} e ON e.id = t.elder_id"
    )
    return stmt, list(params)


def conditions_sql(
    programme: Programme, *, prefix: str, arrears: bool = False, suspensions: bool = True
) -> tuple[str, list[Any]]:
    """The common conditions on ``e`` for month ``t.month``; ``suspensions=False`` when the caller
    knows none could apply (the test is a join over every candidate)."""
    parts = ["e.area_path LIKE %s"]
    params: list[Any] = [prefix + "%"]
    if arrears:
        # Past months are decided from the dated history, never from today's status.
        parts.append(present_sql(programme))
    else:
        parts.append("(e.status = 'living' OR e.status_date >= t.month)")
        if programme.requires_local_hukou:
            parts.append(f"e.hukou_local = {true()}")
    if programme.support_mode:
        # 特困 support: a month is centralised when a centralised support is in force on its first day.
        in_home = (
            f"EXISTS (SELECT 1 FROM {SUPPORT} cs WHERE cs.elder_id = e.id AND cs.start_date <= t.month "
            "AND (cs.end_date IS NULL OR cs.end_date > t.month))"
        )
        parts.append(in_home if programme.support_mode == SupportMode.CENTRALISED else f"NOT {in_home}")
    if suspensions:
        # A suspension that pays arrears does not block a past month once the elder is paid again.
        only_final = f" AND s.pays_arrears = {false()}" if arrears else ""
        parts.append(
            f"NOT EXISTS (SELECT 1 FROM {SUSP} s WHERE s.elder_id = e.id "
            "AND (s.programme_id IS NULL OR s.programme_id = %s) AND s.from_month <= t.month "
            f"AND (s.resumed_month IS NULL OR s.resumed_month > t.month){only_final})"
        )
        params.append(programme.pk)
    return " AND ".join(parts), params


def _eve(month: str) -> str:
    """The day before the first of ``month`` (a date expression)."""
    return f"({month} - 1)" if sql.postgres() else f"date({month}, '-1 day')"


def _last(month: str) -> str:
    """The last day of ``month``."""
    if sql.postgres():
        return f"(CAST({month} + INTERVAL '1 month' AS date) - 1)"
    return f"date({month}, '+1 month', '-1 day')"


def present_sql(programme: Programme) -> str:
    """Was ``e`` 在册 (and 本区户籍 where the programme asks) in month ``t.month``, by the dated
    history (``people.ResidencePeriod``): a 在册 period reaching into the month. A death or move on
    day *d* ends the period on *d* − 1, so the month of *d* is still paid and the next is not; a
    return on *d* pays from *d*'s month. An elder with no history has had today's status all along
    (and one recorded dead before the history existed, the old rule: paid up to the month of death).
    ``people.residence.present_in`` is the same rule in Python."""
    hukou_h = f" AND h.hukou_local = {true()}" if programme.requires_local_hukou else ""
    hukou_e = f" AND e.hukou_local = {true()}" if programme.requires_local_hukou else ""
    return (
        f"((NOT EXISTS (SELECT 1 FROM {RESIDENCE} h WHERE h.elder_id = e.id) "
        f"AND (e.status = 'living' OR e.status_date >= t.month){hukou_e}) "
        f"OR EXISTS (SELECT 1 FROM {RESIDENCE} h WHERE h.elder_id = e.id AND h.status = 'living'{hukou_h} "
        f"AND h.valid_from <= {_last('t.month')} AND (h.valid_to IS NULL OR h.valid_to >= {_eve('t.month')})))"
    )


def paying_slot(alias: str) -> str:
    """Lines that pay the person for their month (the unique constraint's condition)."""
    # Written exactly as the partial unique index's condition, so SQLite and PostgreSQL both use it.
    return f"NOT ({alias}.change_type IN ('adjustment', 'stopped'))"


def _prepare(*, analyze: str = "") -> None:
    """PostgreSQL: more sort/hash memory; with ``analyze``, fresh statistics for that table, the month's
    lines just written (autovacuum is minutes behind a two-million-row insert, and a stale estimate
    turns hash joins into millions of index probes). All of it lasts for this transaction only.

    The statistics come from a small sample: the plans only need the row counts and the share of
    each roll, not fine histograms."""
    # Room for last month's lines in one hash and an exact (not lossy) bitmap of the elders in the
    # age range: with the 4 MB default both spill, and the bitmap rechecks a million rows.
    sql.tune(work_mem="64MB")
    if analyze:
        sql.analyze(f'"{analyze}"', statistics_target=10)


def _summarize_new_lines(cur: Any, table: str) -> None:
    """Summarise the pages just written into the roll index: a block-range index reads every page
    it holds no summary for, so until autovacuum gets round to it each look-up of any roll would
    read every line written since (measured: a twelfth month's page took 1.2 s instead of 0.1)."""
    if not sql.postgres():
        return
    indexes = [LINE_ROLL_INDEX] if table == LINE else partitions.brin_indexes(cur, table)
    for index in indexes:
        cur.execute("SELECT brin_summarize_new_values(%s::regclass)", [index])


def month_table(cur: Any, programme_id: int, month: datetime.date) -> str:
    """The table holding a programme's lines for a month: its partition, the default partition
    when it has none, or the one lines table where nothing is partitioned."""
    if not partitions.partitioned():
        return LINE
    if partitions.exists(cur, programme_id, month):
        return partitions.name_for(programme_id, month)
    return partitions.DEFAULT_PARTITION


def _new_month_partition(cur: Any, programme: Programme, month: datetime.date) -> str | None:
    """The name of the month's partition to create when this is the month's first roll (see
    ``partitions``); None when the lines go into an existing table."""
    if not partitions.partitioned():
        return None
    partitions.lock_month(cur, programme.pk, month)
    if partitions.exists(cur, programme.pk, month) or partitions.in_default(cur, programme.pk, month):
        return None
    return partitions.name_for(programme.pk, month)


def birth_bounds(programme: Programme, tiers: Sequence[Tier]) -> tuple[str, list[Any]]:
    """For age tiers, the birth dates any tier accepts, as a plain filter on the elder: it drops
    nine elders in ten before the join with the tiers, and the birth-date index can serve it."""
    if programme.kind != ProgrammeKind.AGE_TIER or not tiers:
        return "", []
    return " AND e.birth_date >= %s AND e.birth_date < %s", [
        min(t.lo for t in tiers),
        max(t.hi for t in tiers),
    ]


# -- generation ---------------------------------------------------------------------------------------


@dataclass
class GenerationResult:
    inserted: int = 0
    arrears_lines: int = 0
    stopped: int = 0
    # (change type, street path, lines, amount, arrears) of every line of the roll, when they were
    # counted in the new partition before it was attached; None when they must be counted afterwards.
    tally: list[tuple[str, str, int, Decimal, Decimal]] | None = None


TALLY_COLUMNS = "change_type, SUBSTR(area_path, 1, 9), COUNT(*), SUM(amount), SUM(arrears_amount)"


def generate_lines(roll: PaymentRoll) -> GenerationResult:
    """Write the roll's lines (the roll must hold no computed lines yet); returns the counts.

    One statement writes every paying line with its frozen facts and its difference from last
    month (see ``_paying_lines_sql``). On PostgreSQL a month's first roll makes a new partition,
    indexed once as it is attached (see ``partitions``). Whether a new line is a
    comeback (恢复发放) is settled afterwards for the new lines only — a handful in a normal month.
    """
    programme, month = roll.programme, roll.month
    prev = add_months(month, -1)
    same_month = programme.start_rule == StartRule.SAME_MONTH
    age_ref = month_end(month) if same_month else month - datetime.timedelta(days=1)
    result = GenerationResult()
    first_month = not PaymentRoll.objects.filter(programme=programme, month__lt=month).exists()
    with connection.cursor() as cur:
        _prepare()
        fresh = _new_month_partition(cur, programme, month)
        stmt, params = _paying_lines_sql(roll, age_ref, into=fresh)
        cur.execute(stmt, params)
        result.inserted = sql.rowcount(cur)
        if fresh:
            if first_month:
                # These lines will be the roll's only ones (no adjustment precedes a new partition,
                # no arrears or stops follow a first month): count them in the small table now.
                cur.execute(f'SELECT {TALLY_COLUMNS} FROM "{fresh}" GROUP BY 1, 2')
                result.tally = [(t, street, int(n), a, r) for t, street, n, a, r in cur.fetchall()]
            partitions.attach(cur, fresh, programme.pk, month)  # builds its indexes in one pass
        # Statistics now: the next month's statements plan against this partition, and when
        # months are generated one after another autovacuum has not got to it yet.
        table = month_table(cur, programme.pk, month)
        _prepare(analyze=table)
        if not fresh:
            _summarize_new_lines(cur, table)
        if first_month:
            return result  # no comebacks, arrears or stops to find
        _comebacks(cur, roll)
        result.arrears_lines = _arrears(cur, roll)
        result.stopped = _stopped(cur, roll, prev, age_ref)
        _summarize_new_lines(cur, table)
    return result


def _paying_lines_sql(
    roll: PaymentRoll, age_ref: datetime.date, *, into: str | None
) -> tuple[str, list[Any]]:
    """The statement writing a roll's paying lines: an ``INSERT … SELECT`` into the lines table
    or, with ``into``, a ``CREATE TABLE … AS`` making the month's new partition (whose rows carry
    block ids, see ``partitions``).

    Last month's lines and the month's lines in other rolls are read once, as materialized sets,
    before a row is written: a correlated look-up into the table being filled would rescan the new
    rows for every elder whenever the planner believes the table is small (the first roll of a fresh
    installation took minutes). Either set is left out when there is no such roll, and the
    suspension test when no suspension could apply: each is a hash join over every paid elder.
    """
    programme, month, prefix = roll.programme, roll.month, roll.area_path
    prev = add_months(month, -1)
    tiers = tiers_for(programme, [month])
    cte, cte_params = tiers_cte(tiers)
    source, source_params = source_sql(programme, tiers)
    cond, cond_params = conditions_sql(
        programme,
        prefix=prefix,
        suspensions=Suspension.objects.filter(from_month__lte=month)
        .filter(Q(programme=programme) | Q(programme__isnull=True))
        .exists(),
    )
    bounds, bounds_params = birth_bounds(programme, tiers)

    ctes, cte_params_more, joins = [cte], [], ""
    change, reason, reason_params, prev_amount = "'new'", "'新纳入'", [], "NULL"
    if PaymentRoll.objects.filter(programme=programme, month=prev).exists():
        ctes.append(
            f"""prev AS MATERIALIZED (
            SELECT l.elder_id, l.base_amount, l.rate_rule_id, l.month FROM {LINE} l
            WHERE l.programme_id = %s AND l.month = %s AND {paying_slot("l")} AND l.base_amount > 0
              AND l.excluded = {false()})"""
        )
        cte_params_more += [programme.pk, prev]
        joins += " LEFT JOIN prev pl ON pl.elder_id = e.id"
        change = """CASE WHEN pl.elder_id IS NULL THEN 'new' WHEN pl.base_amount <> t.amount THEN 'changed'
                 ELSE 'continued' END"""
        reason = """CASE WHEN pl.elder_id IS NULL THEN '新纳入'
                 WHEN pl.base_amount <> t.amount THEN
                    (CASE WHEN pl.rate_rule_id <> t.rule_id AND t.rule_from > pl.month THEN '发放标准调整'
                          ELSE %s END)
                 ELSE '' END"""
        reason_params = [KIND_CHANGE_REASON[ProgrammeKind(programme.kind)]]
        prev_amount = "pl.base_amount"
    not_taken = ""
    if PaymentRoll.objects.filter(programme=programme, month=month).exclude(pk=roll.pk).exists():
        ctes.append(
            f"""taken AS MATERIALIZED (
            SELECT l.elder_id FROM {LINE} l WHERE l.programme_id = %s AND l.month = %s AND {paying_slot("l")})"""
        )
        cte_params_more += [programme.pk, month]
        not_taken = " AND NOT EXISTS (SELECT 1 FROM taken x WHERE x.elder_id = e.id)"

    columns = [
        ("roll_id", "%s"),
        ("programme_id", "%s"),
        ("month", "t.month"),
        ("elder_id", "e.id"),
        ("rate_rule_id", "t.rule_id"),
        ("base_amount", "t.amount"),
        ("arrears_amount", "0"),
        ("amount", "t.amount"),
        ("prev_amount", prev_amount),
        ("months_covered", "1"),
        ("change_type", change),
        ("reason", reason),
        ("fact_basis", "t.basis"),
        ("fact_age", age_sql(age_ref)),
        ("fact_birth_date", "e.birth_date"),
        ("fact_categories", "e.categories"),
        ("fact_level", "e.capability_level"),
        ("fact_hukou_local", "e.hukou_local"),
        ("fact_status", "e.status"),
        ("area_path", "e.area_path"),
        ("flagged", false()),
        ("flag_reason", "''"),
        ("excluded", false()),
        ("adjustment_kind", "''"),
        ("corrects_month", "NULL"),
    ]
    rows = f"FROM {source}{joins} WHERE {cond}{bounds}{not_taken}"
    if into:
        # A new table takes the rows with CREATE TABLE … AS, which PostgreSQL may compute with
        # parallel workers (an INSERT never is: a third of the statement's time on two cores).
        columns.insert(0, ("id", partitions.block_id_sql(roll.pk, "e.id")))
        types = partitions.column_types()
        select = ", ".join(f"CAST({expr} AS {types[name]}) AS {name}" for name, expr in columns)
        stmt = f'CREATE TABLE "{into}" AS WITH {", ".join(ctes)} SELECT {select} {rows}'
    else:
        stmt = (
            f"WITH {', '.join(ctes)} INSERT INTO {LINE} ({', '.join(name for name, _ in columns)}) "
            f"SELECT {', '.join(expr for _, expr in columns)} {rows}"
        )
    params = [
        *cte_params,
        *cte_params_more,
        roll.pk,
        programme.pk,
        *reason_params,
        *source_params,
        *cond_params,
        *bounds_params,
    ]
    return stmt, params


def _comebacks(cur: Any, roll: PaymentRoll) -> None:
    """恢复发放: a new line for someone the programme paid before (suspended, moved back …).

    One index probe per new line (a few thousand): ``OFFSET 0`` keeps PostgreSQL from turning the
    EXISTS into a join that hashes every earlier month's lines first, which it chose when it
    underestimated their number of elders (1.6 s after five months of two-million-elder rolls)."""
    fence = " OFFSET 0" if sql.postgres() else ""
    cur.execute(
        f"""
        UPDATE {LINE} SET reason = '恢复发放'
        WHERE programme_id = %s AND month = %s AND roll_id = %s AND change_type = 'new'
          AND EXISTS (SELECT 1 FROM {LINE} o WHERE o.elder_id = {LINE}.elder_id AND o.programme_id = %s
              AND o.month < %s AND {paying_slot("o")} AND o.base_amount > 0{fence})
        """,
        [roll.programme_id, roll.month, roll.pk, roll.programme_id, roll.month],
    )


def _arrears(cur: Any, roll: PaymentRoll) -> int:
    """补发: months before this one in which a newly paid elder qualified but was not paid.

    Only months that had an approved roll covering the elder's area count (the programme ran
    there), at most twelve back. Elders paid last month are not re-examined: a retroactive change
    for them is an adjustment line.
    """
    from django.conf import settings

    programme, month = roll.programme, roll.month
    lookback = getattr(settings, "BENEFITS_ARREARS_MONTHS", 12)
    months = sorted(
        set(
            PaymentRoll.objects.filter(
                programme=programme,
                status__in=LOCKED,
                month__gte=add_months(month, -lookback),
                month__lt=month,
            ).values_list("month", flat=True)
        )
    )
    if not months:
        return 0
    tiers = tiers_for(programme, months)
    cte, cte_params = tiers_cte(tiers)
    cand = f"e.id IN (SELECT elder_id FROM {LINE} WHERE roll_id = %s AND change_type = 'new')"
    source, source_params = source_sql(programme, tiers, elder_where=cand, params=[roll.pk])
    cond, cond_params = conditions_sql(programme, prefix=roll.area_path, arrears=True)
    concat = "r.area_path || '%%'"
    stmt = f"""
    WITH {cte}
    INSERT INTO {ARREARS} (line_id, programme_id, elder_id, month, amount)
    SELECT l.id, %s, e.id, t.month, t.amount
    FROM {source}
    JOIN {LINE} l ON l.elder_id = e.id AND l.roll_id = %s AND l.change_type = 'new'
    WHERE {cond}
      AND EXISTS (SELECT 1 FROM {ROLL} r WHERE r.programme_id = %s AND r.month = t.month
          AND r.status IN ('approved', 'published') AND e.area_path LIKE {concat})
      AND NOT EXISTS (SELECT 1 FROM {LINE} o WHERE o.elder_id = e.id AND o.programme_id = %s
          AND o.month = t.month AND {paying_slot("o")} AND o.base_amount > 0 AND o.excluded = {false()})
      AND NOT EXISTS (SELECT 1 FROM {ARREARS} am WHERE am.elder_id = e.id AND am.programme_id = %s
          AND am.month = t.month)
    """
    cur.execute(
        stmt,
        [
            *cte_params,
            programme.pk,
            *source_params,
            roll.pk,
            *cond_params,
            programme.pk,
            programme.pk,
            programme.pk,
        ],
    )
    if not sql.rowcount(cur):
        return 0
    agg = f"FROM {ARREARS} am WHERE am.line_id = {LINE}.id"
    cur.execute(
        f"""
        UPDATE {LINE} SET
            arrears_amount = (SELECT SUM(am.amount) {agg}),
            amount = base_amount + (SELECT SUM(am.amount) {agg}),
            months_covered = 1 + (SELECT COUNT(*) {agg}),
            change_type = 'arrears',
            reason = (CASE WHEN reason = '恢复发放' THEN '恢复发放，' ELSE '' END)
                     || '补发' || CAST((SELECT COUNT(*) {agg}) AS VARCHAR(4)) || '个月'
        WHERE roll_id = %s AND change_type = 'new'
          AND EXISTS (SELECT 1 FROM {ARREARS} am WHERE am.line_id = {LINE}.id)
        """,
        [roll.pk],
    )
    return sql.rowcount(cur)


def _stopped(cur: Any, roll: PaymentRoll, prev: datetime.date, age_ref: datetime.date) -> int:
    """停发: paid last month in this area, not paid this month in any roll — with the reason."""
    programme, month, prefix = roll.programme, roll.month, roll.area_path
    hukou = "WHEN e.hukou_local = " + false() + " THEN '非本区户籍'" if programme.requires_local_hukou else ""
    # This month's lines are read once each, as hashed sets: probing the (elder, programme, month)
    # index for each of last month's lines took a second at 200,000 lines.
    stmt = f"""
    WITH paid_now AS MATERIALIZED (
        SELECT l.elder_id FROM {LINE} l WHERE l.programme_id = %s AND l.month = %s AND {paying_slot("l")}),
    stopped_now AS MATERIALIZED (
        SELECT l.elder_id FROM {LINE} l WHERE l.programme_id = %s AND l.month = %s AND l.change_type = 'stopped')
    INSERT INTO {LINE} (roll_id, programme_id, month, elder_id, rate_rule_id, base_amount,
        arrears_amount, amount, prev_amount, months_covered, change_type, reason, fact_basis,
        fact_age, fact_birth_date, fact_categories, fact_level, fact_hukou_local, fact_status,
        area_path, flagged, flag_reason, excluded)
    SELECT %s, %s, %s, e.id, NULL, 0, 0, 0, pl.base_amount, 0, 'stopped',
        CASE WHEN e.status = 'deceased' AND e.status_date < %s THEN '死亡'
             WHEN e.status = 'moved' AND e.status_date < %s THEN '户籍迁出'
             WHEN e.status <> 'living' THEN '状态变更'
             WHEN EXISTS (SELECT 1 FROM {SUSP} s WHERE s.elder_id = e.id
                  AND (s.programme_id IS NULL OR s.programme_id = %s) AND s.from_month <= %s
                  AND (s.resumed_month IS NULL OR s.resumed_month > %s)) THEN '暂停发放'
             WHEN e.area_path NOT LIKE %s THEN '迁至其他区域'
             {hukou}
             ELSE %s END,
        pl.fact_basis, {age_sql(age_ref)}, e.birth_date, e.categories, e.capability_level, e.hukou_local, e.status,
        pl.area_path, {false()}, '', {false()}
    FROM {LINE} pl JOIN {ELDER} e ON e.id = pl.elder_id
    WHERE pl.programme_id = %s AND pl.month = %s AND {paying_slot("pl")} AND pl.base_amount > 0
      AND pl.excluded = {false()} AND pl.area_path LIKE %s
      AND NOT EXISTS (SELECT 1 FROM paid_now x WHERE x.elder_id = pl.elder_id)
      AND NOT EXISTS (SELECT 1 FROM stopped_now y WHERE y.elder_id = pl.elder_id)
    """
    params = [
        programme.pk,
        month,
        programme.pk,
        month,
        roll.pk,
        programme.pk,
        month,
        month,
        month,
        programme.pk,
        month,
        month,
        prefix + "%",
        KIND_STOP_REASON[ProgrammeKind(programme.kind)],
        programme.pk,
        prev,
        prefix + "%",
    ]
    cur.execute(stmt, params)
    return sql.rowcount(cur)


# -- re-check ---------------------------------------------------------------------------------------------


def recheck_lines(roll: PaymentRoll) -> tuple[int, int]:
    """Flag paid lines that the registry no longer supports for this amount; returns
    (flagged lines, elders now eligible here who are in no roll of the month)."""
    programme, month, prefix = roll.programme, roll.month, roll.area_path
    tiers = tiers_for(programme, [month])
    cte, cte_params = tiers_cte(tiers)
    source, source_params = source_sql(programme, tiers)
    cond, cond_params = conditions_sql(programme, prefix=prefix)
    elig = f"elig AS (SELECT e.id AS elder_id, t.amount FROM {source} WHERE {cond})"
    with connection.cursor() as cur:
        _prepare(analyze=month_table(cur, programme.pk, month))
        cur.execute(
            f"UPDATE {LINE} SET flagged = {false()}, flag_reason = '' WHERE roll_id = %s AND flagged = {true()}",
            [roll.pk],
        )
        reason = f"""(SELECT CASE
                WHEN e.status <> {LINE}.fact_status THEN '状态已变更（' || e.status || '）'
                WHEN e.hukou_local <> {LINE}.fact_hukou_local THEN '户籍已变更'
                WHEN e.birth_date <> {LINE}.fact_birth_date THEN '出生日期已更正'
                WHEN e.area_path NOT LIKE %s THEN '已迁出本区域'
                WHEN EXISTS (SELECT 1 FROM {SUSP} s WHERE s.elder_id = e.id
                    AND (s.programme_id IS NULL OR s.programme_id = %s) AND s.from_month <= %s
                    AND (s.resumed_month IS NULL OR s.resumed_month > %s)) THEN '已暂停发放'
                ELSE '资格或金额已变化' END
            FROM {ELDER} e WHERE e.id = {LINE}.elder_id)"""
        cur.execute(
            f"""
            WITH {cte}, {elig}
            UPDATE {LINE} SET flagged = {true()}, flag_reason = {reason}
            WHERE roll_id = %s AND base_amount > 0 AND excluded = {false()} AND change_type <> 'adjustment'
              AND NOT EXISTS (SELECT 1 FROM elig WHERE elig.elder_id = {LINE}.elder_id
                  AND elig.amount = {LINE}.base_amount)
            """,
            [*cte_params, *source_params, *cond_params, prefix + "%", programme.pk, month, month, roll.pk],
        )
        flagged = sql.rowcount(cur)
        cur.execute(
            f"""
            WITH {cte}, {elig}
            SELECT COUNT(*) FROM elig WHERE NOT EXISTS (SELECT 1 FROM {LINE} x
                WHERE x.elder_id = elig.elder_id AND x.programme_id = %s AND x.month = %s AND {paying_slot("x")})
            """,
            [*cte_params, *source_params, *cond_params, programme.pk, month],
        )
        missing = int(cur.fetchone()[0])
    return flagged, missing
