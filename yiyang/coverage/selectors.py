"""Reads for the service circle: coordinates into arrays, results for pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.coverage import sources
from yiyang.coverage.compute import CircleRule, FloatArray, IntArray
from yiyang.coverage.models import CoverageResult, CoverageRun

ANY_KIND = "any"
ANY_LABEL = _("任一服务点")


def default_rule() -> CircleRule:
    return CircleRule(
        detour_factor=float(getattr(settings, "COVERAGE_DETOUR_FACTOR", 1.3)),
        walk_metres=float(getattr(settings, "COVERAGE_WALK_METRES", 1000.0)),
    )


def kind_labels() -> dict[str, str]:
    """``{kind: label}`` in the active language (in ``records_language()`` when saved)."""
    labels = sources.kinds()
    if len(labels) > 1:
        labels[ANY_KIND] = str(ANY_LABEL)
    return labels


@dataclass
class ElderPoints:
    """Living elders with a location: area ids and WGS-84 coordinates as arrays."""

    area_id: IntArray
    lat: FloatArray
    lng: FloatArray
    unlocated: int

    def __len__(self) -> int:
        return int(self.area_id.shape[0])


def elder_points(path_prefix: str = "") -> ElderPoints:
    """One query; the home location falls back to the area's, then to its parent's (grid → community).

    Plain SQL and ``fetchmany`` into arrays: two million model instances would take minutes.
    """
    sql = (
        "SELECT e.area_id, COALESCE(e.latitude, a.latitude, p.latitude), "
        "COALESCE(e.longitude, a.longitude, p.longitude) "
        "FROM people_elder e JOIN areas_area a ON a.id = e.area_id "
        "LEFT JOIN areas_area p ON p.id = a.parent_id WHERE e.status = %s"
    )
    params: list[Any] = ["living"]
    if path_prefix:
        sql += " AND e.area_path LIKE %s"
        params.append(path_prefix + "%")
    chunks: list[Any] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(200_000)
            if not rows:
                break
            chunks.append(np.array(rows, dtype=np.float64))
    data = np.concatenate(chunks) if chunks else np.zeros((0, 3))
    located = ~(np.isnan(data[:, 1]) | np.isnan(data[:, 2])) if len(data) else np.zeros(0, dtype=bool)
    data_ok = data[located]
    return ElderPoints(
        area_id=data_ok[:, 0].astype(np.int64),
        lat=data_ok[:, 1],
        lng=data_ok[:, 2],
        unlocated=int((~located).sum()),
    )


def service_points(kind: str | None = None) -> dict[str, list[tuple[float, float, str]]]:
    """Points of every registered kind (or one kind); ``"any"`` pools all kinds."""
    if kind == ANY_KIND:
        pooled = [p for pts in sources.load_points().values() for p in pts]
        return {ANY_KIND: pooled}
    return sources.load_points(kind)


def latest_run() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-computed_at").first()


@dataclass
class AreaCoverage:
    area_id: int
    name: str
    path: str
    parent_name: str
    latitude: float | None
    longitude: float | None
    total: int
    covered: int
    mean_distance: float | None

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None

    @property
    def uncovered(self) -> int:
        return self.total - self.covered


def coverage_by_area(user: Any, kind: str, level: int) -> list[AreaCoverage]:
    """Coverage rows of one level (community / street) in the user's scope, worst first."""
    rows = (
        CoverageResult.objects.for_user(user)
        .filter(kind=kind, level=level)
        .select_related("area", "area__parent")
    )
    out = [
        AreaCoverage(
            r.area_id,
            r.area.name,
            r.area_path,
            r.area.parent.name if r.area.parent else "",
            r.area.latitude,
            r.area.longitude,
            r.total,
            r.covered,
            r.mean_distance,
        )
        for r in rows
    ]
    out.sort(key=lambda a: (a.rate if a.rate is not None else 1.0, -a.total))
    return out


def summary(user: Any, kind: str) -> dict[str, int]:
    """Totals over the outermost areas of the user's scope (the sum of the top-level rows in scope)."""
    rows = list(
        CoverageResult.objects.for_user(user).filter(kind=kind).values_list("area_path", "total", "covered")
    )
    paths = sorted({p for p, _, _ in rows}, key=len)
    top: list[str] = []
    for p in paths:
        if not any(p.startswith(t) for t in top):
            top.append(p)
    total = sum(t for p, t, _ in rows if p in top)
    covered = sum(c for p, _, c in rows if p in top)
    return {"total": total, "covered": covered, "uncovered": total - covered}


def community_centres(path_prefix: str = "") -> list[tuple[int, str, str, float, float]]:
    qs = Area.objects.filter(level=AreaLevel.COMMUNITY, latitude__isnull=False, longitude__isnull=False)
    if path_prefix:
        qs = qs.filter(path__startswith=path_prefix)
    return [
        (a.pk, a.name, a.path, float(a.latitude or 0), float(a.longitude or 0))
        for a in qs.only("name", "path", "latitude", "longitude")
    ]
