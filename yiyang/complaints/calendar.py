"""Working days and deadlines: pure functions over the official holiday calendar (given as data).

A day is a working day when it is a make-up working day (调休上班), or a Monday–Friday that is not a
day off (放假). Deadlines count from the day after receipt, as the petition rules do ("自受理之日起
15日内"): the day a case arrives is never one of its working days. A deadline falls at the end of its
last day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

END_OF_DAY = datetime.time(23, 59, 59)


@dataclass(frozen=True)
class Calendar:
    """The official arrangement: days off and make-up working days."""

    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    workdays: frozenset[datetime.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, holidays: Iterable[datetime.date] = (), workdays: Iterable[datetime.date] = ()) -> Calendar:
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def add_working_days(calendar: Calendar, start: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``n`` = 0 is ``start``."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def working_days_between(calendar: Calendar, start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


def due_at(
    calendar: Calendar, received: datetime.datetime, amount: int, unit: str, *, urgent: bool = False
) -> datetime.datetime:
    """When a case received at ``received`` is due: ``amount`` working days, calendar days or hours.

    An urgent case (neglect, abuse, danger) is due the same day, whatever the rule says.
    """
    day = timezone.localtime(received).date()
    if urgent:
        return end_of_day(day)
    if unit == "hours":
        return received + datetime.timedelta(hours=amount)
    if unit == "days":
        return end_of_day(day + datetime.timedelta(days=amount))
    return end_of_day(add_working_days(calendar, day, amount))
