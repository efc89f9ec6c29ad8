"""How many elders each area has in each status, kept exact by the database itself (PostgreSQL).

The elder list counts what it lists, exactly, so that every page is reachable. Counting the
district's 300,000 living elders for each list page is a scan of them all (130–800 ms on the shared
machine, issue 19); ``people_elder_count`` holds the same number per (area path, status), a few
thousand rows, and the unfiltered list (or one filtered only by area and status) adds up the rows
under the user's areas instead. It holds as well the number per value of each one-choice filter
(:data:`FACETS`, and each economic category), so that a list filtered by one of them ("living alone",
"低保") counts the same way, and per street the number each short search term finds
(:data:`SEARCH_FACETS`: "wang", "王"); a list filtered otherwise (an age, a longer term, two filters)
counts its rows, from the indexes (``elder_list_order_idx`` carries the filtered columns).

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

# The search box's broad terms (``people.selectors.elder_search_count_key``): "wang" or "王" finds a
# twelfth of a city, too many to count from an index for each page. Each elder is counted once under
# every term of up to SEARCH_PREFIX letters that finds them: "name" holds the prefixes of the full
# pinyin and of the initials (a term that could be pinyin searches both), "initials" those of the
# initials alone (a term that cannot, such as "lj"), "first" the first character of a name in Chinese.
# A longer term matches few enough to count from the indexes. These rows are kept per street (the
# first SEARCH_PATH characters of the area path): a community's elders are few enough to count.
SEARCH_FACETS = ("name", "initials", "first")
SEARCH_PREFIX = 5
SEARCH_INITIALS = 2
SEARCH_PATH = 9  # a street's path: its 9-digit statutory code


def _rows(rows: str, sign: str) -> str:
    """Every (area path, status, facet, value) a transition table's elders are counted under."""
    values = ", ".join(["('', '')", *(f"('{facet}', {expr})" for facet, expr in FACETS.items())])
    return (
        f"SELECT area_path, status, f.facet, f.value, {sign} AS d FROM {rows} "
        f"CROSS JOIN LATERAL (VALUES {values}) AS f (facet, value) "
        f"UNION ALL SELECT area_path, status, '{CATEGORY}', c.value, {sign} FROM {rows} "
        "CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> '' "
        f"UNION ALL {_search_rows(rows, sign)}"
    )


def _search_rows(rows: str, sign: str) -> str:
    """The search facets' rows: each elder once under each term that finds them.

    Most names have one reading: their elders are first grouped by street, status and their keys'
    first five letters, then each group is counted under its distinct prefixes (the initials' first letter
    is always the pinyin's). A surname read two ways (单 shan / dan) has every prefix of both
    readings, made distinct per elder."""
    first = "CASE WHEN ascii(name) > 127 THEN left(name, 1) END"  # the name's branch: not a letter term
    one: list[str] = []
    for n in range(1, SEARCH_PREFIX + 1):
        one.append(f"('name', CASE WHEN length(p) >= {n} THEN left(p, {n}) END)")
        if n > 1:
            one.append(
                f"('name', CASE WHEN length(i) >= {n} AND left(i, {n}) <> left(p, {n}) THEN left(i, {n}) END)"
            )
    one += [
        f"('initials', CASE WHEN length(i) >= {n} THEN left(i, {n}) END)"
        for n in range(1, SEARCH_INITIALS + 1)
    ]
    one.append("('first', f)")
    grouped = (
        f"SELECT left(area_path, {SEARCH_PATH}) AS a, status, left(name_pinyin, {SEARCH_PREFIX}) AS p, "
        f"left(name_initials, {SEARCH_PREFIX}) AS i, {first} AS f, count(*) AS n FROM {rows} "
        "WHERE name_pinyin_alt = '' AND name_initials_alt = '' GROUP BY 1, 2, 3, 4, 5"
    )
    keys = "ARRAY[name_pinyin, name_pinyin_alt, name_initials, name_initials_alt]"
    both = (
        f"SELECT DISTINCT 'name', left(k, n) FROM unnest({keys}) AS k, generate_series(1, {SEARCH_PREFIX}) AS n "
        "WHERE k <> '' "
        f"UNION SELECT DISTINCT 'initials', left(k, n) FROM unnest(ARRAY[name_initials, name_initials_alt]) AS k, "
        f"generate_series(1, {SEARCH_INITIALS}) AS n WHERE k <> '' "
        f"UNION SELECT 'first', {first}"
    )
    return (
        f"SELECT g.a AS area_path, g.status, s.facet, s.value, {sign} * g.n AS d FROM ({grouped}) AS g "
        f"CROSS JOIN LATERAL (VALUES {', '.join(one)}) AS s (facet, value) WHERE s.value IS NOT NULL "
        f"UNION ALL SELECT left(area_path, {SEARCH_PATH}), status, s.facet, s.value, {sign} FROM {rows} "
        f"CROSS JOIN LATERAL ({both}) AS s (facet, value) "
        "WHERE (name_pinyin_alt <> '' OR name_initials_alt <> '') AND s.value IS NOT NULL"
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
    :data:`CATEGORY` and a value, or of :data:`SEARCH_FACETS` and a term; by default all). ``prefixes``
    must not overlap (``scoping.outermost`` gives such). None where the counts are not kept (SQLite,
    or a search within a community)."""
    if not available():
        return None
    if facet[0] in SEARCH_FACETS and prefixes is not None and any(len(p) > SEARCH_PATH for p in prefixes):
        return None  # kept per street: a community's searches count their rows
    where = _where(prefixes, statuses, facet)
    if where is None:
        return 0
    with connection.cursor() as cur:
        cur.execute(f"SELECT coalesce(sum(n), 0) FROM {TABLE} WHERE {where[0]}", where[1])
        row = cur.fetchone()
    return int(row[0]) if row else 0


def by_area(
    prefixes: Sequence[str] | None, statuses: Iterable[str] | None, facet: tuple[str, str] = ("", "")
) -> list[tuple[str, int]] | None:
    """What :func:`count` adds up, per area path, in the order the database sorts the paths (the
    elder list's order): a page far into the list skips whole areas by their counts
    (``LateRowsQuerySet.counted_by``). None where the counts are not kept per area (SQLite, and the
    search facets, kept per street)."""
    if not available() or facet[0] in SEARCH_FACETS:
        return None
    where = _where(prefixes, statuses, facet)
    if where is None:
        return []
    sql = f"SELECT area_path, sum(n) FROM {TABLE} WHERE {where[0]} GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1"
    with connection.cursor() as cur:
        cur.execute(sql, where[1])
        return [(path, int(n)) for path, n in cur.fetchall()]


def _where(
    prefixes: Sequence[str] | None, statuses: Iterable[str] | None, facet: tuple[str, str]
) -> tuple[str, list[Any]] | None:
    """The condition on the kept rows and its parameters; None: no row can match."""
    where: list[str] = ["facet = %s AND value = %s"]
    params: list[Any] = [*facet]
    if prefixes is not None:
        if not prefixes:
            return None
        where.append("(" + " OR ".join("area_path LIKE %s" for _ in prefixes) + ")")
        params += [_like_prefix(p) for p in prefixes]
    if statuses is not None:
        wanted = list(statuses)
        if not wanted:
            return None
        where.append("status = ANY(%s)")
        params.append(wanted)
    return " AND ".join(where), params


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
