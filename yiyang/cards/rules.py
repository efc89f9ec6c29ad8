"""Who qualifies, as pure functions over the dated rules (table-driven tests in tests/test_rules.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from yiyang.cards.choices import CardBasis, InsuredGroup, Payer
from yiyang.cards.models import CardRule, InsuranceRule
from yiyang.core.dated import in_force_q
from yiyang.core.idnumber import age_on


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CardTerms:
    """The parts of a :class:`~yiyang.cards.models.CardRule` the decision reads."""

    min_age: int
    hukou_local: bool
    residence_permit: bool
    validity_years: int | None


def card_refusal(
    terms: CardTerms,
    *,
    birth_date: datetime.date,
    hukou_local: bool,
    living: bool,
    permit_number: str,
    on: datetime.date,
) -> str:
    """Why this elder may not have a card on ``on`` ("" when they may)."""
    if not living:
        return _("老人已故或已迁出，不能办理优待证")
    if age_on(birth_date, on) < terms.min_age:
        return _("未满 %(age)s 周岁，不能办理优待证") % {"age": terms.min_age}
    if hukou_local and terms.hukou_local:
        return ""
    if permit_number.strip() and terms.residence_permit:
        return ""
    if terms.residence_permit:
        return _("非本地户籍老人须登记本地居住证号")
    return _("现行办理条件只限本地户籍老人")


def card_basis(terms: CardTerms, *, hukou_local: bool) -> str:
    return CardBasis.HUKOU if hukou_local and terms.hukou_local else CardBasis.PERMIT


def card_valid_to(terms: CardTerms, issued_on: datetime.date) -> datetime.date | None:
    if not terms.validity_years:
        return None
    return add_years(issued_on, terms.validity_years) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class InsuranceTerms:
    tekun_paid: bool
    dibao_paid: bool
    paid_from_age: int | None


def paid_group(terms: InsuranceTerms, *, categories: set[str], age: int) -> str:
    """The government-paid group an elder falls in (特困 first, then 低保, then 高龄), or "" if none."""
    if terms.tekun_paid and "tekun" in categories:
        return InsuredGroup.TEKUN
    if terms.dibao_paid and "dibao" in categories:
        return InsuredGroup.DIBAO
    if terms.paid_from_age is not None and age >= terms.paid_from_age:
        return InsuredGroup.AGED
    return ""


def payer_of(group: str) -> str:
    return Payer.SELF if group == InsuredGroup.VOLUNTARY else Payer.GOVERNMENT


def year_start(year: int) -> datetime.date:
    return datetime.date(year, 1, 1)


def card_rule_on(day: datetime.date) -> CardRule | None:
    """The card rule in force on ``day`` (the latest started), or None."""
    return CardRule.objects.filter(in_force_q(day)).order_by("-valid_from", "-id").first()


def insurance_rule_for(year: int) -> InsuranceRule | None:
    """The insurance rule in force on 1 January of ``year`` (the latest started), or None."""
    return InsuranceRule.objects.filter(in_force_q(year_start(year))).order_by("-valid_from", "-id").first()


def terms_of_card_rule(rule: CardRule) -> CardTerms:
    return CardTerms(rule.min_age, rule.hukou_local, rule.residence_permit, rule.validity_years)


def terms_of_insurance_rule(rule: InsuranceRule) -> InsuranceTerms:
    return InsuranceTerms(rule.tekun_paid, rule.dibao_paid, rule.paid_from_age)
