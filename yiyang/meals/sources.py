"""Meal points for the 15-minute service circle."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from yiyang.coverage.sources import register_point_source
from yiyang.meals.choices import CanteenKind
from yiyang.meals.models import Canteen

MEAL_KIND = "meal"


def _points(kinds: list[str]) -> Iterable[tuple[float, float, str]]:
    return Canteen.objects.filter(
        is_active=True, kind__in=kinds, latitude__isnull=False, longitude__isnull=False
    ).values_list("latitude", "longitude", "name")  # type: ignore[return-value]  # NULLs filtered above


def canteen_points() -> Iterable[tuple[float, float, str]]:
    return _points([CanteenKind.CANTEEN, CanteenKind.MEAL_POINT])


def delivery_points() -> Iterable[tuple[float, float, str]]:
    return _points([CanteenKind.DELIVERY_POINT])


register_point_source(MEAL_KIND, _("助餐点"), canteen_points)
register_point_source(MEAL_KIND, _("送餐点"), delivery_points)
