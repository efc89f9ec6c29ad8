"""How many elders each area has in each status, kept exact by the database itself (PostgreSQL).

The elder list counts what it lists, exactly, so that every page is reachable. Counting the
district's 300,000 living elders for each list page is a scan of them all (130–800 ms on the shared
machine, issue 19); ``people_elder_count`` holds the same number per (area path, status), a few
thousand rows, and the unfiltered list (or one filtered only by area and status) adds up the rows
under the user's areas instead.

The table is kept by statement-level triggers on ``people_elder`` (insert, update, delete, truncate),
in the same transaction as the change, whatever makes it: an action, an import's ``COPY``, a
migration's ``UPDATE``, a repair in psql. Nothing in Python has to remember it. :func:`rebuild`
recomputes it from the registry (``manage.py shell -c "from yiyang.people import counts;
counts.rebuild()"``), under a lock that holds writers back meanwhile.

SQLite (development, the default test database) has no table: :func:`count` answers None there and
the list counts its rows as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

TABLE = "people_elder_count"

_UPSERT = f"""
    INSERT INTO {TABLE} AS c (area_path, status, n)
    SELECT area_path, status, sum(d) FROM (%s) AS change GROUP BY 1, 2 HAVING sum(d) <> 0
    ORDER BY 1, 2  -- one order for every writer: no deadlock between two statements
    ON CONFLICT (area_path, status) DO UPDATE SET n = c.n + EXCLUDED.n
"""
_ADDED = "SELECT area_path, status, 1 AS d FROM new_rows"
_REMOVED = "SELECT area_path, status, -1 AS d FROM old_rows"

POSTGRESQL = [
    f"""CREATE TABLE {TABLE} (
        area_path varchar(15) NOT NULL,
        status varchar(12) NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (area_path, status)
    )""",
    f"""CREATE FUNCTION people_elder_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_UPSERT % _ADDED};
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION people_elder_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_UPSERT % _REMOVED};
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION people_elder_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_UPSERT % (_ADDED + " UNION ALL " + _REMOVED)};
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION people_elder_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE};
    RETURN NULL;
END $$""",
    "CREATE TRIGGER people_elder_count_insert AFTER INSERT ON people_elder "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION people_elder_count_insert()",
    "CREATE TRIGGER people_elder_count_delete AFTER DELETE ON people_elder "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_elder_count_delete()",
    "CREATE TRIGGER people_elder_count_update AFTER UPDATE ON people_elder "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_elder_count_update()",
    "CREATE TRIGGER people_elder_count_truncate AFTER TRUNCATE ON people_elder "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_elder_count_truncate()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER people_elder_count_truncate ON people_elder",
    "DROP TRIGGER people_elder_count_update ON people_elder",
    "DROP TRIGGER people_elder_count_delete ON people_elder",
    "DROP TRIGGER people_elder_count_insert ON people_elder",
    "DROP FUNCTION people_elder_count_truncate()",
    "DROP FUNCTION people_elder_count_update()",
    "DROP FUNCTION people_elder_count_delete()",
    "DROP FUNCTION people_elder_count_insert()",
    f"DROP TABLE {TABLE}",
]


def available() -> bool:
    return connection.vendor == "postgresql"


def rebuild() -> int:
    """Recompute every row from the registry; returns the number of rows. Writers to the registry
    wait meanwhile (a share lock), so no change falls between the count and the table."""
    assert available(), "the counts are kept on PostgreSQL only"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("LOCK TABLE people_elder IN SHARE MODE")
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(
            f"INSERT INTO {TABLE} (area_path, status, n) "
            "SELECT area_path, status, count(*) FROM people_elder GROUP BY 1, 2 ORDER BY 1, 2"
        )
        return int(cur.rowcount)


def count(prefixes: Sequence[str] | None, statuses: Iterable[str] | None) -> int | None:
    """Elders whose area path starts with one of ``prefixes`` (None: any) and whose status is one of
    ``statuses`` (None: any). ``prefixes`` must not overlap (``scoping.outermost`` gives such).
    None where the counts are not kept (SQLite)."""
    if not available():
        return None
    where: list[str] = []
    params: list[Any] = []
    if prefixes is not None:
        if not prefixes:
            return 0
        where.append("(" + " OR ".join("area_path LIKE %s" for _ in prefixes) + ")")
        params += [_like_prefix(p) for p in prefixes]
    if statuses is not None:
        wanted = list(statuses)
        if not wanted:
            return 0
        where.append("status = ANY(%s)")
        params.append(wanted)
    sql = f"SELECT coalesce(sum(n), 0) FROM {TABLE}" + (" WHERE " + " AND ".join(where) if where else "")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
