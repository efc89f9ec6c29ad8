"""How many elders each area has in each status, kept exact by the database itself (PostgreSQL).

The elder list counts what it lists, exactly, so that every page is reachable. Counting the
district's 300,000 living elders for each list page is a scan of them all (130–800 ms on the shared
machine, issue 19); ``people_elder_count`` holds the same number per (area path, status), a few
thousand rows, and the unfiltered list (or one filtered only by area and status) adds up the rows
under the user's areas instead. It holds as well the number per value of each one-choice filter
(:data:`FACETS`, and each economic category), so that a list filtered by one of them ("living alone",
"低保") counts the same way; a list filtered otherwise (an age, a search, two filters) counts its
rows, from the list's index (``elder_list_order_idx`` carries the filtered columns).

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

# Besides each (area, status)'s total (facet and value ''), the elders of each value of the list's
# one-choice filters (people.filtersets), so that a list filtered by one of them counts from here too.
# A facet is named as its filter, and its value is the filter's: "true"/"false" for the yes-or-no ones.
FACETS = {
    "sex": "sex",
    "living_situation": "living_situation",
    "hukou_local": "CASE WHEN hukou_local THEN 'true' ELSE 'false' END",
    "disabled": "CASE WHEN capability_level >= 1 THEN 'true' ELSE 'false' END",
}
CATEGORY = "category"  # one row per economic category an elder holds (``Elder.categories``, comma-separated)
FILTERS = (*FACETS, CATEGORY)


def _rows(rows: str, sign: str) -> str:
    """Every (area path, status, facet, value) a transition table's elders are counted under."""
    values = ", ".join(["('', '')", *(f"('{facet}', {expr})" for facet, expr in FACETS.items())])
    return (
        f"SELECT area_path, status, f.facet, f.value, {sign} AS d FROM {rows} "
        f"CROSS JOIN LATERAL (VALUES {values}) AS f (facet, value) "
        f"UNION ALL SELECT area_path, status, '{CATEGORY}', c.value, {sign} FROM {rows} "
        "CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> ''"
    )


_UPSERT = f"""
    INSERT INTO {TABLE} AS c (facet, value, status, area_path, n)
    SELECT facet, value, status, area_path, sum(d) FROM (%s) AS change
    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0
    ORDER BY 1, 2, 3, 4  -- one order for every writer: no deadlock between two statements
    ON CONFLICT (facet, value, status, area_path) DO UPDATE SET n = c.n + EXCLUDED.n
"""
_ADDED = _rows("new_rows", "1")
_REMOVED = _rows("old_rows", "-1")

FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION people_elder_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_UPSERT % _ADDED};
    RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION people_elder_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_UPSERT % _REMOVED};
    RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION people_elder_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_UPSERT % (_ADDED + " UNION ALL " + _REMOVED)};
    RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION people_elder_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE};
    RETURN NULL;
END $$""",
]
# The whole of it as it stands (the migrations hold each step's own copy).
POSTGRESQL = [
    f"""CREATE TABLE {TABLE} (
        facet varchar(20) NOT NULL,
        value varchar(20) NOT NULL,
        status varchar(12) NOT NULL,
        area_path varchar(15) NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (facet, value, status, area_path)
    )""",
    *FUNCTIONS,
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
# Every row, from the registry (rebuild, and the migration that added the facets).
FILL = f"""
    INSERT INTO {TABLE} (facet, value, status, area_path, n)
    SELECT facet, value, status, area_path, sum(d) FROM ({_rows("people_elder", "1")}) AS elder
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
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
        cur.execute(FILL)
        return int(cur.rowcount)


def count(
    prefixes: Sequence[str] | None, statuses: Iterable[str] | None, facet: tuple[str, str] = ("", "")
) -> int | None:
    """Elders whose area path starts with one of ``prefixes`` (None: any) and whose status is one of
    ``statuses`` (None: any), and who have ``facet``'s value (a name of :data:`FACETS` or
    :data:`CATEGORY` and a value; by default all). ``prefixes`` must not overlap
    (``scoping.outermost`` gives such). None where the counts are not kept (SQLite)."""
    if not available():
        return None
    where: list[str] = ["facet = %s AND value = %s"]
    params: list[Any] = [*facet]
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
    sql = f"SELECT coalesce(sum(n), 0) FROM {TABLE} WHERE " + " AND ".join(where)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
