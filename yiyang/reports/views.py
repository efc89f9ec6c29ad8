from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core.scoping import path_in_scope, user_area_paths
from yiyang.people.choices import Sex
from yiyang.reports.selectors import MEASURE_FILTERS, MEASURE_LABELS, bracket_labels, dashboard_for


def home_area(user: Any) -> Area:
    paths = sorted(user_area_paths(user), key=len)
    if not paths:
        raise PermissionDenied(_("尚未分配辖区，请联系管理员"))
    return Area.objects.get(path=paths[0])


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("people.view_elderstat"):
        raise PermissionDenied
    path = request.GET.get("area")
    if path:
        try:
            area = Area.objects.for_user(request.user).get(path=path)
        except Area.DoesNotExist as exc:
            raise Http404 from exc
    else:
        area = home_area(request.user)
    board = dashboard_for(request.user, area)
    list_url = reverse("people:elder_list")
    brackets = bracket_labels()
    return render(
        request,
        "reports/dashboard.html",
        {
            "title": _("%(area)s数据看板") % {"area": area.name},
            "breadcrumbs": [
                (a.name, f"?area={a.path}") for a in area.ancestors() if path_in_scope(request.user, a.path)
            ]
            + [(area.name, "")],
            "board": board,
            "brackets": brackets,
            "measures": {code: str(label) for code, label in MEASURE_LABELS.items()},
            "measure_filters": MEASURE_FILTERS,
            "sexes": [(code, str(label)) for code, label in Sex.choices],
            "list_url": list_url,
            "chart": {
                "brackets": [label for _value, label in brackets],
                "bracket_values": [board.figures.by_bracket.get(b, 0) for b, _label in brackets],
                "groups": [str(label) for label in MEASURE_LABELS.values()],
                "group_values": [board.figures.groups.get(m, 0) for m in MEASURE_LABELS],
                "sex": [
                    {"name": str(label), "value": board.figures.by_sex.get(code, 0)}
                    for code, label in Sex.choices
                ],
                "children": [c.area.name for c in board.children],
                "children_values": [c.total for c in board.children],
            },
        },
    )
