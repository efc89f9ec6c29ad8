"""Default monitoring rules (监护规则) from the product description: 独居 80+ alarm after 12 hours
without water and 24 hours with the door shut, with a daily check-in by 10:00; looser thresholds for
the other groups. Administrators change them on the rules page (new rows with an effective date)."""

import datetime

from django.db import migrations

DEFAULTS = [
    # group, no water hours, no door hours, daily check-in, note
    ("alone_80", 12, 24, True, "独居 80 岁以上：12 小时无用水且 24 小时未开门告警，每日 10:00 前平安签到"),
    ("alone", 24, 36, True, "独居：24 小时无用水且 36 小时未开门告警，每日平安签到"),
    ("empty_nest_80", 24, 48, False, "空巢 80 岁以上"),
    ("empty_nest", 36, 72, False, "空巢"),
    ("other", 48, 96, False, "其他老人（与家人同住等）"),
]


def add_defaults(apps, schema_editor):
    RuleConfig = apps.get_model("safety", "RuleConfig")
    if RuleConfig.objects.exists():
        return
    for group, water, door, checkin, note in DEFAULTS:
        RuleConfig.objects.create(
            group=group, no_water_hours=water, no_door_hours=door, checkin_required=checkin,
            checkin_by=datetime.time(10, 0), valid_from=datetime.date(2020, 1, 1), note=note,
        )


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
