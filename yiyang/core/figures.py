"""Figures that domain apps contribute to the dashboard, comparable across the child areas of an area.

A module registers each figure once (from its ``AppConfig.ready``) with a function that computes it
for an area and every child area in one pass; the dashboard shows every figure the reader may see,
one card per module, one row per child area, each value linking to the list behind it. Modules never
edit the dashboard, and the dashboard never imports a module: the direction stays
core ← domain apps ← reports.

``compute(user, area_path, child_paths)`` returns ``{path: value}`` for the area and its children.
It reads through the one door (``Model.objects.for_user(user)``) and answers with one grouped query,
:func:`count_by_area` or the like, never a query per child area.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from yiyang.core.navigation import Label, _key

Number = int | float | Decimal


class Kind:
    """How a value reads: a count, money in 元, a share (0–1), a count per 1,000 elders of the
    area (the dashboard divides by the registry's count, which it already has), or a rate the module
    computed itself (a decimal number, e.g. incidents per 1,000 bed-days)."""

    COUNT = "count"
    MONEY = "money"
    SHARE = "share"
    PER_THOUSAND_ELDERS = "per_thousand_elders"
    RATE = "rate"


Compute = Callable[[Any, str, Sequence[str]], dict[str, Number | None]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: Label
    section: Label
    permission: str
    compute: Compute
    kind: str = Kind.COUNT
    #: area path → the list behind the value (with the same filter), or None
    link: Callable[[str], str] | None = None
    order: int = 100


_figures: dict[str, Figure] = {}


def register_figure(figure: Figure) -> None:
    _figures[figure.key] = figure


def figures_for(user: Any) -> list[Figure]:
    """The registered figures whose permission ``user`` holds, by section then order."""
    return sorted(
        (f for f in _figures.values() if user.has_perm(f.permission)),
        key=lambda f: (f.order, _key(f.section), f.key),
    )


def sections_for(user: Any) -> dict[str, list[Figure]]:
    """Figures grouped by section, keyed by the section's source text (a stable id for URLs)."""
    sections: dict[str, list[Figure]] = {}
    for figure in figures_for(user):
        sections.setdefault(_key(figure.section), []).append(figure)
    return sections


def by_area(
    rows: QuerySet[Any], path_field: str, area_path: str, child_paths: Sequence[str], aggregate: Any
) -> dict[str, Number | None]:
    """``aggregate`` over ``rows`` for the area and each child, in one ``GROUP BY`` on the path prefix.

    Child areas of one parent share a level and so a path length: the prefix of that length names
    the child a row belongs to.
    """
    rows = rows.filter(**{f"{path_field}__startswith": area_path})
    if not child_paths:
        return {area_path: rows.aggregate(value=aggregate)["value"] or 0}
    width = len(child_paths[0])
    grouped = (
        rows.annotate(_child=Substr(path_field, 1, width))
        .values("_child")
        .annotate(value=aggregate)
        .order_by()
    )
    values: dict[str, Number | None] = dict.fromkeys(child_paths, 0)
    total: Number = 0
    for row in grouped:
        total += row["value"] or 0
        if row["_child"] in values:
            values[row["_child"]] = row["value"] or 0
    values[area_path] = total
    return values


def count_by_area(
    rows: QuerySet[Any], path_field: str, area_path: str, child_paths: Sequence[str]
) -> dict[str, Number | None]:
    return by_area(rows, path_field, area_path, child_paths, Count("pk"))


def sum_by_area(
    rows: QuerySet[Any], path_field: str, area_path: str, child_paths: Sequence[str], field: str
) -> dict[str, Number | None]:
    return by_area(rows, path_field, area_path, child_paths, Sum(field))


def share(part: dict[str, Number | None], whole: dict[str, Number | None]) -> dict[str, Number | None]:
    """``part / whole`` per area; None where the whole is zero (nothing to measure, not 0%)."""
    return {path: (float(part.get(path) or 0) / float(w) if w else None) for path, w in whole.items()}
