"""The access matrix of meal assistance: canteens and what belongs to them on both axes (the area the
canteen is in, and membership of the canteen), the rules for everyone permitted, meal cards via the elder."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import (
    AccessMatrix,
    Endpoint,
    World,
    matrix_cases,
    next_number,
    page_contains,
    xlsx_contains,
)
from yiyang.meals.models import Canteen, DeliveryOrder, MealCard, MealRecord, Menu, SubsidyRule
from yiyang.meals.tests.factories import make_canteen
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory


def make_organisation(world: World, name: str) -> Canteen:
    return make_canteen(world.areas.other_community, name=f"助餐点{name}{next_number()}")


def canteen_in(world: World, area: Any, canteen: Canteen | None = None) -> Canteen:
    return canteen or make_canteen(area)


def make_menu(world: World, area: Any, canteen: Canteen | None = None) -> Menu:
    return Menu.objects.create(
        canteen=canteen_in(world, area, canteen), date=timezone.localdate(), slot="lunch",
        dishes=f"菜单{next_number()}", price=Decimal("8.00"),
    )  # fmt: skip


def make_record(world: World, area: Any, canteen: Canteen | None = None) -> MealRecord:
    return MealRecord.objects.create(
        elder=ElderFactory.create(area=area), canteen=canteen_in(world, area, canteen), date=timezone.localdate(),
        slot="lunch", price=Decimal("10.00"), elder_paid=Decimal("10.00"), identified_by="card",
    )  # fmt: skip


def make_delivery(world: World, area: Any, canteen: Canteen | None = None) -> DeliveryOrder:
    return DeliveryOrder.objects.create(
        canteen=canteen_in(world, area, canteen), elder=ElderFactory.create(area=area),
        date=timezone.localdate(), slot="lunch", address=f"送餐地址{next_number()}",
    )  # fmt: skip


def make_rule(world: World, area: Any) -> SubsidyRule:
    return SubsidyRule.objects.create(
        name=f"补贴标准{next_number()}", amount=Decimal("2.00"), valid_from=datetime.date(2026, 1, 1)
    )


def make_card(world: World, area: Any) -> MealCard:
    return MealCard.objects.create(card_no=f"TZ{next_number():08d}", elder=ElderFactory.create(area=area))


def _canteen_name(obj: Any) -> str:
    return str(obj.canteen.name)


MATRICES: dict[str, AccessMatrix] = {
    "canteen": AccessMatrix.standard(
        Canteen,
        canteen_in,
        list_url="meals:canteen_list",
        detail_url="meals:canteen_detail",
        edit_url="meals:canteen_edit",
        api_basename="canteen",
        marker=lambda c: c.name,
        organisation=make_organisation,
        extra=[
            Endpoint(
                "export",
                lambda c: reverse("meals:canteen_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(lambda c: c.name),
            )
        ],
    ),
    "menu": AccessMatrix.standard(
        Menu, make_menu, edit_url="meals:menu_edit", api_basename="menu", organisation=make_organisation
    ),
    "record": AccessMatrix.standard(
        MealRecord,
        make_record,
        list_url="meals:mealrecord_list",
        api_basename="mealrecord",
        marker=_canteen_name,
        organisation=make_organisation,
        extra=[
            Endpoint(
                "export",
                lambda r: reverse("meals:mealrecord_list") + "?export=xlsx",
                action="export",
                listing=True,
                contains=xlsx_contains(_canteen_name),
            )
        ],
    ),
    "delivery": AccessMatrix.standard(
        DeliveryOrder,
        make_delivery,
        list_url="meals:deliveryorder_list",
        api_basename="deliveryorder",
        marker=lambda d: d.address,
        organisation=make_organisation,
    ),
    "rule": AccessMatrix(
        SubsidyRule,
        make_rule,
        [
            Endpoint(
                "list",
                lambda r: reverse("meals:subsidyrule_list"),
                listing=True,
                contains=page_contains(lambda r: r.name),
            )
        ],
    ),
    # A meal card is shown on the elder's QR card page, and found at the counter by its number.
    "card": AccessMatrix(
        MealCard,
        make_card,
        [Endpoint("elder-qr", lambda c: reverse("meals:elder_qr", args=[c.elder_id]), model=Elder)],
    ),
}
CASES = matrix_cases(MATRICES)


@pytest.mark.parametrize(("key", "who", "endpoint"), CASES)
def test_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MATRICES[key].check(client, world, who, endpoint)
