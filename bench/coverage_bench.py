"""Benchmark: the 15-minute service circle for a city (issue 3).

* Coverage for 2,000,000 elders against 10,000 service points (target < 2 s), against the baseline of a
  bare scipy cKDTree build + nearest-neighbour query over the same arrays, medians of 3 runs.
  "ours" is the full pure computation: projection from degrees, spatial ordering, KD-tree query,
  detour factor, covered flags, per-community aggregation and roll-up to streets and the district.
  "ours + write" also writes the aggregates to PostgreSQL with COPY (database yiyang_bench_coverage,
  created and dropped here) when PostgreSQL is reachable.
* Proposal of the next 10 sites for the city (target < 10 s): greedy maximum coverage over the
  uncovered elders with community centres and a grid of candidates.

Run: .venv/bin/python bench/coverage_bench.py   (YIYANG_BENCH_PG=0 skips the database part)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yiyang.coverage import compute

N_ELDERS = 2_000_000
N_POINTS = 10_000
N_COMMUNITIES = 3_000
N_STREETS = 120
ORIGIN = (32.0, 120.9)
RULE = compute.CircleRule(1.3, 1000.0)


def city(seed: int = 1) -> dict[str, np.ndarray]:
    """A 60 km × 60 km city: elders clustered around community centres, points scattered with them."""
    rng = np.random.default_rng(seed)
    half = 30_000.0
    centres = rng.uniform(-half, half, size=(N_COMMUNITIES, 2))
    community = rng.integers(0, N_COMMUNITIES, size=N_ELDERS)
    xy = centres[community] + rng.normal(0, 600, size=(N_ELDERS, 2))
    lat, lng = compute.unproject(xy, ORIGIN)
    pts_xy = np.concatenate([
        centres[rng.integers(0, N_COMMUNITIES, N_POINTS // 2)] + rng.normal(0, 400, size=(N_POINTS // 2, 2)),
        rng.uniform(-half, half, size=(N_POINTS - N_POINTS // 2, 2)),
    ])  # fmt: skip
    plat, plng = compute.unproject(pts_xy, ORIGIN)
    order = rng.permutation(N_ELDERS)  # the worst case: elders in no spatial order
    return {
        "lat": lat[order], "lng": lng[order], "community": community[order], "plat": plat, "plng": plng,
        "street_of": rng.integers(0, N_STREETS, size=N_COMMUNITIES), "centres": centres,
    }  # fmt: skip


def baseline(d: dict[str, np.ndarray]) -> None:
    """Bare cKDTree on projected metres (projection done outside the timer, in its favour)."""
    tree = cKDTree(d["pxy"])
    tree.query(d["exy"], k=1, workers=-1)


def ours(d: dict[str, np.ndarray]) -> list[tuple]:
    xy = compute.project(d["lat"], d["lng"], ORIGIN)
    pts = compute.project(d["plat"], d["plng"], ORIGIN)
    cov = compute.elder_coverage(xy, {"meal": pts}, RULE)["meal"]
    leaf = compute.aggregate(d["community"], N_COMMUNITIES, cov)
    streets = compute.roll_up(leaf, d["street_of"], N_STREETS)
    district = compute.roll_up(leaf, np.zeros(N_COMMUNITIES, dtype=np.int64), 1)
    rows = []
    for level, agg in ((5, leaf), (4, streets), (3, district)):
        for i in np.nonzero(agg.total)[0]:
            rows.append(
                (
                    level,
                    int(i),
                    int(agg.total[i]),
                    int(agg.covered[i]),
                    float(agg.distance_sum[i]),
                    int(agg.reachable[i]),
                )
            )
    return rows


def median_of(fn: Callable[[], object], runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def write_pg(rows: list[tuple]) -> Callable[[], None] | None:
    if os.environ.get("YIYANG_BENCH_PG", "1") == "0":
        return None
    try:
        import psycopg
    except ImportError:
        return None
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS yiyang_bench_coverage")
            conn.execute("CREATE DATABASE yiyang_bench_coverage")
    except Exception as exc:
        print(f"(PostgreSQL not reachable: {exc}; skipping the write measurement)")
        return None
    conn = psycopg.connect("postgresql://postgres@127.0.0.1:5432/yiyang_bench_coverage")
    conn.execute(
        "CREATE TABLE coverage_result (id bigserial primary key, run_id int, area_id int, area_path varchar(15), "
        "level smallint, kind varchar(32), total int, covered int, distance_sum double precision, reachable int, "
        "computed_at timestamptz, UNIQUE (area_path, kind))"
    )
    conn.commit()

    def write() -> None:
        with conn.transaction():
            conn.execute("DELETE FROM coverage_result")
            with conn.cursor().copy(
                "COPY coverage_result (run_id, area_id, area_path, level, kind, total, covered, distance_sum, "
                "reachable, computed_at) FROM STDIN"
            ) as copy:
                for level, i, total, covered, dsum, reach in rows:
                    copy.write_row(
                        (
                            1,
                            i,
                            f"{level}-{i}",
                            level,
                            "meal",
                            total,
                            covered,
                            dsum,
                            reach,
                            "2026-11-22T00:00:00+08:00",
                        )
                    )

    def close() -> None:
        conn.close()
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS yiyang_bench_coverage")

    write.close = close  # type: ignore[attr-defined]
    return write


def main() -> None:
    print(
        f"city: {N_ELDERS:,} elders, {N_POINTS:,} service points, {N_COMMUNITIES:,} communities; "
        f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}"
    )
    d = city()
    d["exy"] = compute.project(d["lat"], d["lng"], ORIGIN)
    d["pxy"] = compute.project(d["plat"], d["plng"], ORIGIN)
    # Interleaved, so that both see the same share of a shared machine.
    bases: list[float] = []
    ourses: list[float] = []
    rows: object = None
    for _ in range(5):
        bases.append(median_of(lambda: baseline(d), runs=1)[0])
        t, rows = median_of(lambda: ours(d), runs=1)
        ourses.append(t)
    print(
        f"  runs: baseline {', '.join(f'{x:.2f}' for x in bases)}; ours {', '.join(f'{x:.2f}' for x in ourses)}"
    )
    t_base, t_ours = statistics.median(bases), statistics.median(ourses)
    assert isinstance(rows, list)
    print(f"baseline  bare cKDTree build+query          median {t_base:6.3f} s")
    print(
        f"ours      full coverage (no DB I/O)         median {t_ours:6.3f} s   ratio {t_ours / t_base:4.2f}×   target < 2 s: {'OK' if t_ours < 2 else 'MISSED'}"
    )
    write = write_pg(rows)
    if write is not None:
        t_write, _ = median_of(write)
        print(
            f"ours      + COPY {len(rows):,} aggregate rows to PG  median {t_ours + t_write:6.3f} s   (write alone {t_write:.3f} s)"
        )
        write.close()  # type: ignore[attr-defined]

    # Planning: uncovered elders of the city, candidates = community centres + grid cells.
    def plan() -> list[compute.Pick]:
        xy = compute.project(d["lat"], d["lng"], ORIGIN)
        pts = compute.project(d["plat"], d["plng"], ORIGIN)
        dist = compute.nearest_distance(xy, pts) * RULE.detour_factor
        uncovered = xy[dist > RULE.walk_metres]
        candidates = np.concatenate([d["centres"], compute.candidate_grid(uncovered, RULE.radius / 2)])
        return compute.greedy_sites(uncovered, candidates, RULE.radius, 10)

    t_plan, picks = median_of(plan)
    assert isinstance(picks, list)
    gained = picks[-1].cumulative if picks else 0
    print(
        f"planning  next 10 sites for the city        median {t_plan:6.3f} s   new coverage {gained:,} elders   target < 10 s: {'OK' if t_plan < 10 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
