"""Completion and overdue visits per child area, in one grouped query through the one door."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.visits.choices import TaskStatus
from yiyang.visits.models import VisitTask

CLOSED = [TaskStatus.DONE, TaskStatus.NOBODY_HOME]


@dataclass
class CoverageRow:
    area: Area | None
    path: str
    due: int = 0
    done: int = 0
    overdue: int = 0
    escalated: int = 0

    @property
    def share(self) -> float | None:
        return self.done / self.due if self.due else None


def counts(
    user: Any, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> dict[str, Any]:
    """The aggregates behind every figure: due in the period, visited, overdue, escalated."""
    today = today or timezone.localdate()
    late = Q(status=TaskStatus.OPEN, due_date__lt=today)
    return {
        "due": Count("pk"),
        "done": Count("pk", filter=Q(status__in=CLOSED)),
        "overdue": Count("pk", filter=late),
        "escalated": Count("pk", filter=late & Q(escalated_at__isnull=False)),
    }


def coverage(
    user: Any, area: Area, start: datetime.date, end: datetime.date, *, today: datetime.date | None = None
) -> tuple[CoverageRow, list[CoverageRow]]:
    """The area's total and one row per child area, for tasks due from ``start`` to ``end``."""
    children: Sequence[Area] = list(area.children.filter(is_active=True).order_by("path"))
    rows = VisitTask.objects.for_user(user).filter(
        area_path__startswith=area.path,
        due_date__gte=start,
        due_date__lte=end,
        status__in=[*CLOSED, TaskStatus.OPEN],
    )
    aggregates = counts(user, start, end, today)
    by_child = {c.path: CoverageRow(c, c.path) for c in children}
    total = CoverageRow(area, area.path)
    if children:
        width = len(children[0].path)
        grouped = (
            rows.annotate(_child=Substr("area_path", 1, width))
            .values("_child")
            .annotate(**aggregates)
            .order_by()
        )
        for found in grouped:
            group: dict[str, Any] = dict(found)
            row = by_child.get(group["_child"])
            for key in aggregates:
                setattr(total, key, getattr(total, key) + group[key])
                if row is not None:
                    setattr(row, key, group[key])
    else:
        values = rows.aggregate(**aggregates)
        for key in aggregates:
            setattr(total, key, values[key] or 0)
    return total, list(by_child.values())
