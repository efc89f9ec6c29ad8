"""Every dispatch worker becomes a person in the care workforce registry (养老服务人才台账).

Run once over the workers there are (a few thousand at most), in chunks: each gets a
``workforce.CareWorker`` employed by its provider, working where the provider is registered (or in
the top area when the provider names none), and is linked to it one-to-one.
"""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    Worker = apps.get_model("services", "Worker")
    CareWorker = apps.get_model("workforce", "CareWorker")
    Area = apps.get_model("areas", "Area")
    top = Area.objects.order_by("level", "path").first()
    todo = Worker.objects.filter(care_worker__isnull=True).select_related("provider__area").order_by("pk")
    while True:
        chunk = list(todo[:2000])
        if not chunk:
            break
        made = []
        for w in chunk:
            area = w.provider.area or top
            if area is None:
                return  # no area at all yet: nothing to place a worker in
            made.append(
                CareWorker(
                    name=w.name,
                    phone_enc=w.phone_enc,
                    phone_masked=w.phone_masked,
                    employer_kind="provider",
                    provider_id=w.provider_id,
                    area=area,
                    area_path=area.path,
                    post="home_aide",
                    post_since=w.created_at.date(),
                    status="active" if w.is_active else "left",
                    left_on=None if w.is_active else w.updated_at.date(),
                    exit_reason="" if w.is_active else "other",
                    created_at=w.created_at,
                )
            )
        CareWorker.objects.bulk_create(made)
        if made[0].pk is None:  # a backend that does not return keys: find them by insertion order
            keys = list(CareWorker.objects.order_by("-pk").values_list("pk", flat=True)[: len(made)])[::-1]
            for person, key in zip(made, keys, strict=True):
                person.pk = key
        for w, person in zip(chunk, made, strict=True):
            w.care_worker_id = person.pk
        Worker.objects.bulk_update(chunk, ["care_worker"])


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0005_worker_care_worker"),
        ("workforce", "0001_initial"),
        ("areas", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
