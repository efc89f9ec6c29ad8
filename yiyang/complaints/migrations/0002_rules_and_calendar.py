"""The rules as data: the deadlines by channel and category, and the official holiday calendar.

2026: the State Council's arrangement (国务院办公厅关于2026年部分节假日安排的通知), days off and
the weekend days worked instead. 2027: the statutory days of 《全国年节及纪念日放假办法》 only; the
make-up working days are added on the calendar page once the State Council publishes that year's
arrangement. Both are rows: the district edits them, the code never holds a date.
"""

import datetime

from django.db import migrations

NOTICE_2026 = "国务院办公厅关于2026年部分节假日安排的通知"
STATUTE = "全国年节及纪念日放假办法（2027年调休安排待国务院通知发布后补录）"

# (first day, last day, name) of each block of days off; make-up working days after.
HOLIDAYS_2026 = [
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
]
WORKDAYS_2026 = [
    ("2026-01-04", "元旦"),
    ("2026-02-14", "春节"),
    ("2026-02-28", "春节"),
    ("2026-05-09", "劳动节"),
    ("2026-09-20", "国庆节"),
    ("2026-10-10", "国庆节"),
]
HOLIDAYS_2027 = [
    ("2027-01-01", "2027-01-01", "元旦"),
    ("2027-02-05", "2027-02-08", "春节"),
    ("2027-04-05", "2027-04-05", "清明节"),
    ("2027-05-01", "2027-05-02", "劳动节"),
    ("2027-06-09", "2027-06-09", "端午节"),
    ("2027-09-15", "2027-09-15", "中秋节"),
    ("2027-10-01", "2027-10-03", "国庆节"),
]

# name, channel, category, amount, unit, remind_hours, basis
RULES = [
    ("投诉件办结时限", "", "", 15, "working_days", 24, "民政服务投诉：自受理之日起15个工作日内办结"),
    ("信访事项（来信）", "letter", "", 60, "days", 72, "信访工作条例第三十二条：自受理之日起60日内办结"),
    ("信访事项（来访）", "visit", "", 60, "days", 72, "信访工作条例第三十二条：自受理之日起60日内办结"),
    ("热线服务质量投诉", "hotline", "service", 3, "working_days", 24, "12349热线服务质量投诉：3个工作日内办结"),
    ("政策咨询", "", "policy", 3, "working_days", 24, "政策咨询：3个工作日内答复"),
    ("12345转办件", "12345", "", 15, "working_days", 24, "12345转办件未注明时限时：15个工作日"),
]


def _days(first: str, last: str):
    day = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last)
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def load(apps, schema_editor):
    CalendarDay = apps.get_model("complaints", "CalendarDay")
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    rows = []
    for blocks, basis in ((HOLIDAYS_2026, NOTICE_2026), (HOLIDAYS_2027, STATUTE)):
        for first, last, name in blocks:
            rows += [CalendarDay(date=d, kind="holiday", name=name, basis=basis) for d in _days(first, last)]
    rows += [
        CalendarDay(date=datetime.date.fromisoformat(d), kind="workday", name=name, basis=NOTICE_2026)
        for d, name in WORKDAYS_2026
    ]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    start = datetime.date(2026, 1, 1)
    DeadlineRule.objects.bulk_create(
        DeadlineRule(name=n, channel=ch, category=cat, amount=a, unit=u, remind_hours=r, valid_from=start, basis=b)
        for n, ch, cat, a, u, r, b in RULES
    )


def unload(apps, schema_editor):
    apps.get_model("complaints", "CalendarDay").objects.all().delete()
    apps.get_model("complaints", "DeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
