"""Overdue visits (逾期督办) and completion by area (走访完成率), each figure linking to its list."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.exporting import Sheet, download, integer, percent, text, xlsx_bytes
from yiyang.core.models import AccessLog
from yiyang.core.scoping import home_path
from yiyang.core.views import require_perm
from yiyang.visits import selectors
from yiyang.visits.choices import TaskStatus
from yiyang.visits.tiers import month_bounds, parse_month
from yiyang.visits.views import VisitTaskListView


class OverdueView(VisitTaskListView):
    """逾期督办: open visits past their due date, those escalated to the street first."""

    @property
    def list_title(self) -> str:
        return _("逾期督办")

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super()
            .get_queryset(action)
            .filter(status=TaskStatus.OPEN, due_date__lt=timezone.localdate())
            .order_by("escalated_at", "due_date", "id")
        )

    def list_url(self) -> str:
        return reverse("visits:overdue")

    def add_url(self) -> str:
        return ""


COVERAGE_COLUMNS = [
    text("区域", lambda r: r.area.name if r.area else r.path), integer("应走访", "due"), integer("已走访", "done"), percent("完成率", "share"),
    integer("逾期", "overdue"), integer("已上报街道", "escalated"),
]  # fmt: skip


class CoverageView(LoginRequiredMixin, View):
    """走访完成率 of an area's child areas side by side, for a month."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "visits.view_visittask")
        today = timezone.localdate()
        try:
            year, month = parse_month(request.GET.get("month") or f"{today:%Y-%m}")
        except ValueError as exc:
            raise Http404 from exc
        path = request.GET.get("area") or home_path(request.user)
        area = Area.objects.for_user(request.user).filter(path=path).first()
        if area is None:
            raise Http404
        start, end = month_bounds(year, month)
        total, rows = selectors.coverage(request.user, area, start, end, today=today)
        if request.GET.get("export") == "xlsx":
            require_perm(request, "visits.export_visittask")
            data = [*rows, total]
            content, count = xlsx_bytes([Sheet(f"走访完成率{year}-{month:02d}", COVERAGE_COLUMNS, data)])
            audit.record_access(
                actor=request.user, kind=AccessLog.Kind.EXPORT, object_type="visits.visittask",
                area_path=area.path, row_count=count, query=request.GET.urlencode(),
            )  # fmt: skip
            return download(content, f"走访完成率-{area.name}-{year}-{month:02d}.xlsx")
        return render(
            request,
            "visits/coverage.html",
            {
                "title": _("走访完成率 %(month)s") % {"month": f"{year}-{month:02d}"},
                "breadcrumbs": [(_("走访完成率"), "")],
                "area": area,
                "parent": _visible_parent(request.user, area),
                "total": total,
                "rows": rows,
                "month": f"{year}-{month:02d}",
                "links": {r.path: _links(r.path, start, end) for r in [*rows, total]},
                "export_url": "?"
                + urlencode({"area": area.path, "month": f"{year}-{month:02d}", "export": "xlsx"}),
                "can_export": request.user.has_perm("visits.export_visittask"),
            },
        )


def _visible_parent(user: Any, area: Area) -> Area | None:
    parent_id = area.parent_id
    if parent_id is None:
        return None
    return Area.objects.for_user(user).filter(pk=parent_id).first()


def _links(path: str, start: datetime.date, end: datetime.date) -> dict[str, str]:
    base = reverse("visits:visittask_list")
    period = {"area": path, "due_from": f"{start:%Y-%m-%d}", "due_to": f"{end:%Y-%m-%d}"}
    return {
        "due": f"{base}?{urlencode(period)}",
        "done": f"{base}?{urlencode({**period, 'visited': 'true'})}",
        "overdue": f"{base}?{urlencode({**period, 'overdue': 'true'})}",
        "escalated": f"{base}?{urlencode({**period, 'overdue': 'true', 'escalated': 'true'})}",
    }
