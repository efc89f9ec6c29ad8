"""Who qualifies for a card and for government-paid insurance: the rules as pure functions."""

from __future__ import annotations

import datetime

import pytest

from yiyang.cards import rules
from yiyang.cards.rules import CardTerms, InsuranceTerms

DAY = datetime.date(2026, 12, 5)
BOTH = CardTerms(min_age=60, hukou_local=True, residence_permit=True, validity_years=None)
LOCAL_ONLY = CardTerms(min_age=60, hukou_local=True, residence_permit=False, validity_years=5)


@pytest.mark.parametrize(
    ("terms", "birth", "hukou", "living", "permit", "refused"),
    [
        (BOTH, datetime.date(1966, 12, 5), True, True, "", False),  # 60 today
        (BOTH, datetime.date(1966, 12, 6), True, True, "", True),  # 60 tomorrow
        (BOTH, datetime.date(1950, 1, 1), False, True, "", True),  # not local, no permit
        (BOTH, datetime.date(1950, 1, 1), False, True, "苏居320612001", False),  # permit
        (LOCAL_ONLY, datetime.date(1950, 1, 1), False, True, "苏居320612001", True),  # permits not accepted
        (BOTH, datetime.date(1950, 1, 1), True, False, "", True),  # deceased
    ],
)
def test_card_refusal(
    terms: CardTerms, birth: datetime.date, hukou: bool, living: bool, permit: str, refused: bool
) -> None:
    reason = rules.card_refusal(
        terms, birth_date=birth, hukou_local=hukou, living=living, permit_number=permit, on=DAY
    )
    assert bool(reason) is refused


@pytest.mark.parametrize(
    ("terms", "issued", "valid_to"),
    [
        (BOTH, DAY, None),
        (LOCAL_ONLY, datetime.date(2026, 3, 1), datetime.date(2031, 2, 28)),
        (LOCAL_ONLY, datetime.date(2024, 2, 29), datetime.date(2029, 2, 27)),
    ],
)
def test_card_valid_to(terms: CardTerms, issued: datetime.date, valid_to: datetime.date | None) -> None:
    assert rules.card_valid_to(terms, issued) == valid_to


ALL = InsuranceTerms(tekun_paid=True, dibao_paid=True, paid_from_age=80)
NO_AGE = InsuranceTerms(tekun_paid=True, dibao_paid=False, paid_from_age=None)


@pytest.mark.parametrize(
    ("terms", "categories", "age", "group"),
    [
        (ALL, {"tekun", "dibao"}, 85, "tekun"),
        (ALL, {"dibao"}, 85, "dibao"),
        (ALL, set(), 80, "aged"),
        (ALL, set(), 79, ""),
        (NO_AGE, {"dibao"}, 90, ""),
        (NO_AGE, {"tekun"}, 61, "tekun"),
    ],
)
def test_paid_group(terms: InsuranceTerms, categories: set[str], age: int, group: str) -> None:
    assert rules.paid_group(terms, categories=categories, age=age) == group
