"""On PostgreSQL the database itself refuses two residents in one bed on the same night: an exclusion
constraint over the bed and the nights' range (no extension needed: both are ranges under GiST).
On SQLite the action's check on the locked bed row is the guard."""

from typing import Any

from django.db import migrations

CONSTRAINT = "institutions_bed_one_resident_per_night"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE institutions_bedassignment ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(int8range(bed_id, bed_id, '[]') WITH &&, daterange(start, \"end\", '[)') WITH &&)"
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE institutions_bedassignment DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_residents")]

    operations = [migrations.RunPython(forwards, backwards)]
