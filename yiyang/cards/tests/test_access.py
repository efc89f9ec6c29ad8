"""The access matrix of 优待证 and 银龄安康: cards, enrolments and claims lie in the elder's area; the
rules are the district's, read by every office."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.cards.models import Card, CardRule, Claim, Enrolment, InsuranceRule
from yiyang.cards.tests.factories import make_card, make_claim, make_enrolment
from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases, next_number, xlsx_contains


def card_in(world: World, area: Any) -> Card:
    return make_card(area)


def enrolment_in(world: World, area: Any) -> Enrolment:
    return make_enrolment(area)


def claim_in(world: World, area: Any) -> Claim:
    return make_claim(area)


def make_card_rule(world: World, area: Any) -> CardRule:
    return CardRule.objects.create(name=f"办理条件{next_number()}", valid_from=datetime.date(2030, 1, 1))


def make_insurance_rule(world: World, area: Any) -> InsuranceRule:
    return InsuranceRule.objects.create(name=f"参保规则{next_number()}", premium=Decimal("30"), target=Decimal("50"),
                                        valid_from=datetime.date(2030, 1, 1))  # fmt: skip


def _export(url: str, marker: Any) -> Endpoint:
    return Endpoint("export", lambda o: reverse(url) + "?export=xlsx", action="export", listing=True,
                    contains=xlsx_contains(marker))  # fmt: skip


MATRICES: dict[str, AccessMatrix] = {
    "card": AccessMatrix.standard(
        Card,
        card_in,
        list_url="cards:card_list",
        detail_url="cards:card_detail",
        api_basename="card",
        marker=lambda c: c.number,
        extra=[
            _export("cards:card_list", lambda c: c.number),
            Endpoint("print", lambda c: reverse("cards:card_print", args=[c.pk]), action="print"),
        ],
    ),
    "enrolment": AccessMatrix.standard(
        Enrolment,
        enrolment_in,
        list_url="cards:enrolment_list",
        api_basename="enrolment",
        marker=lambda e: e.policy_number,
        extra=[_export("cards:enrolment_list", lambda e: e.policy_number)],
    ),
    "claim": AccessMatrix.standard(
        Claim,
        claim_in,
        list_url="cards:claim_list",
        edit_url="cards:claim_edit",
        api_basename="insuranceclaim",
        marker=lambda c: c.number,
        extra=[
            _export("cards:claim_list", lambda c: c.number),
            Endpoint("decide", lambda c: reverse("cards:claim_decide", args=[c.pk]), action="change"),
        ],
    ),
    "card_rule": AccessMatrix.standard(
        CardRule,
        make_card_rule,
        list_url="cards:cardrule_list",
        edit_url="cards:cardrule_edit",
        marker=lambda r: r.name,
    ),
    "insurance_rule": AccessMatrix.standard(
        InsuranceRule,
        make_insurance_rule,
        list_url="cards:insurancerule_list",
        edit_url="cards:insurancerule_edit",
        marker=lambda r: r.name,
    ),
}
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
