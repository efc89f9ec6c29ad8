"""Computing a month's subsidies to the homes of an area, set-based.

The rules in force on the month's first day become a small ``VALUES`` table (one rate per care level
for operating, per bed kind for construction: the most specific rule wins), and one ``INSERT … SELECT``
per kind writes every home's lines with what they were computed from: nights occupied (a bed-month is
a month's nights) or beds that came into use that month, and the rate.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from yiyang.core.dated import in_force_q
from yiyang.institutions.choices import BedKind, BedStatus, CareLevel, SubsidyKind
from yiyang.institutions.models import SubsidyRule
from yiyang.institutions.occupancy import HOMES, TABLE, nights_sql, overlap_sql

LINES = "institutions_subsidyline"


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date, int]:
    first = month.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + datetime.timedelta(days=days), days


def rates(kind: str, on: datetime.date) -> dict[str, Decimal]:
    """Rate per care level (operating) or bed kind (construction) on ``on``: a rule naming it beats a
    rule for any, a later start beats an earlier one."""
    field = "care_level" if kind == SubsidyKind.OPERATING else "bed_kind"
    choices = CareLevel.values if kind == SubsidyKind.OPERATING else BedKind.values
    rules = list(SubsidyRule.objects.filter(in_force_q(on), kind=kind).order_by("-valid_from", "-id"))
    out: dict[str, Decimal] = {}
    for value in choices:
        specific = [r for r in rules if getattr(r, field) == value]
        general = [r for r in rules if getattr(r, field) == ""]
        candidates = specific or general
        if candidates:
            out[value] = candidates[0].amount
    return out


def _values(table: dict[str, Decimal]) -> tuple[str, list[Any]]:
    rows = ", ".join(["(%s, CAST(%s AS NUMERIC))"] * len(table))
    params: list[Any] = [x for key, rate in table.items() for x in (key, rate)]
    return rows, params


def _write(cur: Any, ctes: str, insert: str, params: list[Any]) -> tuple[int, Decimal]:
    """Run ``WITH ctes insert``; returns the lines written and their sum. On PostgreSQL the sum comes
    back from the insert itself (``RETURNING``), so the lines are not read again."""
    if connection.vendor == "postgresql":
        cur.execute(
            f"WITH {ctes}, written AS ({insert} RETURNING amount) "
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM written",
            params,
        )
        count, total = cur.fetchone()
        return int(count), Decimal(total)
    cur.execute(f"WITH {ctes} {insert}", params)
    return int(cur.rowcount), Decimal("0")


def compute_lines(roll_id: int, area_path: str, month: datetime.date) -> tuple[int, Decimal]:
    """Write the roll's lines (the caller deleted any earlier ones); returns how many, and their total."""
    first, until, days = month_bounds(month)
    # The current month counts the nights up to tonight, never nights still to come.
    nights_until = min(until, timezone.localdate() + datetime.timedelta(days=1))
    written, total = 0, Decimal("0")
    operating = rates(SubsidyKind.OPERATING, first)
    with connection.cursor() as cur:
        if operating:
            values, params = _values(operating)
            nights = nights_sql().replace("%(until)s", "%s").replace("%(first)s", "%s")
            overlap = overlap_sql().replace("%(until)s", "%s").replace("%(first)s", "%s")
            n_params = [
                nights_until,
                nights_until,
                first,
            ]  # LEAST(COALESCE(end, ·), ·) − GREATEST(start, first)
            # The nights are summed once per home and care level (the bare aggregate), then priced.
            count, amount = _write(
                cur,
                f"""
                r(category, rate) AS (VALUES {values}),
                n AS (
                    SELECT a.institution_id, a.care_level, SUM({nights}) AS nights
                    FROM {TABLE} a JOIN {HOMES} i ON i.id = a.institution_id
                    WHERE i.area_path LIKE %s AND {overlap}
                    GROUP BY a.institution_id, a.care_level
                )""",
                f"""
                INSERT INTO {LINES} (roll_id, institution_id, kind, category, quantity, bed_months, rate, amount)
                SELECT %s, n.institution_id, %s, n.care_level, n.nights, ROUND(n.nights * 1.0 / %s, 2), r.rate,
                       ROUND(n.nights * 1.0 * r.rate / %s, 2)
                FROM n JOIN r ON r.category = n.care_level
                """,
                [*params, *n_params, area_path + "%", nights_until, first, roll_id, SubsidyKind.OPERATING, days, days],
            )  # fmt: skip
            written += count
            total += amount
        construction = rates(SubsidyKind.CONSTRUCTION, first)
        if construction:
            values, params = _values(construction)
            count, amount = _write(
                cur,
                f"r(category, rate) AS (VALUES {values})",
                f"""
                INSERT INTO {LINES} (roll_id, institution_id, kind, category, quantity, bed_months, rate, amount)
                SELECT %s, b.institution_id, %s, b.kind, COUNT(*), 0, r.rate, ROUND(COUNT(*) * 1.0 * r.rate, 2)
                FROM institutions_bed b JOIN {HOMES} i ON i.id = b.institution_id JOIN r ON r.category = b.kind
                WHERE i.area_path LIKE %s AND b.added_on >= %s AND b.added_on < %s AND b.status <> %s
                GROUP BY b.institution_id, b.kind, r.rate
                """,
                [*params, roll_id, SubsidyKind.CONSTRUCTION, area_path + "%", first, until, BedStatus.RETIRED],
            )  # fmt: skip
            written += count
            total += amount
        if connection.vendor != "postgresql":
            from yiyang.institutions.models import SubsidyLine

            total = SubsidyLine.objects.filter(roll_id=roll_id).aggregate(t=Sum("amount"))["t"] or Decimal(
                "0"
            )
    return written, total


def bare_aggregate(area_path: str, month: datetime.date) -> list[tuple[object, ...]]:
    """The baseline of the benchmark: the same nights summed per home and care level, nothing written."""
    from yiyang.institutions.occupancy import nights_by_home

    first, until, _days = month_bounds(month)
    return nights_by_home(area_path, first, until)
