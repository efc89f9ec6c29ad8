"""Service points for the 15-minute service circle."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _


def service_point_rows(kind: str | None = None) -> Iterable[tuple[float, float, str]]:
    """(lat, lng, area_path) of active service points, of one kind or all."""
    from yiyang.services.models import ServicePoint

    qs = ServicePoint.objects.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("latitude", "longitude", "area_path"))


def _loader(kind: str) -> Callable[[], Iterable[tuple[float, float, str]]]:
    return lambda: service_point_rows(kind)


def register_coverage_sources() -> None:
    """Offer our service points to the 15-minute circle, if that module is installed."""
    if importlib.util.find_spec("yiyang.coverage") is None:
        return
    if importlib.util.find_spec("yiyang.coverage.sources") is None:
        return
    from yiyang.coverage import sources  # type: ignore[import-not-found,unused-ignore]
    from yiyang.services.choices import PointKind

    sources.register_point_source("service_point", _("居家养老服务网点（全部）"), service_point_rows)
    for kind in PointKind:
        sources.register_point_source(kind.value, kind.label, _loader(kind.value))
