"""A street reviews its part of a district-wide roll, so street users see the rolls of the areas
above theirs (the lines they see stay limited to their own streets: ``RollLine`` is not widened)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from yiyang.benefits.models import PaymentRoll
from yiyang.core.scoping import register_scope_extension, user_area_paths


def rolls_above(user: Any) -> Q | None:
    ancestors = {path[:n] for path in user_area_paths(user) for n in range(2, len(path))}
    return Q(area_path__in=sorted(ancestors)) if ancestors else None


register_scope_extension(PaymentRoll, rolls_above)
