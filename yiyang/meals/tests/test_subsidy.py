"""Subsidy selection by date, age and category: the policy as a table."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from yiyang.meals.subsidy import quote_subsidy


@dataclass
class Rule:
    name: str
    part: str
    min_age: int
    max_age: int | None
    category: str
    amount: Decimal
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    pk: int | None = None


D = datetime.date
RULES = [
    Rule("60–79岁", "base", 60, 79, "", Decimal("2.00"), D(2024, 1, 1)),
    Rule("80岁以上", "base", 80, None, "", Decimal("4.00"), D(2024, 1, 1), D(2026, 6, 30)),
    # From July 2026 the 80+ subsidy rises to 5 元; the old row stays for the history.
    Rule("80岁以上（2026年调整）", "base", 80, None, "", Decimal("5.00"), D(2026, 7, 1)),
    Rule("低保加补", "supplement", 60, None, "dibao", Decimal("3.00"), D(2024, 1, 1)),
    Rule("特困加补", "supplement", 60, None, "tekun", Decimal("3.00"), D(2024, 1, 1)),
    Rule("计生特殊家庭加补", "supplement", 60, None, "jisheng", Decimal("1.00"), D(2025, 1, 1)),
]

CASES = [
    # day, age, categories, expected total, expected base, expected supplement
    (D(2026, 3, 1), 59, [], "0.00", "0.00", "0.00"),
    (D(2026, 3, 1), 60, [], "2.00", "2.00", "0.00"),
    (D(2026, 3, 1), 79, [], "2.00", "2.00", "0.00"),
    (D(2026, 3, 1), 80, [], "4.00", "4.00", "0.00"),
    (D(2026, 6, 30), 85, [], "4.00", "4.00", "0.00"),
    (D(2026, 7, 1), 85, [], "5.00", "5.00", "0.00"),
    (D(2026, 3, 1), 70, ["dibao"], "5.00", "2.00", "3.00"),
    (D(2026, 3, 1), 82, ["tekun"], "7.00", "4.00", "3.00"),
    # 低保 and 特困 together: one supplement, not two
    (D(2026, 3, 1), 82, ["dibao", "tekun"], "7.00", "4.00", "3.00"),
    # the 计生 supplement did not exist yet in 2024
    (D(2024, 6, 1), 65, ["jisheng"], "2.00", "2.00", "0.00"),
    (D(2025, 6, 1), 65, ["jisheng"], "3.00", "2.00", "1.00"),
    # before any rule
    (D(2023, 12, 31), 90, ["dibao"], "0.00", "0.00", "0.00"),
    # a category below the rules' minimum age gets nothing
    (D(2026, 3, 1), 55, ["dibao"], "0.00", "0.00", "0.00"),
]


@pytest.mark.parametrize(("day", "age", "categories", "total", "base", "supplement"), CASES)
def test_subsidy_selection(
    day: datetime.date, age: int, categories: list[str], total: str, base: str, supplement: str
) -> None:
    quote = quote_subsidy(RULES, age=age, categories=categories, day=day)
    assert quote.total == Decimal(total)
    assert quote.base == Decimal(base)
    assert quote.supplement == Decimal(supplement)


def test_subsidy_never_exceeds_the_price() -> None:
    quote = quote_subsidy(RULES, age=85, categories=["tekun"], day=D(2026, 8, 1))
    assert quote.total == Decimal("8.00")
    assert quote.for_price(Decimal("6.00")) == Decimal("6.00")
    assert quote.for_price(Decimal("12.00")) == Decimal("8.00")
    assert quote.describe() == "80岁以上（2026年调整）＋特困加补"
