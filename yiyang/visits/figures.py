"""Visits' figures on the dashboard: this month's completion and the overdue visits, per child area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure, share
from yiyang.visits.choices import TaskStatus
from yiyang.visits.selectors import CLOSED
from yiyang.visits.tiers import month_bounds

SECTION = _("走访慰问")


def _month() -> tuple[Any, Any]:
    today = timezone.localdate()
    return month_bounds(today.year, today.month)


def _due_this_month(user: Any) -> Any:
    from yiyang.visits.models import VisitTask

    start, end = _month()
    return VisitTask.objects.for_user(user).filter(
        due_date__gte=start, due_date__lte=end, status__in=[*CLOSED, TaskStatus.OPEN]
    )


def completion(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = _due_this_month(user)
    done = count_by_area(rows.filter(status__in=CLOSED), "area_path", area_path, children)
    return share(done, count_by_area(rows, "area_path", area_path, children))


def overdue(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    from yiyang.visits.models import VisitTask

    rows = VisitTask.objects.for_user(user).filter(
        Q(status=TaskStatus.OPEN, due_date__lt=timezone.localdate())
    )
    return count_by_area(rows, "area_path", area_path, children)


def _month_query() -> str:
    start, end = _month()
    return f"due_from={start:%Y-%m-%d}&due_to={end:%Y-%m-%d}"


register_figure(
    Figure(
        key="visits.completion_this_month",
        label=_("本月走访完成率"),
        section=SECTION,
        permission="visits.view_visittask",
        compute=completion,
        kind=Kind.SHARE,
        link=lambda path: f"{reverse('visits:visittask_list')}?area={path}&{_month_query()}",
        order=60,
    )
)
register_figure(
    Figure(
        key="visits.overdue",
        label=_("逾期未走访"),
        section=SECTION,
        permission="visits.view_visittask",
        compute=overdue,
        link=lambda path: f"{reverse('visits:visittask_list')}?area={path}&overdue=true",
        order=61,
    )
)
