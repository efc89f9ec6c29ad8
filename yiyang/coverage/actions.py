"""Writes of the service circle: the coverage computation and the site proposal."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit, sql
from yiyang.core.i18n import records_language
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.coverage import compute, selectors
from yiyang.coverage.compute import CircleRule, FloatArray, IntArray
from yiyang.coverage.models import CoverageResult, CoverageRun, SiteProposal

_RESULT_COLUMNS = (
    "run_id", "area_id", "area_path", "level", "kind", "total", "covered",
    "distance_sum", "reachable", "computed_at",
)  # fmt: skip


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return str(actor.get_full_name() or actor.get_username())


@dataclass
class AreaTree:
    """Areas of district level and below as arrays: index, id, path, level and ancestor indexes."""

    ids: IntArray
    paths: list[str]
    levels: IntArray
    index_of: dict[int, int]
    ancestor: dict[int, IntArray]  # level → ancestor index per area (-1 none; self if the area is that level)


def area_tree() -> AreaTree:
    rows = list(
        Area.objects.filter(level__gte=AreaLevel.DISTRICT).values_list("id", "path", "level", "parent_id")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    index_of = {int(r[0]): i for i, r in enumerate(rows)}
    parent = np.array([index_of.get(r[3], -1) if r[3] is not None else -1 for r in rows], dtype=np.int64)
    levels = np.array([r[2] for r in rows], dtype=np.int64)
    ancestor: dict[int, IntArray] = {}
    for level in (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY):
        anc = np.full(len(rows), -1, dtype=np.int64)
        for i in range(len(rows)):
            j = i
            while j >= 0 and levels[j] > level:
                j = int(parent[j])
            if j >= 0 and levels[j] == level:
                anc[i] = j
        ancestor[int(level)] = anc
    return AreaTree(ids, [r[1] for r in rows], levels, index_of, ancestor)


def aggregate_rows(
    *,
    leaf_area_id: IntArray,
    coverage: dict[str, compute.KindCoverage],
    tree: AreaTree,
    run_id: int,
    computed_at: Any,
) -> list[tuple[Any, ...]]:
    """Result rows per (area at community/street/district level, kind) — pure array work."""
    leaf_idx = np.array([tree.index_of.get(int(a), -1) for a in np.unique(leaf_area_id)], dtype=np.int64)
    uniq, group = np.unique(leaf_area_id, return_inverse=True)
    del uniq
    n_areas = len(tree.ids)
    rows: list[tuple[Any, ...]] = []
    for kind, cov in coverage.items():
        leaf = compute.aggregate(group.astype(np.int64), len(leaf_idx), cov)
        for level, anc in tree.ancestor.items():
            parents = np.where(leaf_idx >= 0, anc[np.maximum(leaf_idx, 0)], -1)
            agg = compute.roll_up(leaf, parents, n_areas)
            for i in np.nonzero(agg.total)[0]:
                rows.append((
                    run_id, int(tree.ids[i]), tree.paths[i], level, kind, int(agg.total[i]),
                    int(agg.covered[i]), float(agg.distance_sum[i]), int(agg.reachable[i]), computed_at,
                ))  # fmt: skip
    return rows


def write_results(rows: list[tuple[Any, ...]]) -> None:
    """Replace all results: COPY on PostgreSQL, a bulk insert elsewhere."""
    CoverageResult.objects.all().delete()
    if sql.postgres():
        sql.copy_rows(CoverageResult._meta.db_table, _RESULT_COLUMNS, rows)
        return
    CoverageResult.objects.bulk_create(
        [CoverageResult(**dict(zip(_RESULT_COLUMNS, row, strict=True))) for row in rows], batch_size=2000
    )


def points_xy(
    points_by_kind: dict[str, list[tuple[float, float, str]]], origin: tuple[float, float]
) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    for kind, pts in points_by_kind.items():
        arr = np.array([(p[0], p[1]) for p in pts], dtype=np.float64).reshape(-1, 2)
        out[kind] = compute.project(arr[:, 0], arr[:, 1], origin)
    return out


def _origin(lat: FloatArray, lng: FloatArray) -> tuple[float, float]:
    if len(lat) == 0:
        return (0.0, 0.0)
    return (float(np.median(lat)), float(np.median(lng)))


def coverage_compute(*, actor: Any = None, rule: CircleRule | None = None) -> CoverageRun:
    """Recompute the service circle for every living elder and replace the stored aggregates.

    A system job (management command, nightly task): it reads all areas, so it is not scoped; the
    pages that show its results are. ``actor`` is recorded when a person starts it.
    """
    rule = rule or selectors.default_rule()
    started = time.perf_counter()
    elders = selectors.elder_points()
    raw_points = selectors.service_points()
    origin = _origin(elders.lat, elders.lng)
    xy = compute.project(elders.lat, elders.lng, origin)
    coverage = compute.elder_coverage(xy, points_xy(raw_points, origin), rule, any_kind=selectors.ANY_KIND)
    tree = area_tree()
    with records_language():  # saved with the run
        kind_labels = selectors.kind_labels()
    with transaction.atomic():
        run = CoverageRun.objects.create(
            detour_factor=rule.detour_factor,
            walk_metres=rule.walk_metres,
            elder_count=len(elders),
            unlocated=elders.unlocated,
            point_counts={k: len(v) for k, v in raw_points.items()},
            kind_labels=kind_labels,
            actor_name=_actor_name(actor),
        )
        rows = aggregate_rows(
            leaf_area_id=elders.area_id,
            coverage=coverage,
            tree=tree,
            run_id=run.pk,
            computed_at=run.computed_at,
        )
        write_results(rows)
        run.seconds = round(time.perf_counter() - started, 3)
        run.save(update_fields=["seconds"])
        CoverageRun.objects.exclude(pk=run.pk).filter(
            computed_at__lt=timezone.now() - datetime.timedelta(days=90)
        ).delete()
        audit.record_bulk(
            actor=actor,
            object_type="coverage.coverageresult",
            verb="coverage.compute",
            area_path="",
            message=f"服务圈覆盖率重算：{len(elders)} 名老人，{sum(run.point_counts.values())} 个服务点，{len(rows)} 行结果",
            after={"detour_factor": rule.detour_factor, "walk_metres": rule.walk_metres},
        )
    return run


# -- planning -------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    sites: list[dict[str, Any]]
    elder_total: int
    uncovered_before: int
    newly_covered: int


def plan_sites(
    *,
    elders_xy: FloatArray,
    points_xy_kind: FloatArray,
    communities: list[tuple[int, str, str, float, float]],
    origin: tuple[float, float],
    rule: CircleRule,
    k: int,
    candidate_mode: str = "both",
) -> Proposal:
    """Pure planning over arrays: uncovered elders, candidates, greedy picks, labels."""
    dist = compute.nearest_distance(elders_xy, points_xy_kind) * rule.detour_factor
    uncovered = elders_xy[dist > rule.walk_metres]
    comm_xy = (
        compute.project([c[3] for c in communities], [c[4] for c in communities], origin)
        if communities
        else np.zeros((0, 2))
    )
    parts: list[FloatArray] = []
    sources_: list[str] = []
    if candidate_mode in ("both", "community") and len(comm_xy):
        parts.append(comm_xy)
        sources_ += [gettext_noop("社区中心")] * len(comm_xy)  # saved Chinese, translated when shown
    if candidate_mode in ("both", "grid"):
        grid = compute.candidate_grid(uncovered, spacing=rule.radius / 2)
        parts.append(grid)
        sources_ += [gettext_noop("网格候选点")] * len(grid)
    candidates = np.concatenate(parts) if parts else np.zeros((0, 2))
    picks = compute.greedy_sites(uncovered, candidates, rule.radius, k)
    sites: list[dict[str, Any]] = []
    if picks:
        chosen = candidates[[p.candidate for p in picks]]
        lat, lng = compute.unproject(chosen, origin)
        near: list[int] = []
        if len(comm_xy):
            from scipy.spatial import cKDTree

            _, idx = cKDTree(comm_xy).query(chosen, k=1)
            near = [int(i) for i in np.atleast_1d(idx)]
        for rank, pick in enumerate(picks):
            c = communities[near[rank]] if near else None
            sites.append({
                "rank": rank + 1,
                "latitude": round(float(lat[rank]), 6),
                "longitude": round(float(lng[rank]), 6),
                "source": sources_[pick.candidate],
                "near_area": c[1] if c else "",
                "near_area_path": c[2] if c else "",
                "gain": pick.gain,
                "cumulative": pick.cumulative,
            })  # fmt: skip
    return Proposal(
        sites, int(elders_xy.shape[0]), int(uncovered.shape[0]), picks[-1].cumulative if picks else 0
    )


def site_proposal_create(
    *,
    area: Area,
    kind: str,
    k: int,
    actor: Any,
    rule: CircleRule | None = None,
    candidate_mode: str = "both",
) -> SiteProposal:
    """Propose the next ``k`` sites of ``kind`` inside ``area`` (养老服务设施专项布局规划)."""
    require(actor, "add", SiteProposal(area=area, area_path=area.path))
    if not 1 <= k <= 100:
        raise ValidationError(_("建议个数应在 1–100 之间"))
    labels = selectors.kind_labels()
    if kind not in labels:
        raise ValidationError(_("未知的服务点类型：%(kind)s") % {"kind": kind})
    rule = rule or selectors.default_rule()
    started = time.perf_counter()
    elders = selectors.elder_points(area.path)
    origin = _origin(elders.lat, elders.lng)
    xy = compute.project(elders.lat, elders.lng, origin)
    pts = points_xy(selectors.service_points(kind), origin).get(kind, np.zeros((0, 2)))
    proposal = plan_sites(
        elders_xy=xy,
        points_xy_kind=pts,
        communities=selectors.community_centres(area.path),
        origin=origin,
        rule=rule,
        k=k,
        candidate_mode=candidate_mode,
    )
    with transaction.atomic():
        obj = SiteProposal.objects.create(
            area=area,
            kind=kind,
            k=k,
            detour_factor=rule.detour_factor,
            walk_metres=rule.walk_metres,
            candidate_mode=candidate_mode,
            uncovered_before=proposal.uncovered_before,
            newly_covered=proposal.newly_covered,
            elder_total=proposal.elder_total,
            sites=proposal.sites,
            seconds=round(time.perf_counter() - started, 3),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record_change(
            actor=actor,
            obj=obj,
            action=AuditEntry.Action.CREATE,
            verb="siteproposal.create",
            after={"area": area.path, "kind": kind, "k": k, "newly_covered": proposal.newly_covered},
        )
    return obj
