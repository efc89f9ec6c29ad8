"""Fill the 办结率 cells for the cases already on file (the definition of ``complaints.tallies`` as it
was when the cells were introduced, frozen here)."""

from typing import Any

from django.db import migrations
from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

REACHED = ("satisfied", "basic", "dissatisfied")
MEASURES = {
    "closed": Q(status="closed"),
    "on_time": Q(status="closed", on_time=True),
    "called": Q(satisfaction__in=REACHED),
    "satisfied": Q(satisfaction__in=("satisfied", "basic")),
}


def fill(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("complaints", "Case")
    CaseTally = apps.get_model("complaints", "CaseTally")
    CaseTally.objects.all().delete()
    rows = (
        Case.objects.annotate(
            day=TruncDate("received_at", tzinfo=timezone.get_default_timezone()),
            unit_key=Coalesce("unit_provider_id", Value(0)),
        )
        .values("day", "area_path", "unit_key", "unit_name", "unit_provider_id")
        .annotate(total=Count("pk"), **{name: Count("pk", filter=q) for name, q in MEASURES.items()})
        .order_by()
    )
    CaseTally.objects.bulk_create([CaseTally(**row) for row in rows], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_case_tallies"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
