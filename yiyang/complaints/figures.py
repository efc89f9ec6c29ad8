"""Complaints on the dashboard: this year's 办结率 and the cases overdue now, by child area."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.complaints.choices import UNANSWERED
from yiyang.complaints.models import Case, CaseTally
from yiyang.core.figures import Figure, Kind, Number, count_by_area, register_figure, share, sum_by_area

SECTION = _("投诉信访")


def _year_start() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)


def resolution_rate(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    """From the 办结率 cells (kept by the case actions), as the 办结率 page reads them."""
    cells = CaseTally.objects.for_user(user).filter(day__gte=_year_start())
    whole = sum_by_area(cells, "area_path", area_path, children, "total")
    closed = sum_by_area(cells, "area_path", area_path, children, "closed")
    return share(closed, whole)


def overdue_now(user: Any, area_path: str, children: Sequence[str]) -> dict[str, Number | None]:
    rows = Case.objects.for_user(user).filter(status__in=UNANSWERED, due_at__lt=timezone.now())
    return count_by_area(rows, "area_path", area_path, children)


register_figure(
    Figure(
        key="complaints.resolution_rate",
        label=_("今年办结率（目标 95%）"),
        section=SECTION,
        permission="complaints.view_case",
        compute=resolution_rate,
        kind=Kind.SHARE,
        link=lambda path: (
            f"{reverse('complaints:resolution_rate')}?area={path}&from={_year_start():%Y-%m-%d}"
        ),
        order=60,
    )
)
register_figure(
    Figure(
        key="complaints.overdue",
        label=_("超期未办"),
        section=SECTION,
        permission="complaints.view_case",
        compute=overdue_now,
        link=lambda path: f"{reverse('complaints:case_list')}?area={path}&overdue=true",
        order=61,
    )
)
