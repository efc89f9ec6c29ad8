"""Working days and deadlines: table-driven, over the 2026 arrangement and the 2027 statutory days."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yiyang.complaints.calendar import Calendar, add_working_days, due_at, working_days_between

D = datetime.date.fromisoformat


def _days(first: str, last: str) -> list[datetime.date]:
    out, day = [], D(first)
    while day <= D(last):
        out.append(day)
        day += datetime.timedelta(days=1)
    return out


# The State Council's 2026 arrangement, as the migration loads it.
HOLIDAYS_2026 = [
    *_days("2026-01-01", "2026-01-03"), *_days("2026-02-15", "2026-02-23"), *_days("2026-04-04", "2026-04-06"),
    *_days("2026-05-01", "2026-05-05"), *_days("2026-06-19", "2026-06-21"), *_days("2026-09-25", "2026-09-27"),
    *_days("2026-10-01", "2026-10-07"),
]  # fmt: skip
WORKDAYS_2026 = [
    D(d) for d in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10")
]
# 2027: statutory days, plus one make-up day as a published notice would add it (data, not code).
HOLIDAYS_2027 = [*_days("2027-02-05", "2027-02-08"), *_days("2027-10-01", "2027-10-03"), D("2027-01-01")]
WORKDAYS_2027 = [D("2027-02-20")]
CAL = Calendar.of(HOLIDAYS_2026 + HOLIDAYS_2027, WORKDAYS_2026 + WORKDAYS_2027)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-01-01", False),  # 元旦, a Thursday
        ("2026-01-04", True),  # Sunday worked for 元旦
        ("2026-01-05", True),  # ordinary Monday
        ("2026-01-10", False),  # ordinary Saturday
        ("2026-02-14", True),  # Saturday worked before 春节
        ("2026-02-16", False),  # 春节, a Monday
        ("2026-02-23", False),  # last day of 春节, a Monday
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday worked after 春节
        ("2026-05-05", False),  # 劳动节, a Tuesday
        ("2026-05-09", True),  # Saturday worked for 劳动节
        ("2026-09-20", True),  # Sunday worked for 国庆
        ("2026-10-07", False),  # 国庆, a Wednesday
        ("2026-10-10", True),  # Saturday worked for 国庆
        ("2027-02-08", False),  # 春节 2027 (初三), a Monday
        ("2027-02-20", True),  # a make-up Saturday entered as data
        ("2027-10-04", True),  # the statute gives three days; a Monday after them is worked
    ],
)
def test_is_working_day(day: str, working: bool) -> None:
    assert CAL.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-03-02", 0, "2026-03-02"),
        ("2026-03-02", 1, "2026-03-03"),  # the day of receipt is not counted
        ("2026-03-06", 1, "2026-03-09"),  # a Friday: the next working day is Monday
        ("2026-03-02", 15, "2026-03-23"),  # three weeks of working days
        ("2026-02-13", 1, "2026-02-14"),  # Friday before 春节: the worked Saturday counts
        ("2026-02-13", 2, "2026-02-24"),  # then nine days off
        ("2026-02-13", 15, "2026-03-12"),  # 14 Feb, 24–28 Feb (28th worked), 2–6 and 9–12 Mar
        ("2026-09-30", 1, "2026-10-08"),  # 国庆 skipped
        ("2026-09-30", 3, "2026-10-10"),  # 8, 9, then the worked Saturday 10 Oct
        ("2026-12-31", 1, "2027-01-04"),  # across the year: 元旦 2027 and a weekend
        ("2027-02-04", 2, "2027-02-10"),  # 春节 2027: 5–8 Feb off
    ],
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert add_working_days(CAL, D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-03-02", "2026-03-02", 0),
        ("2026-03-02", "2026-03-09", 5),
        ("2026-02-13", "2026-02-28", 6),  # 14 Feb and 28 Feb (worked Saturdays), 24–27 Feb
        ("2026-09-30", "2026-10-10", 3),
        ("2026-03-09", "2026-03-02", 0),
    ],
)
def test_working_days_between(start: str, end: str, count: int) -> None:
    assert working_days_between(CAL, D(start), D(end)) == count


def test_add_working_days_refuses_negative() -> None:
    with pytest.raises(ValueError):
        add_working_days(CAL, D("2026-03-02"), -1)


def _at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


@pytest.mark.parametrize(
    ("received", "amount", "unit", "urgent", "expected"),
    [
        ("2026-03-02 10:00", 15, "working_days", False, "2026-03-23 23:59:59"),
        ("2026-03-02 10:00", 60, "days", False, "2026-05-01 23:59:59"),
        ("2026-03-02 10:00", 24, "hours", False, "2026-03-03 10:00:00"),
        ("2026-03-02 10:00", 15, "working_days", True, "2026-03-02 23:59:59"),  # urgent: the same day
        ("2026-09-30 16:00", 3, "working_days", False, "2026-10-10 23:59:59"),
    ],
)
def test_due_at(received: str, amount: int, unit: str, urgent: bool, expected: str) -> None:
    assert due_at(CAL, _at(received), amount, unit, urgent=urgent) == _at(expected)
