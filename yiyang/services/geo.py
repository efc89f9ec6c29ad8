"""Distances on the ground (pure functions, table-tested)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def degrees_box(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-widths (Δlat, Δlng) in degrees of a square of ``radius_m`` around latitude ``lat``."""
    dlat = radius_m / 111_195.0
    dlng = radius_m / (111_195.0 * max(0.01, math.cos(math.radians(lat))))
    return dlat, dlng
