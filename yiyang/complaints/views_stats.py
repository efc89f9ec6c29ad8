"""The 办结率 page: resolution, on-time and satisfaction rates by street, unit or month, each number
linking to its cases."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.complaints.stats import GROUPINGS, TARGET, resolution_rates
from yiyang.core.views import require_perm


def _date(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text) if text else default
    except ValueError:
        return default


class ResolutionRateView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "complaints.view_case")
        today = timezone.localdate()
        end = _date(request.GET.get("to"), today)
        start = _date(request.GET.get("from"), (end - datetime.timedelta(days=364)).replace(day=1))
        if start > end:
            start, end = end, start
        by = request.GET.get("by") or "street"
        by = by if by in GROUPINGS else "street"
        area = request.GET.get("area", "")
        area = area if area.isdigit() else ""
        rows, total = resolution_rates(request.user, by=by, start=start, end=end, area_path=area)
        title = _("办结率")
        context: dict[str, Any] = {
            "title": title,
            "breadcrumbs": [(title, "")],
            "rows": rows,
            "total": total,
            "by": by,
            "start": start,
            "end": end,
            "area": area,
            "target": TARGET,
            "groupings": [("street", _("按街道")), ("unit", _("按承办单位")), ("month", _("按月份"))],
        }
        return render(request, "complaints/resolution_rate.html", context)
