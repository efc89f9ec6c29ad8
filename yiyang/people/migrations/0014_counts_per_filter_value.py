# people_elder_count also counts each value of the list's one-choice filters (yiyang.people.counts, as
# of this migration): two key columns, the trigger functions replaced, every row filled again from the
# registry. PostgreSQL only: SQLite lists count their rows.

import importlib

from django.db import migrations

FORWARD = [
    "ALTER TABLE people_elder_count ADD COLUMN facet varchar(20) NOT NULL DEFAULT '', ADD COLUMN value varchar(20) NOT NULL DEFAULT ''",
    "ALTER TABLE people_elder_count ALTER COLUMN facet DROP DEFAULT, ALTER COLUMN value DROP DEFAULT",
    "ALTER TABLE people_elder_count DROP CONSTRAINT people_elder_count_pkey",
    "ALTER TABLE people_elder_count ADD PRIMARY KEY (facet, value, status, area_path)",
    "CREATE OR REPLACE FUNCTION people_elder_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    \n    INSERT INTO people_elder_count AS c (facet, value, status, area_path, n)\n    SELECT facet, value, status, area_path, sum(d) FROM (SELECT area_path, status, f.facet, f.value, 1 AS d FROM new_rows CROSS JOIN LATERAL (VALUES ('', ''), ('sex', sex), ('living_situation', living_situation), ('hukou_local', CASE WHEN hukou_local THEN 'true' ELSE 'false' END), ('disabled', CASE WHEN capability_level >= 1 THEN 'true' ELSE 'false' END)) AS f (facet, value) UNION ALL SELECT area_path, status, 'category', c.value, 1 FROM new_rows CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> '') AS change\n    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0\n    ORDER BY 1, 2, 3, 4  -- one order for every writer: no deadlock between two statements\n    ON CONFLICT (facet, value, status, area_path) DO UPDATE SET n = c.n + EXCLUDED.n\n;\n    RETURN NULL;\nEND $$",
    "CREATE OR REPLACE FUNCTION people_elder_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    \n    INSERT INTO people_elder_count AS c (facet, value, status, area_path, n)\n    SELECT facet, value, status, area_path, sum(d) FROM (SELECT area_path, status, f.facet, f.value, -1 AS d FROM old_rows CROSS JOIN LATERAL (VALUES ('', ''), ('sex', sex), ('living_situation', living_situation), ('hukou_local', CASE WHEN hukou_local THEN 'true' ELSE 'false' END), ('disabled', CASE WHEN capability_level >= 1 THEN 'true' ELSE 'false' END)) AS f (facet, value) UNION ALL SELECT area_path, status, 'category', c.value, -1 FROM old_rows CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> '') AS change\n    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0\n    ORDER BY 1, 2, 3, 4  -- one order for every writer: no deadlock between two statements\n    ON CONFLICT (facet, value, status, area_path) DO UPDATE SET n = c.n + EXCLUDED.n\n;\n    RETURN NULL;\nEND $$",
    "CREATE OR REPLACE FUNCTION people_elder_count_update() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    \n    INSERT INTO people_elder_count AS c (facet, value, status, area_path, n)\n    SELECT facet, value, status, area_path, sum(d) FROM (SELECT area_path, status, f.facet, f.value, 1 AS d FROM new_rows CROSS JOIN LATERAL (VALUES ('', ''), ('sex', sex), ('living_situation', living_situation), ('hukou_local', CASE WHEN hukou_local THEN 'true' ELSE 'false' END), ('disabled', CASE WHEN capability_level >= 1 THEN 'true' ELSE 'false' END)) AS f (facet, value) UNION ALL SELECT area_path, status, 'category', c.value, 1 FROM new_rows CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> '' UNION ALL SELECT area_path, status, f.facet, f.value, -1 AS d FROM old_rows CROSS JOIN LATERAL (VALUES ('', ''), ('sex', sex), ('living_situation', living_situation), ('hukou_local', CASE WHEN hukou_local THEN 'true' ELSE 'false' END), ('disabled', CASE WHEN capability_level >= 1 THEN 'true' ELSE 'false' END)) AS f (facet, value) UNION ALL SELECT area_path, status, 'category', c.value, -1 FROM old_rows CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> '') AS change\n    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0\n    ORDER BY 1, 2, 3, 4  -- one order for every writer: no deadlock between two statements\n    ON CONFLICT (facet, value, status, area_path) DO UPDATE SET n = c.n + EXCLUDED.n\n;\n    RETURN NULL;\nEND $$",
]
FILL = "\n    INSERT INTO people_elder_count (facet, value, status, area_path, n)\n    SELECT facet, value, status, area_path, sum(d) FROM (SELECT area_path, status, f.facet, f.value, 1 AS d FROM people_elder CROSS JOIN LATERAL (VALUES ('', ''), ('sex', sex), ('living_situation', living_situation), ('hukou_local', CASE WHEN hukou_local THEN 'true' ELSE 'false' END), ('disabled', CASE WHEN capability_level >= 1 THEN 'true' ELSE 'false' END)) AS f (facet, value) UNION ALL SELECT area_path, status, 'category', c.value, 1 FROM people_elder CROSS JOIN LATERAL unnest(string_to_array(categories, ',')) AS c (value) WHERE c.value <> '') AS elder\n    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4\n"

_BEFORE = importlib.import_module("yiyang.people.migrations.0011_list_order_and_counts")
BACKWARD = [
    "DELETE FROM people_elder_count WHERE facet <> ''",
    "ALTER TABLE people_elder_count DROP CONSTRAINT people_elder_count_pkey",
    "ALTER TABLE people_elder_count DROP COLUMN facet, DROP COLUMN value",
    "ALTER TABLE people_elder_count ADD PRIMARY KEY (area_path, status)",
    *(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION") for sql in _BEFORE.POSTGRESQL[1:4]),
]


def add_facets(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)
    schema_editor.execute("LOCK TABLE people_elder IN SHARE MODE")
    schema_editor.execute("DELETE FROM people_elder_count")
    schema_editor.execute(FILL)


def remove_facets(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0013_list_index_carries_filters"),
    ]

    operations = [migrations.RunPython(add_facets, remove_facets)]
