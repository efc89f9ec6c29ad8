from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.figures import Figure, Kind, sections_for
from yiyang.core.numbers import compact, money
from yiyang.core.scoping import home_path
from yiyang.people.choices import Sex
from yiyang.reports.selectors import (
    MEASURE_FILTERS,
    MEASURE_LABELS,
    Dashboard,
    bracket_labels,
    dashboard_for,
    elder_totals,
)


def home_area(user: Any) -> Area:
    path = home_path(user)
    if not path:
        raise PermissionDenied(_("尚未分配辖区，请联系管理员"))
    return Area.objects.get(path=path)


def _dashboard_area(request: HttpRequest) -> Area:
    if not request.user.has_perm("people.view_elderstat"):
        raise PermissionDenied
    path = request.GET.get("area")
    if not path:
        return home_area(request.user)
    try:
        return Area.objects.for_user(request.user).get(path=path)
    except Area.DoesNotExist as exc:
        raise Http404 from exc


def _compare_rows(board: Dashboard, brackets: list[tuple[int, str]], list_url: str) -> list[SafeString]:
    """The child areas' rows of the comparison table, each cell a link to its elders: written here,
    not by a template node per cell (17 streets × 13 cells took a third of the district's page)."""
    rows = []
    for child in board.children:
        path = child.area.path
        cells = [
            format_html('<td><a href="?area={}">{}</a></td>', path, child.area.name),
            format_html(
                '<td class="text-end"><a href="{}?area={}">{}</a></td>', list_url, path, localize(child.total)
            ),
        ]
        cells += [
            format_html(
                '<td class="text-end"><a href="{}?area={}&age_bracket={}">{}</a></td>',
                list_url,
                path,
                bracket,
                localize(child.by_bracket.get(bracket) or 0),
            )
            for bracket, _label in brackets
        ]
        cells += [
            format_html(
                '<td class="text-end"><a href="{}?area={}&{}">{}</a></td>',
                list_url,
                path,
                MEASURE_FILTERS[code],
                localize(child.groups.get(code) or 0),
            )
            for code in MEASURE_LABELS
        ]
        rows.append(SafeString("".join(cells)))
    return rows


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    area = _dashboard_area(request)
    board = dashboard_for(request.user, area)
    list_url = reverse("people:elder_list")
    brackets = bracket_labels()
    return render(
        request,
        "reports/dashboard.html",
        {
            "title": _("%(area)s数据看板") % {"area": area.name},
            "breadcrumbs": [
                (a.name, f"?area={a.path}")
                for a in Area.objects.for_user(request.user).filter(pk__in=[a.pk for a in area.ancestors()])
            ]
            + [(area.name, "")],
            "board": board,
            "brackets": brackets,
            "measures": {code: str(label) for code, label in MEASURE_LABELS.items()},
            "measure_filters": MEASURE_FILTERS,
            "sexes": [(code, str(label)) for code, label in Sex.choices],
            "list_url": list_url,
            "compare_rows": _compare_rows(board, brackets, list_url),
            # each module's figures load on their own (htmx), so one slow module never holds the page
            "sections": [(key, figures[0].section) for key, figures in sections_for(request.user).items()],
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


@dataclass
class FigureRow:
    area: Area | None  # None: the area itself (the total row)
    path: str
    cells: list[tuple[Figure, str, str]]  # (figure, value as read, link)


def _reading(figure: Figure, value: Any, elders: int) -> str:
    if value is None:
        return "–"
    if figure.kind == Kind.SHARE:
        return f"{100 * float(value):.1f}%"
    if figure.kind == Kind.MONEY:
        return money(value)
    if figure.kind == Kind.PER_THOUSAND_ELDERS:
        return f"{1000 * float(value) / elders:.1f}" if elders else "–"
    if figure.kind == Kind.RATE:
        return f"{float(value):.2f}"
    return compact(value)


@login_required
def dashboard_section(request: HttpRequest) -> HttpResponse:
    """One module's figures for the area and each child area (loaded into the dashboard by htmx)."""
    area = _dashboard_area(request)
    figures = sections_for(request.user).get(request.GET.get("section", ""))
    if not figures:
        raise Http404
    children = list(
        Area.objects.for_user(request.user).filter(parent=area).order_by("path")
        if area.level < AreaLevel.COMMUNITY
        else Area.objects.none()
    )
    paths = [c.path for c in children]
    values = {f.key: f.compute(request.user, area.path, paths) for f in figures}
    needs_elders = any(f.kind == Kind.PER_THOUSAND_ELDERS for f in figures)
    elders = elder_totals(request.user, area, children) if needs_elders else {}
    rows = []
    for child, path in [(None, area.path), *((c, c.path) for c in children)]:
        cells = [
            (
                f,
                _reading(f, values[f.key].get(path), elders.get(path, 0)),
                f.link(path) if f.link else "",
            )
            for f in figures
        ]
        rows.append(FigureRow(child, path, cells))
    return render(
        request,
        "reports/dashboard_section.html",
        {"area": area, "section": figures[0].section, "figures": figures, "rows": rows},
    )
