"""The district's starting rules, as data: the training plan of seed 001 (at least 10 classes and 500
trainees a year from 2026) and post subsidies by certificate level and years in post.

The amounts are a starting point each district edits on the rules pages (new rows with a later
``valid_from``), never constants in code.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import migrations

START = datetime.date(2026, 1, 1)
POST = [(5, "100"), (4, "200"), (3, "300"), (2, "500")]  # 初级, 中级, 高级, 技师 (元/月)
SENIORITY = [(1, 3, "50"), (3, 5, "100"), (5, 10, "150"), (10, None, "200")]  # 工龄 [from, to) years


def load(apps: Any, schema_editor: Any) -> None:
    Plan = apps.get_model("workforce", "TrainingPlanRule")
    Rule = apps.get_model("workforce", "PostSubsidyRule")
    if not Plan.objects.exists():
        Plan.objects.create(name="养老护理员年度培训计划", min_classes=10, min_trainees=500, valid_from=START,
                            note="每年举办培训班不少于10期、培训不少于500人次")  # fmt: skip
    if not Rule.objects.exists():
        Rule.objects.bulk_create(
            [Rule(kind="post", level=level, amount=Decimal(amount), valid_from=START, note="按职业技能等级")
             for level, amount in POST]
            + [Rule(kind="seniority", years_from=a, years_to=b, amount=Decimal(amount), valid_from=START,
                    note="按从事养老护理工作年限") for a, b, amount in SENIORITY]
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
