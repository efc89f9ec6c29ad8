"""Registry of service-point sources for the 15-minute service circle (一刻钟居家养老服务圈).

Any app that owns places where elders are served registers a loader here, usually from its
AppConfig.ready()::

    from yiyang.coverage.sources import register_point_source

    register_point_source("canteen", "助餐点", load_canteen_points)

``label`` may be a lazy translation (``gettext_lazy``); a plain Chinese string is translated when
shown if some catalog has it. A loader returns an iterable of ``(latitude, longitude, label)`` tuples
(WGS-84 degrees); it is called once per coverage computation, so it should be one query
(``values_list``), never a loop of queries.
Several loaders may share one ``kind``: their points are pooled (e.g. canteens and delivery points
both serve the "meal" kind if registered so). Points without coordinates are simply left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext

PointLoader = Callable[[], Iterable[tuple[float, float, str]]]


@dataclass(frozen=True)
class PointSource:
    """One registered source of service points (服务点来源)."""

    kind: str
    label: str | Promise
    loader: PointLoader


_SOURCES: dict[tuple[str, str | Promise], PointSource] = {}


def register_point_source(kind: str, label: str | Promise, loader: PointLoader) -> None:
    """Register (or replace) the loader of service points of ``kind``, shown as ``label``.

    Registering the same ``(kind, label)`` twice replaces the first loader, so ``ready()`` running
    twice (tests, autoreload) is harmless.
    """
    if not kind or not kind.replace("_", "").isalnum():
        raise ValueError(f"kind must be a short identifier, got {kind!r}")
    _SOURCES[(kind, label)] = PointSource(kind=kind, label=label, loader=loader)


def kinds() -> dict[str, str]:
    """``{kind: label}`` of all registered kinds, in the active language; labels of sources sharing a kind
    are joined with '、'. Call it in ``records_language()`` for labels that are saved."""
    out: dict[str, list[str]] = {}
    for src in _SOURCES.values():
        out.setdefault(src.kind, []).append(gettext(str(src.label)))
    # Translators: the separator between the names of a list ("助餐点、送餐点").
    separator = gettext("、")
    return {k: separator.join(v) for k, v in out.items()}


def load_points(kind: str | None = None) -> dict[str, list[tuple[float, float, str]]]:
    """Call the loaders and return ``{kind: [(lat, lng, label), ...]}``; points without coordinates dropped."""
    out: dict[str, list[tuple[float, float, str]]] = {}
    for src in _SOURCES.values():
        if kind is not None and src.kind != kind:
            continue
        bucket = out.setdefault(src.kind, [])
        for lat, lng, label in src.loader():
            if lat is None or lng is None:
                continue
            bucket.append((float(lat), float(lng), str(label)))
    return out
