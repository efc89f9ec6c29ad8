"""The health note's digest becomes per elder (issue 18 item 1): the old one, a plain keyed hash of the
text, was equal for every elder with the same note and so linked them. Recomputed in batches from the
encrypted note; the schema does not change."""

from django.db import migrations


def per_elder(apps, schema_editor):
    from yiyang.core import crypto

    elder = apps.get_model("people", "Elder")
    conn = schema_editor.connection
    rows = elder.objects.using(conn.alias).exclude(health_enc="").order_by("pk")
    cast = "::bigint" if conn.vendor == "postgresql" else ""
    after = 0
    while batch := list(rows.filter(pk__gt=after).values_list("pk", "id_number_hash", "health_enc")[:2000]):
        values = []
        for pk, id_hash, token in batch:
            values += [pk, crypto.note_digest(id_hash, crypto.decrypt(token))]
        with conn.cursor() as cur:
            cur.execute(
                "WITH v(id, digest) AS (VALUES "
                + ", ".join([f"(%s{cast}, %s)"] * len(batch))
                + ") UPDATE people_elder SET health_hash = v.digest FROM v WHERE people_elder.id = v.id",
                values,
            )
        after = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("people", "0009_elder_pinyin_alternate_readings")]

    operations = [migrations.RunPython(per_elder, migrations.RunPython.noop)]
