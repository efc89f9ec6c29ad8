"""SQL plumbing for set-based work, once: session tuning, fresh statistics, COPY staging, bound arrays.

Each helper runs on the default connection, inside the caller's transaction, and is written so that
the caller has one code path: what is PostgreSQL-only (``SET LOCAL``, ``ANALYZE``, ``COPY``,
server-side binding) does nothing or falls back to a portable statement on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from django.db import connection


def postgres() -> bool:
    return connection.vendor == "postgresql"


def rowcount(cursor: Any) -> int:
    """The number of rows the cursor's last INSERT, UPDATE or DELETE wrote.

    Python's sqlite3 reports -1 for a statement that begins with ``WITH`` (it only recognises
    statements starting with INSERT, UPDATE, DELETE or REPLACE), so every ``WITH … INSERT …
    SELECT`` of the set-based engines counted -1 rows on SQLite; SQLite's own ``changes()`` knows.
    PostgreSQL reports the count for any statement.
    """
    count = int(cursor.rowcount)
    if count >= 0 or postgres():
        return count
    cursor.execute("SELECT changes()")
    return int(cursor.fetchone()[0])


def tune(**settings: str | int) -> None:
    """PostgreSQL, for this transaction only: ``SET LOCAL name = value`` for each setting.

    For a statement that sorts or hashes far more than the 4 MB default (``work_mem="256MB"``) or
    builds indexes (``maintenance_work_mem="512MB"``); the setting ends with the transaction, so a
    pooled connection never carries it to the next request.
    """
    if not postgres():
        return
    with connection.cursor() as cur:
        for name, value in settings.items():
            cur.execute(f"SET LOCAL {name} = '{value}'")


def analyze(*tables: str, statistics_target: int | None = None) -> None:
    """PostgreSQL: fresh planner statistics for ``tables`` (rows written in this transaction included).

    Autovacuum's statistics are minutes behind a bulk write, and temporary tables are never analyzed
    by it; planned against stale counts, hash joins become millions of index probes. A small
    ``statistics_target`` (10: a 3,000-row sample instead of 30,000) is enough when the plan only
    needs row counts, not fine histograms.
    """
    if not postgres() or not tables:
        return
    with connection.cursor() as cur:
        if statistics_target is not None:
            cur.execute(f"SET LOCAL default_statistics_target = {int(statistics_target)}")
        cur.execute(f"ANALYZE {', '.join(tables)}")
        if statistics_target is not None:
            cur.execute("RESET default_statistics_target")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write ``rows`` into ``table``: COPY on PostgreSQL (~8x faster than INSERT), a batch INSERT elsewhere."""
    names = ", ".join(columns)
    with connection.cursor() as cur:
        if postgres():
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def create_stage(table: str, columns: Sequence[tuple[str, str]], *, drop_on_commit: bool = False) -> None:
    """A temporary staging table: no index, no WAL, private to the connection.

    One left over from an earlier failed run on the same connection is replaced. ``drop_on_commit``
    (PostgreSQL) ties it to the transaction, for staging that lives no longer than one.
    """
    definition = ", ".join(f"{name} {kind}" for name, kind in columns)
    on_commit = " ON COMMIT DROP" if drop_on_commit and postgres() else ""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(f"CREATE TEMPORARY TABLE {table} ({definition}){on_commit}")


def drop_stage(table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")


def execute_bound(sql: str, params: Sequence[Any], *, returning: bool = False) -> list[tuple[Any, ...]]:
    """PostgreSQL: one statement with server-side binding, on the same connection and transaction.

    Django's psycopg cursors bind parameters on the client: a batch's arrays of 500 values are quoted
    into the SQL text by Python code, which costs more than the statement itself. Write ``%b`` for
    array parameters so that they travel in the binary format, unquoted.
    """
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, psycopg.Connection)
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []
