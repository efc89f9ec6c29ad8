"""Visit tasks kept in one PostgreSQL partition per period: a month, or a quarter.

The tasks are partitioned by range of ``period_key`` (in the "C" collation, so that the ranges are
byte ranges whatever the database's locale): the month ``2026-12`` holds the keys from ``2026-12`` to
``2026-13`` — the month's task, its half-months ``2026-12a`` and ``2026-12b`` and their retries
``…-R2`` —, the quarter ``2026Q4`` the keys from ``2026Q4`` to ``2026Q5``. Tasks after an alarm
(``A123``), a survey's follow-ups (``S45``) and any key made by hand that names no such period land in
the default partition, so nothing is ever refused for want of a partition. Because the partition key
is the period itself, the unique (elder, period) constraint holds across the whole table as before.

A period's first generation writes its tasks into a new, index-free table shaped like the tasks
(``create_like``; the elders were read once, with parallel workers, into a staging table), builds
the table's indexes in one sorted pass each, moves in the tasks of the period already written by
hand (they sit in the default partition), and attaches it as the period's partition. Later
generations of the period (another street, a retried month) insert into the existing partition as
into any table. See ``generation.generate_routine``.

The primary key of a partitioned table must hold the partition key: it is (id, period_key), and a
visit record's link to its task (``VisitRecord.task``) has no database constraint — ``id`` stays
unique on its own (see ``block_id_sql``), the record is written by the action that has locked its
task, and Django's ``on_delete`` still applies.

On SQLite (and on a PostgreSQL table that was created without the migration), the tasks are one
plain table and every function here reports that there is nothing to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from yiyang.visits.models import VisitTask

TASK = VisitTask._meta.db_table
DEFAULT_PARTITION = f"{TASK}_default"

_MONTH = re.compile(r"^(\d{4})-(\d{2})")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])")

# Tasks written into a new period's partition are numbered block × 2³² + elder, the block naming the
# period key (see ``block_of``): unique, since an elder has one task per key, and free to compute (a
# sequence call per row is a fifth of an insert, and makes the statement unfit for parallel workers).
# Every other task takes the next value of the table's sequence, which stays below 2³² (four billion
# tasks). The largest id (year 2100) is below 2⁵², so a phone's JavaScript reads it exactly.
BLOCK_IDS = 2**32


@dataclass(frozen=True)
class Period:
    """The partition holding a period's keys: its table name and its key range [lo, hi)."""

    name: str
    lo: str
    hi: str


def period_of(period_key: str) -> Period | None:
    """The month or quarter partition that ``period_key`` belongs to; None for the default partition."""
    if match := _MONTH.match(period_key):
        year, month = match.group(1), int(match.group(2))
        return Period(f"{TASK}_{year}{month:02d}", f"{year}-{month:02d}", f"{year}-{month + 1:02d}")
    if match := _QUARTER.match(period_key):
        year, quarter = match.group(1), int(match.group(2))
        return Period(f"{TASK}_{year}q{quarter}", f"{year}Q{quarter}", f"{year}Q{quarter + 1}")
    return None


def block_of(period_key: str) -> int:
    """A number of its own for each key a generation writes (``2026-12``, ``2026-12a``, ``2026-12b``,
    ``2026Q4``): (year × 100 + month, or 12 + quarter) × 4 + half."""
    if match := _MONTH.match(period_key):
        half = {"": 0, "a": 1, "b": 2}.get(period_key[7:])
        if half is None:
            raise ValueError(period_key)
        return (int(match.group(1)) * 100 + int(match.group(2))) * 4 + half
    if match := _QUARTER.match(period_key):
        if period_key[6:]:
            raise ValueError(period_key)
        return (int(match.group(1)) * 100 + 12 + int(match.group(2))) * 4 + 3
    raise ValueError(period_key)


def block_id_sql(block_column: str, elder_column: str) -> str:
    return f"({block_column} * {BLOCK_IDS} + {elder_column})"


def partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TASK])
        row = cur.fetchone()
    return bool(row and row[0] == "p")


def exists(cur: Any, period: Period) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [period.name])
    return bool(cur.fetchone()[0])


def columns() -> list[str]:
    return [str(field.column) for field in VisitTask._meta.concrete_fields]


def create_like(cur: Any, table: str, period: Period) -> None:
    """A new, index-free table shaped like the tasks (columns, collations, defaults, NOT NULL and CHECK
    constraints), with the period's bound as a CHECK constraint, so that the attach need not read the
    rows to know they belong to the period."""
    cur.execute(f'CREATE TABLE "{table}" (LIKE "{TASK}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    cur.execute(
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_bound" '
        f"CHECK (period_key >= '{period.lo}' AND period_key < '{period.hi}')"
    )


def _index_definitions(cur: Any) -> list[tuple[str, str, str | None]]:
    """The tasks' indexes: (name, definition, constraint type 'p'/'u' or None)."""
    cur.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid), c.contype FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
        "WHERE x.indrelid = to_regclass(%s) ORDER BY i.relname",
        [TASK],
    )
    return [(name, definition, kind) for name, definition, kind in cur.fetchall()]


def build_indexes(cur: Any, table: str) -> None:
    """Build each of the tasks' indexes on a table made by ``create_like`` and filled, in one sorted pass
    each — the primary key and the unique constraint as constraints, so that the attach adopts them."""
    for name, definition, kind in _index_definitions(cur):
        own = f"{table}_{name}"[:63]
        columns_part = definition.split(" USING ", 1)[1]
        if kind in ("p", "u"):
            kind_sql = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            keys = columns_part.split("(", 1)[1].rsplit(")", 1)[0]
            cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{own}" {kind_sql} ({keys})')
        else:
            unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
            cur.execute(f'CREATE {unique}INDEX "{own}" ON "{table}" USING {columns_part}')


def move_from_default(cur: Any, table: str, period: Period) -> int:
    """Move the period's tasks written before it had a partition (by hand, a retry, or committed while
    the new table was filled) from the default partition into ``table``; where such a task and a new
    one are for the same elder and key, the one written before is kept. Returns how many new tasks
    were dropped for that reason. The caller holds the default partition locked."""
    bound = "d.period_key >= %s AND d.period_key < %s"
    cur.execute(
        f'DELETE FROM "{table}" f USING "{DEFAULT_PARTITION}" d '
        f"WHERE {bound} AND f.elder_id = d.elder_id AND f.period_key = d.period_key",
        [period.lo, period.hi],
    )
    dropped = max(cur.rowcount, 0)
    names = ", ".join(f'"{name}"' for name in columns())
    cur.execute(
        f'WITH moved AS (DELETE FROM "{DEFAULT_PARTITION}" d WHERE {bound} RETURNING d.*) '
        f'INSERT INTO "{table}" ({names}) SELECT {names} FROM moved',
        [period.lo, period.hi],
    )
    return dropped


def attach(cur: Any, table: str, period: Period) -> None:
    cur.execute(
        f"ALTER TABLE \"{TASK}\" ATTACH PARTITION \"{table}\" FOR VALUES FROM ('{period.lo}') TO ('{period.hi}')"
    )


def lock_default(cur: Any) -> None:
    """Hold the default partition as the attach will (no task enters or leaves it until commit), so
    that every task of the period written before the attach is moved."""
    cur.execute(f'LOCK TABLE "{DEFAULT_PARTITION}" IN ACCESS EXCLUSIVE MODE')


def period_partitions() -> list[str]:
    """The names of the period partitions (not the default)."""
    if not partitioned():
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) AND c.relname <> %s ORDER BY c.relname",
            [TASK, DEFAULT_PARTITION],
        )
        return [name for (name,) in cur.fetchall()]


def drop_empty() -> int:
    """Drop period partitions that hold no task (after tasks were deleted), so that the period's next
    generation makes a new one; returns how many."""
    dropped = 0
    with connection.cursor() as cur:
        for name in period_partitions():
            cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')
            if not cur.fetchone()[0]:
                cur.execute(f'DROP TABLE "{name}"')
                dropped += 1
    return dropped
