"""GB/T 37276-2018 等级划分: the four scoring areas, their maximums (total 1000), and the level a set of
scores reaches under thresholds given as data. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: The scoring areas and their maximum scores (GB/T 37276-2018; 环境 120, 设施设备 130, 运营管理 150, 服务 600).
MAXIMUMS: Mapping[str, int] = {"environment": 120, "facilities": 130, "management": 150, "service": 600}


@dataclass(frozen=True)
class Threshold:
    level: int
    min_total: int
    min_area_share: int  # percent of each area's maximum


#: 长沙市养老机构等级评定实施细则（试行）, the only published thresholds found (domain-standards §5.1, §9).
CHANGSHA: tuple[Threshold, ...] = (
    Threshold(1, 360, 40), Threshold(2, 450, 50), Threshold(3, 570, 60), Threshold(4, 780, 80), Threshold(5, 900, 90),
)  # fmt: skip


class ScoreError(ValueError):
    pass


def check_scores(scores: Mapping[str, int]) -> None:
    for area, maximum in MAXIMUMS.items():
        value = scores.get(area)
        if value is None or not 0 <= value <= maximum:
            raise ScoreError(f"{area}: 0–{maximum}")


def total(scores: Mapping[str, int]) -> int:
    return sum(scores[a] for a in MAXIMUMS)


def star_level(scores: Mapping[str, int], thresholds: Iterable[Threshold]) -> int | None:
    """The highest level whose total and every area's share (score ≥ share% of the maximum) are met;
    None below the lowest."""
    check_scores(scores)
    reached = None
    for t in sorted(thresholds, key=lambda t: t.level):
        if total(scores) >= t.min_total and all(
            scores[a] * 100 >= t.min_area_share * m for a, m in MAXIMUMS.items()
        ):
            reached = t.level
    return reached
