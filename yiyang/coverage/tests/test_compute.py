"""Coverage and planning on tiny hand-made layouts with known distances."""

from __future__ import annotations

import math

import numpy as np
import pytest

from yiyang.coverage import compute
from yiyang.coverage.compute import CircleRule


def test_projection_distances_are_metres() -> None:
    origin = (32.0, 121.0)
    # 0.01° of latitude ≈ 1111.95 m; 0.01° of longitude at 32° ≈ 942.99 m
    xy = compute.project([32.0, 32.01, 32.0], [121.0, 121.0, 121.01], origin)
    assert xy[0].tolist() == [0.0, 0.0]
    assert math.isclose(xy[1][1], 1111.95, rel_tol=1e-4)
    assert math.isclose(xy[2][0], 942.99, rel_tol=1e-3)
    lat, lng = compute.unproject(xy, origin)
    assert np.allclose(lat, [32.0, 32.01, 32.0]) and np.allclose(lng, [121.0, 121.0, 121.01])


def test_coverage_on_a_known_layout() -> None:
    # Elders on a line at 0, 500, 700, 800, 2000 m; one canteen at 0 m; one clinic at 2000 m.
    elders = np.array([[0.0, 0], [500, 0], [700, 0], [800, 0], [2000, 0]])
    points = {"meal": np.array([[0.0, 0]]), "clinic": np.array([[2000.0, 0]])}
    rule = CircleRule(detour_factor=1.3, walk_metres=1000)  # straight radius 769.2 m
    cov = compute.elder_coverage(elders, points, rule)
    assert np.allclose(cov["meal"].distance, [0, 650, 910, 1040, 2600])
    assert cov["meal"].covered.tolist() == [True, True, True, False, False]
    assert cov["clinic"].covered.tolist() == [False, False, False, False, True]
    assert cov["any"].covered.tolist() == [True, True, True, False, True]
    assert np.allclose(cov["any"].distance, [0, 650, 910, 1040, 0])
    # aggregate: elders 0–2 in area 0, 3–4 in area 1
    agg = compute.aggregate(np.array([0, 0, 0, 1, 1]), 2, cov["meal"])
    assert agg.total.tolist() == [3, 2] and agg.covered.tolist() == [3, 0]
    assert np.allclose(agg.distance_sum, [1560, 3640])
    up = compute.roll_up(agg, np.array([0, 0]), 1)
    assert up.total.tolist() == [5] and up.covered.tolist() == [3]


def test_no_points_means_nobody_covered() -> None:
    cov = compute.elder_coverage(np.array([[0.0, 0]]), {"meal": np.zeros((0, 2))}, CircleRule())
    assert cov["meal"].covered.tolist() == [False] and math.isinf(cov["meal"].distance[0])


def test_greedy_picks_the_obviously_best_site_first() -> None:
    rng = np.random.default_rng(7)
    big = rng.normal([5000, 5000], 100, size=(300, 2))  # a dense estate of 300 elders
    small = rng.normal([0, 0], 100, size=(40, 2))  # a hamlet of 40
    lone = np.array([[9000.0, 0]])
    uncovered = np.concatenate([small, big, lone])
    candidates = np.array([[0.0, 0], [9000, 0], [5000, 5000], [2500, 2500]])
    picks = compute.greedy_sites(uncovered, candidates, radius=769.0, k=3)
    assert [p.candidate for p in picks] == [2, 0, 1]
    assert [p.gain for p in picks] == [300, 40, 1]
    assert picks[-1].cumulative == 341


def test_greedy_does_not_count_an_elder_twice() -> None:
    # Two candidates 100 m apart over the same cluster: after the first, the second gains nothing.
    elders = np.array([[0.0, 0], [50, 0], [100, 0], [3000, 0]])
    candidates = np.array([[40.0, 0], [60, 0], [3000, 0]])
    picks = compute.greedy_sites(elders, candidates, radius=500.0, k=3)
    assert [(p.candidate, p.gain) for p in picks] == [(0, 3), (2, 1)]


@pytest.mark.parametrize("spacing", [100.0, 385.0])
def test_candidate_grid_covers_every_point(spacing: float) -> None:
    xy = np.array([[10.0, 10], [1000, 2000], [1001, 2001]])
    grid = compute.candidate_grid(xy, spacing)
    d, _ = __import__("scipy.spatial", fromlist=["cKDTree"]).cKDTree(grid).query(xy)
    assert (d <= spacing * math.sqrt(2) / 2 + 1e-9).all()


def test_bounded_search_gives_the_exact_nearest_distance() -> None:
    rng = np.random.default_rng(3)
    elders = rng.uniform(-20_000, 20_000, size=(20_000, 2))
    points = rng.uniform(-20_000, 20_000, size=(50, 2))  # sparse: many elders have nothing within the bound
    exact = np.sqrt(((elders[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    bounded = compute.nearest_distance(elders, points, bound=1000.0)
    assert np.isinf(compute.nearest_distance(elders, points, bound=1.0)).sum() == 0
    assert (exact > 1000).sum() > 1000 and np.allclose(bounded, exact)
    assert np.allclose(compute.nearest_distance(elders, points), exact)


def test_spatial_order_is_a_permutation_grouped_by_cell() -> None:
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 200_000, size=(50_000, 2))  # wide: cells grow to keep 16-bit cell numbers
    order = compute.spatial_order(xy)
    assert np.array_equal(np.sort(order), np.arange(len(xy)))
    rows = np.floor(xy[order, 1] / (200_000 / 255)).astype(np.int64)
    assert np.all(np.diff(rows) >= -1)  # row by row (a point on a cell edge may round either way)
    assert compute.spatial_order(np.zeros((0, 2))).shape == (0,)
    # Elder order must not change the answer.
    pts = rng.uniform(0, 200_000, size=(300, 2))
    rule = CircleRule()
    in_order = compute.elder_coverage(xy, {"meal": pts}, rule, presorted=False)["meal"].distance
    as_given = compute.elder_coverage(xy, {"meal": pts}, rule, presorted=True)["meal"].distance
    assert np.array_equal(in_order, as_given)
