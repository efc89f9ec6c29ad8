"""A walking order for the day's visits: from where the worker stands, always the nearest next door.

Greedy nearest-neighbour over great-circle distances: a day holds a few dozen doors, for which it is
instant and close enough to the shortest walk. Homes without a position go last, in the given order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
Point = tuple[float, float]
EARTH_METRES = 6_371_000.0


def metres(a: Point, b: Point) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(h))


def walking_order(
    start: Point | None, stops: Sequence[tuple[T, Point | None]]
) -> list[tuple[T, float | None]]:
    """``stops`` (item, position) in walking order from ``start``, each with the metres from the previous
    stop (None where a position is missing).

    Within a walk of a few kilometres the earth is flat: positions are projected once onto metres
    (equirectangular, about the first home's latitude), and the nearest next door is found by squared
    planar distance — a few microseconds per comparison instead of a great-circle formula.
    """
    placed = [(item, pos) for item, pos in stops if pos is not None]
    unplaced = [item for item, pos in stops if pos is None]
    if not placed:
        return [(item, None) for item in unplaced]
    origin = start if start is not None else placed[0][1]
    k = math.cos(math.radians(origin[0])) * EARTH_METRES * math.pi / 180
    m = EARTH_METRES * math.pi / 180
    xs = [(pos[1] * k, pos[0] * m) for _item, pos in placed]
    here = (origin[1] * k, origin[0] * m)
    left = list(range(len(placed)))
    order: list[tuple[T, float | None]] = []
    while left:
        hx, hy = here
        best = min(left, key=lambda i: (xs[i][0] - hx) ** 2 + (xs[i][1] - hy) ** 2)
        left.remove(best)
        order.append((placed[best][0], math.hypot(xs[best][0] - hx, xs[best][1] - hy)))
        here = xs[best]
    return order + [(item, None) for item in unplaced]
