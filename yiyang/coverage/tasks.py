"""Background job: the nightly (or on-demand) coverage computation."""

from __future__ import annotations

from django_tasks import task


@task()
def coverage_compute_task(detour_factor: float | None = None, walk_metres: float | None = None) -> int:
    from yiyang.coverage.actions import coverage_compute
    from yiyang.coverage.compute import CircleRule
    from yiyang.coverage.selectors import default_rule

    base = default_rule()
    rule = CircleRule(detour_factor or base.detour_factor, walk_metres or base.walk_metres)
    return coverage_compute(rule=rule).pk
