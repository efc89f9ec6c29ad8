"""Factories for 优待证 and 银龄安康: a card, an enrolment and a claim of a new elder in an area."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.cards.choices import EnrolmentSource, InsuredGroup, Payer
from yiyang.cards.models import Card, Claim, Enrolment
from yiyang.core.testing import next_number
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory


def make_elder(**kwargs: Any) -> Elder:
    return cast(Elder, ElderFactory(**kwargs))


def make_card(area: Area, elder: Elder | None = None, **extra: Any) -> Card:
    elder = elder or make_elder(area=area)
    n = next_number()
    defaults: dict[str, Any] = {
        "elder": elder, "area_path": elder.area_path, "number": f"{elder.area_path[:12]}{n:06d}",
        "issued_on": datetime.date(2026, 1, 5),
    }  # fmt: skip
    defaults.update(extra)
    return Card.objects.create(**defaults)


def make_enrolment(area: Area, elder: Elder | None = None, **extra: Any) -> Enrolment:
    elder = elder or make_elder(area=area)
    defaults: dict[str, Any] = {
        "year": timezone.localdate().year, "elder": elder, "area_path": elder.area_path, "payer": Payer.GOVERNMENT,
        "group": InsuredGroup.AGED, "premium": Decimal("30.00"), "policy_number": f"P{next_number():08d}",
        "enrolled_on": timezone.localdate().replace(month=1, day=10), "source": EnrolmentSource.IMPORTED,
    }  # fmt: skip
    defaults.update(extra)
    return Enrolment.objects.create(**defaults)


def make_claim(area: Area, **extra: Any) -> Claim:
    enrolment = make_enrolment(area)
    defaults: dict[str, Any] = {
        "enrolment": enrolment, "number": f"LP{next_number():010d}", "kind": "medical",
        "occurred_on": enrolment.enrolled_on + datetime.timedelta(days=20), "claimed": Decimal("2860.50"),
        "description": "在家中摔倒",
    }  # fmt: skip
    defaults.update(extra)
    return Claim.objects.create(**defaults)
