"""Computing a month's subsidies to the homes of an area, set-based.

The rules in force on the month's first day (one query for both kinds) become a small ``VALUES``
table: one rate per care level for operating, per bed kind for construction, the most specific rule
winning. From it one ``SELECT`` describes every line the roll should hold (``want``): each home's
nights occupied per care level (a bed-month is a month's nights) and beds that came into use that
month per bed kind, with the rate and the amount.

The roll's lines are replaced by ``want``: on PostgreSQL the old lines' delete and the insert are
data-modifying CTEs of one statement (the total comes back from the insert, so the lines are not read
again); on SQLite two statements. Measured (bench/institutions_occupancy.py, issue 16), bringing the
lines to ``want`` in place instead (update changed lines, insert missing, delete vanished) cost more
than this at a district's ~4,000 lines: joining ``want`` to the roll's lines costs about as much as
writing them afresh.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from yiyang.core.dated import in_force_q
from yiyang.institutions.choices import BedKind, BedStatus, CareLevel, SubsidyKind
from yiyang.institutions.models import SubsidyLine, SubsidyRule
from yiyang.institutions.occupancy import HOMES, TABLE, nights_sql, overlap_sql

LINES = "institutions_subsidyline"


@dataclass(frozen=True)
class Computed:
    """What a computation left in the roll, and how many lines it replaced."""

    lines: int
    total: Decimal
    removed: int


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date, int]:
    first = month.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + datetime.timedelta(days=days), days


def all_rates(on: datetime.date) -> dict[str, dict[str, Decimal]]:
    """Per kind, the rate per care level (operating) or bed kind (construction) on ``on``, from one
    query: a rule naming the level or bed kind beats a rule for any, a later start an earlier one."""
    rules = list(
        SubsidyRule.objects.filter(in_force_q(on), kind__in=[SubsidyKind.OPERATING, SubsidyKind.CONSTRUCTION])
        .order_by("-valid_from", "-id")
        .only("kind", "care_level", "bed_kind", "amount")
    )
    out: dict[str, dict[str, Decimal]] = {}
    for kind, field, choices in (
        (SubsidyKind.OPERATING, "care_level", CareLevel.values),
        (SubsidyKind.CONSTRUCTION, "bed_kind", BedKind.values),
    ):
        of_kind = [r for r in rules if r.kind == kind]
        general = [r for r in of_kind if getattr(r, field) == ""]
        table: dict[str, Decimal] = {}
        for value in choices:
            candidates = [r for r in of_kind if getattr(r, field) == value] or general
            if candidates:
                table[value] = candidates[0].amount
        out[str(kind)] = table
    return out


def _want(
    area_path: str, month: datetime.date, rate_tables: dict[str, dict[str, Decimal]]
) -> tuple[str, dict[str, Any]] | None:
    """The CTEs ending in ``want`` (institution_id, kind, category, quantity, bed_months, rate,
    amount): every line the roll should hold. ``None`` when no rule is in force."""
    first, until, days = month_bounds(month)
    # The current month counts the nights up to tonight, never nights still to come.
    nights_until = min(until, timezone.localdate() + datetime.timedelta(days=1))
    params: dict[str, Any] = {
        "path": area_path + "%", "first": first, "until": nights_until, "month_end": until, "days": days,
        "operating": SubsidyKind.OPERATING, "construction": SubsidyKind.CONSTRUCTION,
        "retired": BedStatus.RETIRED,
    }  # fmt: skip
    values: list[str] = []
    for kind, table in rate_tables.items():
        for category, rate in table.items():
            n = len(values)
            values.append(f"(%(k{n})s, %(c{n})s, CAST(%(v{n})s AS NUMERIC))")
            params.update({f"k{n}": kind, f"c{n}": category, f"v{n}": rate})
    if not values:
        return None
    ctes = [f"r(kind, category, rate) AS (VALUES {', '.join(values)})"]
    parts: list[str] = []
    if rate_tables.get(SubsidyKind.OPERATING):
        # The nights are summed once per home and care level (the bare aggregate), then priced.
        ctes.append(f"""n AS (
            SELECT a.institution_id, a.care_level, SUM({nights_sql()}) AS nights
            FROM {TABLE} a JOIN {HOMES} i ON i.id = a.institution_id
            WHERE i.area_path LIKE %(path)s AND {overlap_sql()}
            GROUP BY a.institution_id, a.care_level
        )""")
        parts.append("""
            SELECT n.institution_id, r.kind, n.care_level AS category, n.nights AS quantity,
                   ROUND(n.nights * 1.0 / %(days)s, 2) AS bed_months, r.rate,
                   ROUND(n.nights * 1.0 * r.rate / %(days)s, 2) AS amount
            FROM n JOIN r ON r.kind = %(operating)s AND r.category = n.care_level""")
    if rate_tables.get(SubsidyKind.CONSTRUCTION):
        # Beds that came into use in the whole month (not only up to tonight).
        parts.append(f"""
            SELECT b.institution_id, r.kind, b.kind, COUNT(*), 0, r.rate, ROUND(COUNT(*) * 1.0 * r.rate, 2)
            FROM institutions_bed b JOIN {HOMES} i ON i.id = b.institution_id
                 JOIN r ON r.kind = %(construction)s AND r.category = b.kind
            WHERE i.area_path LIKE %(path)s AND b.added_on >= %(first)s AND b.added_on < %(month_end)s
                  AND b.status <> %(retired)s
            GROUP BY b.institution_id, r.kind, b.kind, r.rate""")
    ctes.append(f"want AS ({' UNION ALL '.join(parts)})")
    return ", ".join(ctes), params


def compute_lines(roll_id: int, area_path: str, month: datetime.date) -> Computed:
    """Replace the roll's lines with what occupancy and the rules in force give for ``month``. The
    caller holds the roll locked (a draft)."""
    want = _want(area_path, month, all_rates(month.replace(day=1)))
    delete = f"DELETE FROM {LINES} WHERE roll_id = %(roll)s"
    with connection.cursor() as cur:
        if want is None:
            cur.execute(delete, {"roll": roll_id})
            return Computed(0, Decimal("0"), int(cur.rowcount))
        ctes, params = want
        params["roll"] = roll_id
        insert = f"""
            INSERT INTO {LINES} (roll_id, institution_id, kind, category, quantity, bed_months, rate, amount)
            SELECT %(roll)s, institution_id, kind, category, quantity, bed_months, rate, amount FROM want"""
        if connection.vendor == "postgresql":
            # One statement: the delete sees the lines as they were before it, so it removes the old
            # lines only; the total comes back from the insert itself, so the lines are not read again.
            cur.execute(
                f"""WITH {ctes},
                removed AS ({delete} RETURNING 1),
                written AS ({insert} RETURNING amount)
                SELECT COUNT(*), COALESCE(SUM(amount), 0), (SELECT COUNT(*) FROM removed) FROM written""",
                params,
            )
            lines, total, removed = cur.fetchone()
            return Computed(int(lines), Decimal(total), int(removed))
        cur.execute(delete, params)
        removed = int(cur.rowcount)
        cur.execute(f"WITH {ctes} {insert}", params)
    totals = SubsidyLine.objects.filter(roll_id=roll_id).aggregate(n=Count("pk"), t=Sum("amount"))
    return Computed(totals["n"], totals["t"] or Decimal("0"), removed)


def bare_aggregate(area_path: str, month: datetime.date) -> list[tuple[object, ...]]:
    """The baseline of the benchmark: the same nights summed per home and care level, nothing written."""
    from yiyang.institutions.occupancy import nights_by_home

    first, until, _days = month_bounds(month)
    return nights_by_home(area_path, first, until)
