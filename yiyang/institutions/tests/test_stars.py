"""GB/T 37276 star levels: table-driven over the 长沙 thresholds, with the edges."""

from __future__ import annotations

import pytest

from yiyang.institutions.stars import CHANGSHA, MAXIMUMS, ScoreError, Threshold, star_level, total


def scores(env: int, fac: int, mgmt: int, svc: int) -> dict[str, int]:
    return {"environment": env, "facilities": fac, "management": mgmt, "service": svc}


@pytest.mark.parametrize(
    ("env", "fac", "mgmt", "svc", "level"),
    [
        (120, 130, 150, 600, 5),  # full marks
        (108, 117, 135, 540, 5),  # exactly 90% everywhere: 900
        (107, 117, 135, 541, 4),  # 900 in total but environment under 90%
        (96, 104, 120, 480, 4),  # exactly 80%: 800 ≥ 780
        (72, 78, 90, 360, 3),  # exactly 60%: 600 ≥ 570
        (60, 65, 75, 300, 2),  # exactly 50%: 500 ≥ 450
        (48, 52, 60, 240, 1),  # exactly 40%: 400 ≥ 360
        (47, 52, 60, 300, None),  # environment under 40%
        (0, 0, 0, 0, None),
    ],
)
def test_star_levels(env: int, fac: int, mgmt: int, svc: int, level: int | None) -> None:
    assert star_level(scores(env, fac, mgmt, svc), CHANGSHA) == level


def test_thresholds_are_data() -> None:
    stricter = [Threshold(1, 500, 40)]
    assert star_level(scores(48, 52, 60, 240), stricter) is None
    assert total(MAXIMUMS) == 1000


@pytest.mark.parametrize("bad", [scores(121, 0, 0, 0), scores(-1, 0, 0, 0), {"environment": 1}])
def test_out_of_range_scores_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ScoreError):
        star_level(bad, CHANGSHA)
