"""The post-subsidy month in one statement, whatever the number of workers.

The rules in force on the month's last day become two small ``VALUES`` tables (the amount per
certificate level, the amount per band of years in post); one ``INSERT … SELECT`` then writes a line
for every worker of the roll's area who is in post on that day and holds a certificate in force on
it (the highest level wins), with the certificate, level and years frozen beside the amounts.
A worker already paid for the month in another roll gets no second line (and the unique index on
worker and month refuses one).
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum

from yiyang.core.dated import in_force_q
from yiyang.core.sql import postgres
from yiyang.workforce.choices import SubsidyKind
from yiyang.workforce.models import PostSubsidyRoll, PostSubsidyRule


def month_last(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def rules_in_force(day: datetime.date) -> list[PostSubsidyRule]:
    return list(PostSubsidyRule.objects.filter(in_force_q(day)).order_by("kind", "level", "years_from", "pk"))


def _values(rows: list[tuple[Any, ...]], columns: str, empty: str) -> tuple[str, list[Any]]:
    """A ``VALUES`` table (PostgreSQL needs the types of its parameters spelled out)."""
    if not rows:
        return f"SELECT {empty} WHERE 1 = 0", []
    casts = (
        ["%s::int" if c != "amount" else "%s::numeric" for c in columns.split(", ")] if postgres() else None
    )
    one = "(" + ", ".join(casts or ["%s"] * len(rows[0])) + ")"
    params = [v for row in rows for v in row]
    return "VALUES " + ", ".join([one] * len(rows)), params


def _years_sql() -> str:
    """Whole years from ``w.post_since`` to the month's last day (%(last)s)."""
    if postgres():
        # Integer arithmetic on the date's parts: age() per row costs more than the rest of the row.
        return (
            "(%(last_year)s - EXTRACT(YEAR FROM w.post_since)::int - CASE WHEN EXTRACT(MONTH FROM w.post_since)"
            " * 100 + EXTRACT(DAY FROM w.post_since) > %(last_mmdd)s THEN 1 ELSE 0 END)"
        )
    return (
        "(CAST(strftime('%%Y', %(last)s) AS INTEGER) - CAST(strftime('%%Y', w.post_since) AS INTEGER)"
        " - (strftime('%%m-%%d', w.post_since) > strftime('%%m-%%d', %(last)s)))"
    )


def _best_certificate_sql(in_force: str) -> str:
    """``cert (worker_id, id, level)``: each worker's highest level in force, the first such certificate."""
    if postgres():  # one pass over the certificates
        return f"""cert AS (
                SELECT DISTINCT ON (c.worker_id) c.worker_id, c.id, c.level FROM workforce_certificate c
                WHERE {in_force} ORDER BY c.worker_id, c.level, c.id)"""
    return f"""best AS (
                SELECT c.worker_id, MIN(c.level) AS level FROM workforce_certificate c
                WHERE {in_force} GROUP BY c.worker_id),
             cert AS (
                SELECT c.worker_id, MIN(c.id) AS id, c.level FROM workforce_certificate c
                JOIN best ON best.worker_id = c.worker_id AND best.level = c.level
                WHERE {in_force} GROUP BY c.worker_id, c.level)"""


def generate_lines(roll: PostSubsidyRoll) -> int:
    """Write the roll's lines (the roll must have none); returns how many."""
    last = month_last(roll.month)
    rules = rules_in_force(last)
    post_rows = [(r.level, r.amount) for r in rules if r.kind == SubsidyKind.POST]
    band_rows = [
        (r.years_from, r.years_to if r.years_to is not None else 1000, r.amount)
        for r in rules
        if r.kind == SubsidyKind.SENIORITY
    ]
    post_sql, post_params = _values(post_rows, "level, amount", "0 AS level, 0 AS amount")
    band_sql, band_params = _values(band_rows, "y_from, y_to, amount", "0 AS y_from, 0 AS y_to, 0 AS amount")
    named: dict[str, Any] = {
        "roll": roll.pk,
        "first": roll.month,
        "last": last,
        "prefix": f"{roll.area_path}%",
        "last_year": last.year,
        "last_mmdd": last.month * 100 + last.day,
    }
    for i, v in enumerate(post_params):
        named[f"p{i}"] = v
    for i, v in enumerate(band_params):
        named[f"b{i}"] = v
    post_sql = _name(post_sql, "p")
    band_sql = _name(band_sql, "b")
    in_force = "c.valid_from <= %(last)s AND (c.valid_to IS NULL OR c.valid_to >= %(last)s)"
    sql = f"""
        INSERT INTO workforce_postsubsidyline
            (roll_id, worker_id, month, certificate_id, level, post_amount, years, seniority_amount,
             amount, area_path)
        WITH post (level, amount) AS ({post_sql}),
             band (y_from, y_to, amount) AS ({band_sql}),
             {_best_certificate_sql(in_force)},
             staff AS {"MATERIALIZED " if postgres() else ""}(
                SELECT w.id, w.area_path, {_years_sql()} AS years FROM workforce_careworker w
                WHERE w.area_path LIKE %(prefix)s AND w.post_since <= %(last)s
                  AND (w.left_on IS NULL OR w.left_on > %(last)s))
        SELECT %(roll)s, staff.id, %(first)s, cert.id, cert.level, COALESCE(post.amount, 0), staff.years,
               COALESCE(band.amount, 0), COALESCE(post.amount, 0) + COALESCE(band.amount, 0), staff.area_path
        FROM staff
        JOIN cert ON cert.worker_id = staff.id
        LEFT JOIN post ON post.level = cert.level
        LEFT JOIN band ON staff.years >= band.y_from AND staff.years < band.y_to
        WHERE NOT EXISTS (
            SELECT 1 FROM workforce_postsubsidyline l WHERE l.worker_id = staff.id AND l.month = %(first)s)
    """
    with connection.cursor() as cur:
        cur.execute(sql, named)
        return max(cur.rowcount, 0)


def _name(sql: str, prefix: str) -> str:
    """``%s`` placeholders as ``%(p0)s``, ``%(p1)s`` … (the statement uses named parameters)."""
    counter = iter(range(10_000))
    return re.sub(r"%s", lambda _m: f"%({prefix}{next(counter)})s", sql)


def totals(roll: PostSubsidyRoll) -> tuple[int, Decimal]:
    agg = roll.lines.aggregate(n=Count("id"), t=Sum("amount"))
    return agg["n"] or 0, agg["t"] or Decimal("0")
