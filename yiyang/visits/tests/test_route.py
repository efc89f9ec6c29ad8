from __future__ import annotations

from typing import Any

import pytest

from yiyang.visits.route import metres, walking_order


def test_metres_along_a_meridian() -> None:
    assert metres((32.0, 121.0), (32.001, 121.0)) == pytest.approx(111.2, abs=0.5)


@pytest.mark.parametrize(
    ("start", "stops", "order"),
    [
        # Along a street: from the east end the walk goes west, door by door.
        (
            (32.0, 121.004),
            [("a", (32.0, 121.0)), ("b", (32.0, 121.002)), ("c", (32.0, 121.003))],
            ["c", "b", "a"],
        ),
        # Without a position of the worker: from the first home, then the nearest each time.
        (
            None,
            [("a", (32.0, 121.0)), ("far", (32.01, 121.0)), ("near", (32.0, 121.001))],
            ["a", "near", "far"],
        ),
        # Homes without a position come last, in their given order.
        ((32.0, 121.0), [("x", None), ("a", (32.0, 121.001)), ("y", None)], ["a", "x", "y"]),
        (None, [], []),
    ],
)
def test_walking_order(start: tuple[float, float] | None, stops: list[Any], order: list[str]) -> None:
    assert [item for item, _m in walking_order(start, stops)] == order
