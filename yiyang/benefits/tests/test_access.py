"""Who may open what in benefits: the generated access matrix for every page and API endpoint."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.accounts.roles import Role, permissions_for
from yiyang.areas.models import Area
from yiyang.benefits.models import (
    Budget,
    CentralisedSupport,
    ElderBankAccount,
    LifeEventBatch,
    LifeEventRow,
    PaymentRoll,
    Programme,
    QualificationCheck,
    RateRule,
    Recovery,
    RollLine,
    Suspension,
)
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.core.testing import AccessMatrix, Endpoint, World, matrix_cases, next_number
from yiyang.people.models import Elder

pytestmark = pytest.mark.django_db
_months = itertools.count(1)

ADMIN, STREET, COMMUNITY = Role.DISTRICT_ADMIN, Role.STREET_WORKER, Role.COMMUNITY_WORKER
AUDITOR = Role.AUDITOR
POLICY: dict[str, set[str]] = {
    "benefits.view_paymentroll": {ADMIN, STREET, AUDITOR},
    "benefits.add_paymentroll": {ADMIN, STREET},
    "benefits.review_paymentroll": {ADMIN, STREET},
    "benefits.approve_paymentroll": {ADMIN},
    "benefits.export_paymentroll": {ADMIN},
    "benefits.view_rollline": {ADMIN, STREET, COMMUNITY, AUDITOR},
    "benefits.change_raterule": {ADMIN},
    "benefits.waive_recovery": {ADMIN},
    "benefits.change_recovery": {ADMIN, STREET},
    "benefits.add_qualificationcheck": {ADMIN, STREET, COMMUNITY},
    "benefits.view_elderbankaccount": {ADMIN, STREET, COMMUNITY, AUDITOR},
}


@pytest.mark.parametrize("permission", sorted(POLICY))
def test_policy(permission: str) -> None:
    assert {r for r in Role if permission in permissions_for(r)} == POLICY[permission]


def _programme() -> Any:
    return Programme.objects.filter(code="gaoling").first() or longevity()


def make_roll(world: World, area: Area) -> PaymentRoll:
    n = next(_months)
    return PaymentRoll.objects.create(
        programme=_programme(), area=area, month=datetime.date(2000 + n // 12, n % 12 + 1, 1)
    )


def make_line(world: World, area: Area) -> RollLine:
    roll = make_roll(world, area)
    elder = elder_born(datetime.date(1940, 1, 1), area=area)
    return RollLine.objects.create(
        roll=roll,
        programme=roll.programme,
        month=roll.month,
        elder=elder,
        base_amount=100,
        amount=100,
        change_type="new",
        area_path=elder.area_path,
    )


def make_recovery(world: World, area: Area) -> Recovery:
    elder = elder_born(datetime.date(1940, 1, 1), area=area)
    return Recovery.objects.create(
        elder=elder,
        programme=_programme(),
        stop_month=datetime.date(2026, 4, 1),
        months="2026年4月",
        owed=Decimal("100"),
        area_path=elder.area_path,
    )


def make_suspension(world: World, area: Area) -> Suspension:
    return Suspension.objects.create(
        elder=elder_born(datetime.date(1940, 1, 1), area=area),
        reason="manual",
        from_month=datetime.date(2026, 4, 1),
    )


def make_batch(world: World, area: Area) -> LifeEventBatch:
    return LifeEventBatch.objects.create(
        kind="deceased", source="公安", filename=f"名单{next(_months)}.csv", area_path=area.path
    )


def make_budget(world: World, area: Area) -> Budget:
    return Budget.objects.create(
        programme=_programme(), area=area, year=2000 + next(_months), amount=Decimal("1000")
    )


def make_account(world: World, area: Area) -> ElderBankAccount:
    account = ElderBankAccount(
        elder=elder_born(datetime.date(1940, 1, 1), area=area), bank_name="农商银行", holder_name="x"
    )
    account.set_account("6228480012345678901")
    account.save()
    return account


def make_check(world: World, area: Area) -> QualificationCheck:
    return QualificationCheck.objects.create(
        elder=elder_born(datetime.date(1940, 1, 1), area=area),
        certified_on=datetime.date(2026, 1, 1),
        channel="video",
        valid_to=datetime.date(2026, 12, 31),
    )


def make_programme(world: World, area: Area) -> Programme:
    n = next_number()
    return Programme.objects.create(code=f"p{n}", name=f"补贴项目{n}", kind="age_tier")


def make_rate(world: World, area: Area) -> RateRule:
    return RateRule.objects.create(
        programme=_programme(),
        age_from=100,
        amount=Decimal(next_number()),
        valid_from=datetime.date(2026, 1, 1),
    )


def make_support(world: World, area: Area) -> CentralisedSupport:
    return CentralisedSupport.objects.create(
        elder=elder_born(datetime.date(1940, 1, 1), area=area),
        place=f"敬老院{next_number()}",
        start_date=datetime.date(2026, 3, 15),
        source=f"test:{next_number()}",
    )


def make_row(world: World, area: Area) -> LifeEventRow:
    return LifeEventRow.objects.create(
        batch=make_batch(world, area), row_number=1, name=f"名单行{next_number()}"
    )


MATRICES = {
    "programme": AccessMatrix.standard(
        Programme,
        make_programme,
        list_url="benefits:programme_list",
        api_basename="programme",
        marker=lambda p: p.name,
    ),
    "rate": AccessMatrix.standard(
        RateRule,
        make_rate,
        edit_url="benefits:raterule_change",
        api_basename="raterule",
    ),
    # A batch's rows are shown on the batch's page.
    "row": AccessMatrix(
        LifeEventRow,
        make_row,
        [
            Endpoint(
                "batch",
                lambda r: reverse("benefits:lifeeventbatch_detail", args=[r.batch_id]),
                model=LifeEventBatch,
            )
        ],
    ),
    "roll": AccessMatrix.standard(
        PaymentRoll,
        make_roll,
        list_url="benefits:paymentroll_list",
        detail_url="benefits:paymentroll_detail",
        api_basename="paymentroll",
        marker=lambda r: r.get_absolute_url(),
        extra=[
            Endpoint(
                "api-recheck",
                lambda o: reverse("paymentroll-recheck", args=[o.pk]),
                api=True,
                method="post",
                action="review",
            ),
            Endpoint(
                "review-streets",
                lambda o: reverse("benefits:paymentroll_review_streets", args=[o.pk]),
                method="post",
                action="review",
                ok=302,
            ),
        ],
    ),
    "line": AccessMatrix.standard(RollLine, make_line, api_basename="rollline"),
    "recovery": AccessMatrix.standard(
        Recovery,
        make_recovery,
        list_url="benefits:recovery_list",
        detail_url="benefits:recovery_detail",
        api_basename="recovery",
        marker=lambda r: r.get_absolute_url(),
    ),
    "suspension": AccessMatrix.standard(
        Suspension,
        make_suspension,
        list_url="benefits:suspension_list",
        api_basename="suspension",
        marker=lambda s: reverse("benefits:suspension_notice", args=[s.pk]),
        extra=[Endpoint("notice", lambda o: reverse("benefits:suspension_notice", args=[o.pk]))],
    ),
    "batch": AccessMatrix.standard(
        LifeEventBatch,
        make_batch,
        list_url="benefits:lifeeventbatch_list",
        detail_url="benefits:lifeeventbatch_detail",
        api_basename="lifeeventbatch",
        marker=lambda b: b.get_absolute_url(),
    ),
    "budget": AccessMatrix.standard(
        Budget,
        make_budget,
        list_url="benefits:budget_list",
        edit_url="benefits:budget_edit",
        api_basename="budget",
        marker=lambda b: f">{b.year}</td>",  # the year is unique per budget (the edit link is for changers)
    ),
    "account": AccessMatrix.standard(
        ElderBankAccount,
        make_account,
        list_url="benefits:elderbankaccount_list",
        api_basename="elderbankaccount",
        marker=lambda a: a.elder.name,  # linked to the account page only for those who may change it
    ),
    "check": AccessMatrix.standard(QualificationCheck, make_check, api_basename="qualificationcheck"),
    # Centralised support is shown on the elder's page (the timeline), to those who may see the elder.
    "support": AccessMatrix(
        CentralisedSupport,
        make_support,
        [Endpoint("elder", lambda s: reverse("people:elder_detail", args=[s.elder_id]), model=Elder)],
    ),
}
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)


def test_bank_account_masked_everywhere(client: Client, world: World) -> None:
    make_account(world, world.areas.community_a1)
    client.force_login(world.bob)
    for url in (reverse("benefits:elderbankaccount_list"), reverse("elderbankaccount-list")):
        body = client.get(url).content.decode()
        assert "6228***********8901" in body and "6228480012345678901" not in body


def test_programme_pages(client: Client, world: World) -> None:
    programme = longevity()
    rule = programme.rates.first()
    assert rule is not None
    client.force_login(world.alice)
    assert client.get(reverse("benefits:programme_list")).status_code == 200
    assert client.get(reverse("benefits:raterule_change", args=[rule.pk])).status_code == 200
    response = client.post(
        reverse("benefits:raterule_change", args=[rule.pk]),
        {"amount": "150", "valid_from": "2031-01", "note": "测试"},
    )
    assert response.status_code == 302
    client.force_login(world.bob)
    assert client.get(reverse("benefits:raterule_change", args=[rule.pk])).status_code == 403
    client.force_login(world.erin)
    assert client.get(reverse("benefits:programme_list")).status_code == 403
