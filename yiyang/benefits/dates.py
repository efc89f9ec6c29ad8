"""Month arithmetic for payment rules (pure functions)."""

from __future__ import annotations

import datetime
import re

from django.utils import formats
from django.utils.translation import gettext as _


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return add_months(day, 1) - datetime.timedelta(days=1)


def add_years_first(day: datetime.date, years: int) -> datetime.date:
    """``day`` must be a first of month, so there is no 29 February to worry about."""
    assert day.day == 1
    return day.replace(year=day.year + years)


_MONTH_RE = re.compile(r"^\s*(\d{4})\s*(?:-|/|年|\.)?\s*(\d{1,2})\s*月?\s*$")


def parse_month(text: str) -> datetime.date:
    """'2026-12', '2026/12', '202612', '2026年12月' → 2026-12-01."""
    match = _MONTH_RE.match(text)
    if not match:
        raise ValueError(_("无法识别的月份：%(text)s（应为 2026-12）") % {"text": text})
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(_("月份无效：%(text)s") % {"text": text})
    return datetime.date(year, month, 1)


def month_cn(day: datetime.date) -> str:
    """Always Chinese: for records and official documents (公示, 告知书, bank files)."""
    return f"{day.year}年{day.month}月"


def month_display(day: datetime.date) -> str:
    """The month in the reader's language, for the interface: 2026年12月 / December 2026."""
    return formats.date_format(day, "YEAR_MONTH_FORMAT")
