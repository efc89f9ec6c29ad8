"""The default time-bank rule: Nanjing's 1,500-hour cap, relatives aged 60 and over (domain-standards §8)."""

import datetime

from django.db import migrations


def add_rule(apps, schema_editor):  # type: ignore[no-untyped-def]
    BankRule = apps.get_model("volunteers", "BankRule")
    if not BankRule.objects.exists():
        BankRule.objects.create(
            name="时间银行存储上限",
            cap_hours=1500,
            relative_min_age=60,
            valid_from=datetime.date(2019, 7, 17),
            note="《南京市养老服务时间银行实施方案(试行)》：个人账户存储上限1500小时，超出部分转为捐赠",
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_time_bank")]

    operations = [migrations.RunPython(add_rule, migrations.RunPython.noop)]
