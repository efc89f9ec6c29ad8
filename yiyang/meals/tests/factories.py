"""Factories for meal assistance: canteens, members and the standard subsidy rules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from yiyang.areas.models import Area
from yiyang.core.models import Membership
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import next_number
from yiyang.meals.choices import CanteenKind
from yiyang.meals.models import Canteen, SubsidyRule


def make_canteen(area: Area, **extra: Any) -> Canteen:
    defaults: dict[str, Any] = {
        "name": f"{area.name}长者食堂{next_number()}",
        "kind": CanteenKind.CANTEEN,
        "operator": "通州区颐和餐饮服务有限公司",
        "latitude": 32.0,
        "longitude": 121.0,
    }
    defaults.update(extra)
    return Canteen.objects.create(area=area, **defaults)


def add_member(canteen: Canteen, user: Any) -> Membership:
    return grant_membership(user, canteen)[0]


STANDARD_RULES = [
    # name, part, min_age, max_age, category, amount
    ("60–79岁助餐补贴", "base", 60, 79, "", "2.00"),
    ("80岁以上助餐补贴", "base", 80, None, "", "4.00"),
    ("低保老人加补", "supplement", 60, None, "dibao", "3.00"),
    ("特困老人加补", "supplement", 60, None, "tekun", "3.00"),
]


def standard_rules(valid_from: datetime.date | None = None) -> list[SubsidyRule]:
    start = valid_from or datetime.date(2020, 1, 1)
    return [
        SubsidyRule.objects.create(
            name=name,
            part=part,
            min_age=lo,
            max_age=hi,
            category=cat,
            amount=Decimal(amount),
            valid_from=start,
        )
        for name, part, lo, hi, cat, amount in STANDARD_RULES
    ]
