"""Occupancy from the bed assignments, set-based: nights per home and care level over a period, and
the daily series of occupied beds per home.

A bed assignment holds its bed on the nights ``start ≤ night < end``. The nights of a period
[first, until) are ``LEAST(end, until) − GREATEST(start, first)`` summed over the assignments that
overlap it: one scan, whatever the number of days. The daily series is delta-encoded: +1 on each
start, −1 on each end, a running sum per home over the days of the period (a window function), so a
year of 100,000 beds is one pass over the assignments and one row per home and day.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection

TABLE = "institutions_bedassignment"
HOMES = "institutions_institution"


def _days(a: str, b: str) -> str:
    """SQL for the number of days from date ``b`` to date ``a``."""
    if connection.vendor == "postgresql":
        return f"({a} - {b})"
    return f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if connection.vendor == "postgresql" else f"MIN({a}, {b})"


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def nights_sql(alias: str = "a") -> str:
    """The nights of assignment ``alias`` inside [%(first)s, %(until)s)."""
    end = _least(f'COALESCE({alias}."end", %(until)s)', "%(until)s")
    return _days(end, _greatest(f"{alias}.start", "%(first)s"))


def overlap_sql(alias: str = "a") -> str:
    return f'{alias}.start < %(until)s AND ({alias}."end" IS NULL OR {alias}."end" > %(first)s)'


def nights_by_home(
    area_path: str, first: datetime.date, until: datetime.date, *, by_care_level: bool = True
) -> list[tuple[Any, ...]]:
    """``(institution_id, care_level, nights)`` over the homes of ``area_path`` (the caller checked the
    area against the user); without ``by_care_level`` one row per home."""
    group = "a.institution_id, a.care_level" if by_care_level else "a.institution_id"
    sql = (
        f"SELECT {group}, SUM({nights_sql()}) FROM {TABLE} a JOIN {HOMES} i ON i.id = a.institution_id "
        f"WHERE i.area_path LIKE %(path)s AND {overlap_sql()} GROUP BY {group}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, {"path": area_path + "%", "first": first, "until": until})
        return list(cur.fetchall())


def daily_occupancy(
    first: datetime.date,
    until: datetime.date,
    *,
    area_path: str = "",
    institution_ids: Sequence[int] | None = None,
) -> list[tuple[int, datetime.date, int]]:
    """``(institution_id, day, occupied beds that night)`` for every home and every day in
    [first, until), zero days included."""
    homes = "i.area_path LIKE %(path)s" + (
        " AND i.id = ANY(%(ids)s)" if institution_ids and connection.vendor == "postgresql" else ""
    )
    params: dict[str, Any] = {
        "path": area_path + "%",
        "first": first,
        "until": until,
        "ids": list(institution_ids or []),
    }
    if institution_ids and connection.vendor != "postgresql":
        homes += f" AND i.id IN ({', '.join(str(int(i)) for i in institution_ids)})"
    if connection.vendor == "postgresql":
        days = "SELECT generate_series(%(first)s::date, %(until)s::date - 1, interval '1 day')::date AS day"
    else:
        days = (
            "SELECT date(%(first)s) AS day UNION ALL SELECT date(day, '+1 day') FROM days "
            "WHERE date(day, '+1 day') < date(%(until)s)"
        )
    sql = f"""
        WITH RECURSIVE days(day) AS ({days}),
        homes AS (SELECT i.id FROM {HOMES} i WHERE {homes}),
        deltas AS (
            SELECT a.institution_id AS home, {_greatest("a.start", "%(first)s")} AS day, 1 AS delta
            FROM {TABLE} a JOIN homes h ON h.id = a.institution_id WHERE {overlap_sql()}
            UNION ALL
            SELECT a.institution_id, a."end", -1
            FROM {TABLE} a JOIN homes h ON h.id = a.institution_id
            WHERE {overlap_sql()} AND a."end" < %(until)s
        ),
        per_day AS (SELECT home, day, SUM(delta) AS delta FROM deltas GROUP BY home, day)
        SELECT h.id, d.day, CAST(SUM(COALESCE(p.delta, 0)) OVER (PARTITION BY h.id ORDER BY d.day) AS INTEGER)
        FROM homes h CROSS JOIN days d LEFT JOIN per_day p ON p.home = h.id AND p.day = d.day
        ORDER BY h.id, d.day
    """
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if rows and not isinstance(rows[0][1], datetime.date):
        return [(r[0], datetime.date.fromisoformat(r[1]), int(r[2])) for r in rows]
    return [(r[0], r[1], int(r[2])) for r in rows]


def nights_by_area(
    user: Any, area_path: str, child_paths: Sequence[str], first: datetime.date, until: datetime.date
) -> dict[str, int]:
    """Bed-nights in [first, until) of the homes ``user`` may see, for the area and each child area
    (grouped on the prefix of the home's path), in one statement through the door."""
    from yiyang.core.scoping import scope_sql_named
    from yiyang.institutions.models import BedAssignment

    condition, scope = scope_sql_named(user, BedAssignment, "a")
    width = len(child_paths[0]) if child_paths else len(area_path)
    sql = (
        f"SELECT SUBSTR(i.area_path, 1, {int(width)}), SUM({nights_sql()}) FROM {TABLE} a "
        f"JOIN {HOMES} i ON i.id = a.institution_id "
        f"WHERE i.area_path LIKE %(path)s AND {overlap_sql()} AND {condition} GROUP BY 1"
    )
    with connection.cursor() as cur:
        cur.execute(sql, {"path": area_path + "%", "first": first, "until": until, **scope})
        rows = cur.fetchall()
    values = dict.fromkeys(child_paths, 0)
    total = 0
    for prefix, nights in rows:
        total += int(nights or 0)
        if prefix in values:
            values[prefix] = int(nights or 0)
    values[area_path] = total
    return values
