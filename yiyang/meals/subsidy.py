"""Per-meal subsidy (助餐补贴) as a pure function over rule rows.

Kept apart from the ORM so that the table-driven tests state the policy directly: the rules in force
on the day, the elder's age on the day and the categories certified on the day decide the amount.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from yiyang.core.dated import in_force as _in_force

ZERO = Decimal("0.00")


class RuleLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def part(self) -> str: ...
    @property
    def min_age(self) -> int: ...
    @property
    def max_age(self) -> int | None: ...
    @property
    def category(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def valid_from(self) -> datetime.date: ...
    @property
    def valid_to(self) -> datetime.date | None: ...


@dataclass(frozen=True)
class SubsidyQuote:
    """The subsidy an elder is entitled to per meal on a day, and why."""

    base: Decimal = ZERO
    supplement: Decimal = ZERO
    rule_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Decimal:
        return self.base + self.supplement

    @property
    def eligible(self) -> bool:
        return self.total > 0

    def describe(self) -> str:
        """Why this amount: the rule names (data), or a note in the active language (call it in
        ``records_language()`` when the text is saved)."""
        return "＋".join(self.rule_names) if self.rule_names else _("不符合补贴条件")

    def for_price(self, price: Decimal) -> Decimal:
        """The subsidy on a meal of ``price``: never more than the meal costs."""
        return min(self.total, price).quantize(Decimal("0.01"))


def in_force(rule: RuleLike, day: datetime.date) -> bool:
    return _in_force(rule.valid_from, rule.valid_to, day)


def _matches(rule: RuleLike, age: int, categories: Sequence[str]) -> bool:
    if age < rule.min_age or (rule.max_age is not None and age > rule.max_age):
        return False
    return not rule.category or rule.category in categories


def quote_subsidy(
    rules: Iterable[RuleLike], *, age: int, categories: Sequence[str], day: datetime.date
) -> SubsidyQuote:
    """Best matching base rule plus best matching supplement among the rules in force on ``day``.

    "Best" is the largest amount; where two rules give the same amount the later ``valid_from`` (the
    newer policy) names the reason.
    """
    base: RuleLike | None = None
    supplement: RuleLike | None = None
    for rule in rules:
        if not in_force(rule, day) or not _matches(rule, age, categories):
            continue
        if rule.part == "supplement":
            if supplement is None or (rule.amount, rule.valid_from) > (
                supplement.amount,
                supplement.valid_from,
            ):
                supplement = rule
        elif base is None or (rule.amount, rule.valid_from) > (base.amount, base.valid_from):
            base = rule
    return SubsidyQuote(
        base=base.amount if base else ZERO,
        supplement=supplement.amount if supplement else ZERO,
        rule_names=tuple(r.name for r in (base, supplement) if r is not None),
    )
