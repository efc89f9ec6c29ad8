"""Counter workflows against the real database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiyang.core.models import AccessLog
from yiyang.core.testing import World
from yiyang.meals import actions
from yiyang.meals.choices import DeliveryStatus, MealSlot
from yiyang.meals.models import MealCard, MealRecord, Menu
from yiyang.meals.tests.factories import add_member, make_canteen, standard_rules
from yiyang.people.tests.factories import CertificationFactory, ElderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world: World) -> dict:
    standard_rules()
    a = make_canteen(world.areas.community_a1, name="东市长者食堂")
    b = make_canteen(world.areas.community_b1, name="机场新村助餐点")
    add_member(a, world.frank)
    today = timezone.localdate()
    Menu.objects.create(
        canteen=a, date=today, slot=MealSlot.LUNCH, dishes="红烧肉、青菜、米饭", price=Decimal("12.00")
    )
    return {"a": a, "b": b}


def test_one_subsidised_meal_per_slot_across_canteens(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_a2, age=82)
    CertificationFactory.create(elder=elder, category="dibao")
    first = actions.meal_record_create(
        canteen=setup["a"], elder=elder, slot=MealSlot.LUNCH, identified_by="id_number", actor=None
    )
    assert first.subsidised and first.subsidy == Decimal("7.00") and first.elder_paid == Decimal("5.00")
    # The same elder walks into the other canteen for the same lunch: refused with a clear message.
    with pytest.raises(actions.MealRefused) as refused:
        actions.meal_record_create(
            canteen=setup["b"], elder=elder, slot=MealSlot.LUNCH, identified_by="card", actor=None
        )
    assert "东市长者食堂" in refused.value.messages[0] and "不能重复补贴" in refused.value.messages[0]
    # ... but the meal can be sold at full price,
    second = actions.meal_record_create(
        canteen=setup["b"], elder=elder, slot=MealSlot.LUNCH, identified_by="card", actor=None, subsidy="none"
    )
    assert not second.subsidised and second.subsidy == 0 and second.elder_paid == second.price
    # and dinner the same day is a different slot.
    dinner = actions.meal_record_create(
        canteen=setup["b"], elder=elder, slot=MealSlot.DINNER, identified_by="card", actor=None
    )
    assert dinner.subsidised
    assert MealRecord.objects.filter(elder=elder, subsidised=True).count() == 2


def test_database_refuses_a_second_subsidised_row(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, age=70)
    day = timezone.localdate()
    common = {"elder": elder, "date": day, "slot": "lunch", "price": Decimal("10"), "identified_by": "card"}
    MealRecord.objects.create(
        canteen=setup["a"], subsidised=True, subsidy=Decimal("2"), elder_paid=Decimal("8"), **common
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MealRecord.objects.create(
            canteen=setup["b"], subsidised=True, subsidy=Decimal("2"), elder_paid=Decimal("8"), **common
        )


def test_counter_check_by_id_card_and_qr(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_b2, age=85)
    MealCard.objects.create(card_no="TZ0001", elder=elder)
    for identifier, how in [
        (elder.id_number, "id_number"),
        ("TZ0001", "card"),
        (actions.qr_token(elder), "qr"),
    ]:
        check = actions.counter_check(
            canteen=setup["a"], identifier=identifier, actor=world.frank, slot="lunch"
        )
        assert check.name == elder.name and check.identified_by == how
        assert check.id_number_masked == elder.id_number_masked and "*" in check.id_number_masked
        assert check.subsidy == Decimal("4.00") and check.elder_pays == Decimal("8.00")
    logged = AccessLog.objects.filter(subject_id=elder.pk, actor=world.frank)
    assert logged.count() == 3 and "助餐窗口核验" in logged.first().reason  # type: ignore[union-attr]
    # the token from the check carries the elder to the record
    record = actions.meal_record_create(
        canteen=setup["a"], elder=actions.counter_token_elder(check.token, setup["a"]), slot="lunch",
        identified_by="qr", actor=world.frank,
    )  # fmt: skip
    assert record.served_by == world.frank
    again = actions.counter_check(canteen=setup["a"], identifier="TZ0001", actor=world.frank, slot="lunch")
    assert (
        again.already is not None and "不能再补贴" in again.refusal and again.elder_pays == Decimal("12.00")
    )


def test_tampered_qr_token_is_refused(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    other = ElderFactory.create(area=world.areas.community_a1)
    token = actions.qr_token(elder)
    assert actions.qr_verify(token) == elder.pk
    prefix, _pk, signature = token.split(":")
    forged = f"{prefix}:{other.pk}:{signature}"
    with pytest.raises(ValidationError, match="篡改"):
        actions.qr_verify(forged)
    with pytest.raises(ValidationError):
        actions.counter_check(canteen=setup["a"], identifier=forged, actor=world.frank)
    with pytest.raises(ValidationError):
        actions.qr_verify(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_counter_token_is_bound_to_the_canteen(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    token = actions.counter_token(elder, setup["a"])
    with pytest.raises(ValidationError):
        actions.counter_token_elder(token, setup["b"])


def test_only_members_serve(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    with pytest.raises(PermissionDenied):
        actions.counter_check(canteen=setup["b"], identifier=elder.id_number, actor=world.frank)
    with pytest.raises(PermissionDenied):
        actions.meal_record_create(
            canteen=setup["b"], elder=elder, slot="lunch", identified_by="card", actor=world.frank
        )


def test_delivery_order_records_the_meal_and_is_delivered_once(world: World, setup: dict) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, age=90, address="金沙镇人民路8号")
    order = actions.delivery_order_create(canteen=setup["a"], elder=elder, slot="lunch", actor=world.frank)
    assert order.meal is not None and order.meal.subsidised and order.address == "金沙镇人民路8号"
    actions.delivery_order_deliver(order=order, deliverer="李师傅", actor=world.frank)
    again = actions.delivery_order_deliver(order=order, deliverer="王师傅", actor=world.frank)
    assert again.status == DeliveryStatus.DELIVERED and again.deliverer == "李师傅"
