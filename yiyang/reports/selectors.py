"""Dashboard figures, read from the maintained ElderStat cells (never from a GROUP BY over elders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.people.choices import AgeBracket
from yiyang.people.models import ElderStat
from yiyang.people.stats import current

MEASURE_LABELS = {
    "alone": _("独居"),
    "empty_nest": _("空巢"),
    "gugua": _("孤寡"),
    "dibao": _("低保"),
    "tekun": _("特困"),
    "disabled": _("失能"),
}
# The elder-list query string each special-group figure links to.
MEASURE_FILTERS = {
    "alone": "living_situation=alone",
    "empty_nest": "living_situation=empty_nest",
    "gugua": "living_situation=gugua",
    "dibao": "category=dibao",
    "tekun": "category=tekun",
    "disabled": "disabled=true",
}
MEASURES = list(MEASURE_LABELS)


@dataclass
class AreaFigures:
    area: Area
    total: int = 0
    by_bracket: dict[int, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)


@dataclass
class Dashboard:
    area: Area
    as_of: Any
    figures: AreaFigures
    children: list[AreaFigures]


def dashboard_for(user: Any, area: Area) -> Dashboard:
    """Figures for ``area`` and each child area, restricted to what ``user`` may see."""
    state = current()
    cells = ElderStat.objects.for_user(user).filter(area_path__startswith=area.path)
    children = list(
        Area.objects.for_user(user).filter(parent=area).order_by("path")
        if area.level < AreaLevel.COMMUNITY
        else Area.objects.none()
    )
    sums = {m: Sum(m) for m in ["total", *MEASURES]}
    figures = AreaFigures(area)
    by_child: dict[str, AreaFigures] = {c.path: AreaFigures(c) for c in children}
    child_len = len(children[0].path) if children else 0
    # Summed per child area in the database (children of one parent share a path length): a
    # district's 10,733 cells came to Python one by one (260 ms at 2,000,000 elders); now ~150 rows.
    part: Any = Substr("area_path", 1, child_len) if child_len else Value("")
    rows: Any = cells.annotate(part=part).values("part", "bracket", "sex").annotate(**sums).order_by()
    for row in rows:
        targets = [figures]
        if child_len and (child := by_child.get(row["part"])):
            targets.append(child)
        for target in targets:
            target.total += row["total"]
            target.by_bracket[row["bracket"]] = target.by_bracket.get(row["bracket"], 0) + row["total"]
            target.by_sex[row["sex"]] = target.by_sex.get(row["sex"], 0) + row["total"]
            for m in MEASURES:
                target.groups[m] = target.groups.get(m, 0) + row[m]
    return Dashboard(
        area=area, as_of=state.as_of if state else None, figures=figures, children=list(by_child.values())
    )


def bracket_labels() -> list[tuple[int, str]]:
    """The age brackets shown, labelled in the active language (call it per request)."""
    return [(b.value, str(b.label)) for b in AgeBracket if b != AgeBracket.UNDER_60]


def elder_totals(user: Any, area: Area, children: list[Area]) -> dict[str, int]:
    """Registered elders in ``area`` and each child, from the statistics cells (the denominators of
    the figures given per 1,000 elders)."""
    from yiyang.core.figures import sum_by_area

    current()
    cells = ElderStat.objects.for_user(user)
    values = sum_by_area(cells, "area_path", area.path, [c.path for c in children], "total")
    return {path: int(value or 0) for path, value in values.items()}
