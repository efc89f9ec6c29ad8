"""Time-bank rules as pure functions (table-driven tests in tests/test_rules.py)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from yiyang.volunteers.choices import Relation

#: The registry's contact relations (people.ContactRelation), read from the elder's side: the
#: volunteer registered as the elder's child makes the elder the volunteer's parent.
CONTACT_TO_RELATION = {
    "spouse": Relation.SPOUSE,
    "child": Relation.PARENT,
    "grandchild": Relation.GRANDPARENT,
}
#: 独居: the living situations that count as living alone for the donation pool's priority.
ALONE = ("alone", "gugua")


def to_minutes(hours: object) -> int:
    """Hours as typed (``1.5``, ``"2"``) to whole minutes; ValueError for anything else."""
    try:
        value = Decimal(str(hours).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("not a number") from exc
    if not value.is_finite():
        raise ValueError("not a number")
    return int((value * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def relation_from_contact(contact_relation: str) -> Relation | None:
    return CONTACT_TO_RELATION.get(contact_relation)


def may_receive(relation: Relation, recipient_age: int, min_age: int) -> bool:
    """Hours go to a spouse, or to a direct relative aged ``min_age`` (60) or over."""
    return relation == Relation.SPOUSE or recipient_age >= min_age


def priority_recipient(*, age: int, living_situation: str, categories: list[str], disabled: bool) -> bool:
    """重点空巢独居老年人 (Nanjing): 80 and over living alone, or 60–79 in a 低保 family, (semi-)disabled,
    living alone. The donation pool serves them first."""
    if living_situation not in ALONE or age < 60:
        return False
    return age >= 80 or ("dibao" in categories and disabled)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def credited_minutes(seconds: float, cap: int) -> int:
    """A service's time as whole minutes (rounded down), never more than ``cap``."""
    return max(0, min(int(seconds // 60), cap))
