"""Loading a large share of a table at once: drop its secondary indexes, then rebuild them.

Building an index over a whole table is several times faster than maintaining it row by row, so
the demo generator and the registry import switch to this mode when they write a large share of
the table. The price is an ACCESS EXCLUSIVE lock on the tables until the transaction commits:
readers wait, which is acceptable for a first load of a district and never used for small batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from yiyang.core import sql


class BulkLoadMode:
    """PostgreSQL: drop secondary indexes, unique and foreign-key constraints; recreate on exit.

    Must run inside the load's transaction, so that a failure restores the schema by rollback.
    """

    def __init__(self, tables: Sequence[str]) -> None:
        self.tables = list(tables)
        self.indexes: list[str] = []
        self.constraints: list[tuple[str, str, str]] = []

    def __enter__(self) -> BulkLoadMode:
        if not sql.postgres() or not self.tables:
            return self
        with connection.cursor() as cur:
            # Earlier writes of the same transaction (an import updates registered rows before it
            # loads new ones) left deferred foreign-key checks pending, and PostgreSQL refuses to
            # ALTER a table with pending trigger events. Run those checks now, then defer again.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            cur.execute(
                """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                   FROM pg_constraint c WHERE c.contype IN ('u', 'f') AND c.conrelid::regclass::text = ANY(%s)
                   ORDER BY c.contype DESC""",  # unique before foreign keys on the way back
                [self.tables],
            )
            self.constraints = list(cur.fetchall())
            cur.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                   WHERE i.indrelid::regclass::text = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                [self.tables],
            )
            index_rows = cur.fetchall()
            self.indexes = [definition for _, definition in index_rows]
            for table, name, _ in reversed(self.constraints):
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in index_rows:
                cur.execute(f"DROP INDEX {name}")
        return self

    def __exit__(self, exc_type: Any, *args: Any) -> None:
        if exc_type is not None or not (self.indexes or self.constraints):
            return  # the transaction rolls back, indexes and constraints included
        sql.tune(maintenance_work_mem="512MB")
        with connection.cursor() as cur:
            for definition in self.indexes:
                cur.execute(definition)
            for table, name, definition in self.constraints:
                cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def refresh_after_load(tables: Sequence[str], *, analyze: bool = True) -> None:
    """After a bulk load: planner statistics and, outside a transaction, the visibility map.

    The registry search answers from its indexes alone (index-only scans), which works only for heap
    pages marked all-visible. A freshly loaded table has none marked until VACUUM runs, and autovacuum
    may take minutes to get there: measured on 2,000,000 fresh elders, search by initials went from
    p95 137 ms to 18 ms after one VACUUM of 2.5 s. VACUUM cannot run inside a transaction, so inside
    one only ANALYZE is done and autovacuum sets the map later. ``analyze=False`` after a commit
    whose transaction already analyzed the tables: VACUUM alone, statistics are not gathered twice.
    """
    if not sql.postgres():
        return
    if connection.in_atomic_block:
        verb = "ANALYZE" if analyze else ""
    else:
        verb = "VACUUM (ANALYZE)" if analyze else "VACUUM"
    if not verb:
        return
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"{verb} {table}")
