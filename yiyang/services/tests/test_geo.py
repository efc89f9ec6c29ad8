import pytest

from yiyang.services.geo import haversine_m
from yiyang.services.selectors import ancestor_paths


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((32.0660, 121.0730), (32.0660, 121.0730), 0),
        ((32.0660, 121.0730), (32.0687, 121.0730), 300),  # 0.0027° of latitude ≈ 300 m
        ((0.0, 0.0), (0.0, 1.0), 111_195),
        ((39.9042, 116.4074), (31.2304, 121.4737), 1_067_000),  # Beijing – Shanghai
    ],
)
def test_haversine(a: tuple[float, float], b: tuple[float, float], metres: float) -> None:
    assert haversine_m(*a, *b) == pytest.approx(metres, rel=0.01, abs=2)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("320612001001", ["32", "3206", "320612", "320612001", "320612001001"]),
        ("320612", ["32", "3206", "320612"]),
    ],
)
def test_ancestor_paths(path: str, expected: list[str]) -> None:
    assert ancestor_paths(path) == expected
