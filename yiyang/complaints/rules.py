"""The rules as data, read: the holiday calendar and the deadline rule that applies to a case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from yiyang.complaints.calendar import Calendar, due_at
from yiyang.complaints.choices import STEP_FALLBACK_HOURS, Category, DayKind, DueUnit, StepKind
from yiyang.complaints.models import CalendarDay, DeadlineRule
from yiyang.core.dated import in_force_q
from yiyang.core.i18n import stored

#: Used only when no rule is in force: the petition regulations' 60 days (《信访工作条例》第三十二条).
FALLBACK = (60, DueUnit.CALENDAR_DAYS.value, "信访工作条例 60 日")


def load_calendar(start: datetime.date, years: int = 2) -> Calendar:
    """The published arrangement from ``start`` for ``years`` years (enough for any deadline)."""
    end = start + datetime.timedelta(days=366 * years)
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    holidays = [d for d, kind in rows if kind == DayKind.HOLIDAY]
    workdays = [d for d, kind in rows if kind == DayKind.WORKDAY]
    return Calendar.of(holidays, workdays)


def rule_for(channel: str, category: str, day: datetime.date) -> DeadlineRule | None:
    """The most specific rule in force on ``day``: channel and category, channel, category, default."""
    rules = list(
        DeadlineRule.objects.filter(
            in_force_q(day), step="", channel__in=[channel, ""], category__in=[category, ""]
        )
    )
    rules.sort(key=lambda r: (r.channel == "", r.category == "", -r.valid_from.toordinal()))
    return rules[0] if rules else None


@dataclass(frozen=True)
class Deadline:
    due_at: datetime.datetime
    remind_at: datetime.datetime
    basis: str


def deadline_for(
    channel: str, category: str, received: datetime.datetime, *, urgent: bool = False
) -> Deadline:
    day = timezone.localtime(received).date()
    rule = rule_for(channel, category, day)
    amount, unit, basis = (rule.amount, rule.unit, stored(rule)) if rule else FALLBACK
    remind_hours = rule.remind_hours if rule else 24
    due = due_at(load_calendar(day), received, amount, unit, urgent=urgent)
    if urgent:
        basis = "紧急件当日办理"
        remind_hours = 2
    remind = max(received, due - datetime.timedelta(hours=remind_hours))
    return Deadline(due, remind, basis[:200])


def step_deadline(step: str, opened: datetime.datetime) -> tuple[datetime.datetime, str]:
    """When a protective step is due: the newest rule in force for the step (any channel, the neglect
    category or any), else the fallback hours (calendar time: protection does not wait for Monday)."""
    day = timezone.localtime(opened).date()
    rule = (
        DeadlineRule.objects.filter(in_force_q(day), step=step, category__in=[Category.NEGLECT_ABUSE, ""])
        .order_by("-valid_from")
        .first()
    )
    if rule is None:
        hours = STEP_FALLBACK_HOURS[StepKind(step)]
        return opened + datetime.timedelta(hours=hours), f"默认 {hours} 小时"
    return due_at(load_calendar(day), opened, rule.amount, rule.unit), stored(rule)[:200]
