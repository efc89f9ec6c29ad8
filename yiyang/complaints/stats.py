"""办结率: resolution rate, on-time rate and satisfaction by street, unit or month, against the target.

One grouped query through the one door answers the whole table, whatever the number of cases
(``received_at`` and the area path are indexed). Every figure carries the case-list filter that
lists exactly the cases it counts, so a reader can open the cases behind any number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth
from django.urls import reverse
from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.complaints.choices import SATISFIED, UNANSWERED, Satisfaction, Status
from yiyang.complaints.models import Case

#: The seeds' target: 办结率要力争达到95%以上 (seed 003).
TARGET = 0.95
STREET_PATH = 9
GROUPINGS = ("street", "unit", "month")
REACHED = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED)


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


def _aggregates(now: datetime.datetime) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "closed": Count("pk", filter=Q(status=Status.CLOSED)),
        "on_time": Count("pk", filter=Q(status=Status.CLOSED, on_time=True)),
        "called": Count("pk", filter=Q(satisfaction__in=REACHED)),
        "satisfied": Count("pk", filter=Q(satisfaction__in=SATISFIED)),
        "overdue": Count("pk", filter=Q(status__in=UNANSWERED, due_at__lt=now)),
    }


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz),
    )


def resolution_rates(
    user: Any, *, by: str, start: datetime.date, end: datetime.date, area_path: str = ""
) -> tuple[list[RateRow], RateRow]:
    """Rows by ``by`` (street, unit or month) for cases received from ``start`` to ``end``, and the total."""
    low, high = _bounds(start, end)
    cases = Case.objects.for_user(user).filter(received_at__gte=low, received_at__lt=high)
    if area_path:
        cases = cases.filter(area_path__startswith=area_path)
    base = {"received_from": start.isoformat(), "received_to": end.isoformat()}
    if area_path:
        base["area"] = area_path
    aggregates = _aggregates(timezone.now())
    found: list[dict[str, Any]]
    if by == "unit":
        found = [dict(r) for r in cases.values("unit_name").annotate(**aggregates).order_by("unit_name")]
        keys = [r.pop("unit_name") or "" for r in found]
        labels = [k or "—" for k in keys]
        params = [{**base, "unit": k or "-"} for k in keys]
    elif by == "month":
        month = TruncMonth("received_at")
        found = [dict(r) for r in cases.annotate(m=month).values("m").annotate(**aggregates).order_by("m")]
        labels = [f"{r.pop('m'):%Y-%m}" for r in found]
        params = [{**base, "month": label} for label in labels]
    else:
        street = Substr("area_path", 1, STREET_PATH)
        grouped = cases.annotate(street=street).values("street").annotate(**aggregates).order_by("street")
        found = [dict(r) for r in grouped]
        paths = [str(r.pop("street")) for r in found]
        names = dict(Area.objects.filter(path__in=paths).values_list("path", "name"))
        labels = [names.get(p, p) for p in paths]
        params = [{**base, "area": p} for p in paths]
    rows = [RateRow(label=label, params=p, **r) for label, p, r in zip(labels, params, found, strict=True)]
    total = RateRow(label="合计", params=base)
    for row in rows:
        for name in ("total", "closed", "on_time", "called", "satisfied", "overdue"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return rows, total
