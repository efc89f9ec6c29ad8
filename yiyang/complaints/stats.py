"""办结率: resolution rate, on-time rate and satisfaction by street, unit or month, against the target.

The table sums the 办结率 cells (:class:`~yiyang.complaints.models.CaseTally`, one per day, area and
unit, kept exactly by the case actions: :mod:`yiyang.complaints.tallies`) through the one door,
instead of grouping the cases: a few thousand small rows for a district's year. Only the overdue
count, which the clock changes, is read from the cases, and only from the open ones (by the status
and deadline index). Every figure carries the case-list filter that lists exactly the cases it
counts, so a reader can open the cases behind any number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Sum
from django.db.models.functions import Substr, TruncMonth
from django.urls import reverse
from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.complaints.choices import UNANSWERED, Status
from yiyang.complaints.models import Case, CaseTally
from yiyang.complaints.tallies import COUNTS, district_zone

#: The seeds' target: 办结率要力争达到95%以上 (seed 003).
TARGET = 0.95
STREET_PATH = 9
GROUPINGS = ("street", "unit", "month")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class RateRow:
    label: str
    total: int = 0
    closed: int = 0
    on_time: int = 0
    called: int = 0
    satisfied: int = 0
    overdue: int = 0
    #: the case-list filter of this row (area, unit, month …); each figure adds its own condition
    params: dict[str, str] = field(default_factory=dict)

    @property
    def resolution_rate(self) -> float | None:
        return _share(self.closed, self.total)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.satisfied, self.called)

    @property
    def percents(self) -> dict[str, float | None]:
        """The three rates in per cent, for display (one decimal: 94.9% must not read as 95%)."""
        rates = {"resolution": self.resolution_rate, "on_time": self.on_time_rate,
                 "satisfaction": self.satisfaction_rate}  # fmt: skip
        return {k: None if v is None else v * 100 for k, v in rates.items()}

    @property
    def meets_target(self) -> bool | None:
        rate = self.resolution_rate
        return None if rate is None else rate >= TARGET

    def link(self, **extra: str) -> str:
        return reverse("complaints:case_list") + "?" + urlencode({**self.params, **extra})

    @property
    def links(self) -> dict[str, str]:
        return {
            "total": self.link(),
            "closed": self.link(status=Status.CLOSED),
            "on_time": self.link(status=Status.CLOSED, on_time="true"),
            "satisfied": self.link(satisfied="true"),
            "overdue": self.link(overdue="true"),
        }


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = district_zone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz),
    )


def _group(by: str, day_field: str) -> Any:
    """The grouping expression on the cells (``day``) or on the cases (``received_at``)."""
    if by == "unit":
        return F("unit_name")
    if by == "month":
        return (
            TruncMonth(day_field, tzinfo=district_zone())
            if day_field == "received_at"
            else TruncMonth(day_field)
        )
    return Substr("area_path", 1, STREET_PATH)


def _key(by: str, value: Any) -> str:
    if by == "month":
        return f"{value:%Y-%m}"
    return str(value or "")


def resolution_rates(
    user: Any, *, by: str, start: datetime.date, end: datetime.date, area_path: str = ""
) -> tuple[list[RateRow], RateRow]:
    """Rows by ``by`` (street, unit or month) for cases received from ``start`` to ``end``, and the total."""
    cells = CaseTally.objects.for_user(user).filter(day__gte=start, day__lte=end)
    low, high = _bounds(start, end)
    overdue = Case.objects.for_user(user).filter(
        status__in=UNANSWERED, due_at__lt=timezone.now(), received_at__gte=low, received_at__lt=high
    )
    if area_path:
        cells = cells.filter(area_path__startswith=area_path)
        overdue = overdue.filter(area_path__startswith=area_path)
    base = {"received_from": start.isoformat(), "received_to": end.isoformat()}
    if area_path:
        base["area"] = area_path
    found: dict[str, dict[str, int]] = {}
    sums = {name: Sum(name) for name in COUNTS}
    cell_rows: Any = cells.annotate(g=_group(by, "day")).values("g").annotate(**sums).order_by()
    for cell in cell_rows:
        found[_key(by, cell["g"])] = {name: cell[name] or 0 for name in COUNTS}
    late: Any = overdue.annotate(g=_group(by, "received_at")).values("g").annotate(n=Count("pk")).order_by()
    for open_row in late:
        found.setdefault(_key(by, open_row["g"]), dict.fromkeys(COUNTS, 0))["overdue"] = open_row["n"]
    keys = sorted(found)
    if by == "unit":
        labels = [k or "—" for k in keys]
        params = [{**base, "unit": k or "-"} for k in keys]
    elif by == "month":
        labels = keys
        params = [{**base, "month": k} for k in keys]
    else:
        names = dict(Area.objects.filter(path__in=keys).values_list("path", "name"))
        labels = [names.get(k, k) for k in keys]
        params = [{**base, "area": k} for k in keys]
    rows = [
        RateRow(label=label, params=p, **found[k]) for label, p, k in zip(labels, params, keys, strict=True)
    ]
    total = RateRow(label="合计", params=base)
    for row in rows:
        for name in (*COUNTS, "overdue"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return rows, total
