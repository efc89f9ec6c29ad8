"""Who sees what: canteen operators are scoped to their canteens; pages and the counter API work."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import World, make_user, xlsx_rows
from yiyang.meals import actions
from yiyang.meals.models import MealRecord
from yiyang.meals.tests.factories import add_member, make_canteen, standard_rules
from yiyang.people.tests.factories import ElderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world: World) -> dict:
    standard_rules()
    a = make_canteen(world.areas.community_a1, name="东市长者食堂")
    b = make_canteen(world.areas.community_a1, name="东市第二助餐点")
    add_member(a, world.frank)
    elder = ElderFactory.create(area=world.areas.community_a2, age=81)
    rec_a = actions.meal_record_create(canteen=a, elder=elder, slot="lunch", identified_by="card", actor=None)
    rec_b = actions.meal_record_create(
        canteen=b, elder=elder, slot="dinner", identified_by="card", actor=None
    )
    order_b = actions.delivery_order_create(canteen=b, elder=elder, slot="breakfast", actor=None)
    return {"a": a, "b": b, "rec_a": rec_a, "rec_b": rec_b, "order_b": order_b, "elder": elder}


def test_operator_of_canteen_a_cannot_see_canteen_b(client: Client, world: World, two: dict) -> None:
    client.force_login(world.frank)
    assert client.get(reverse("meals:canteen_detail", args=[two["a"].pk])).status_code == 200
    assert client.get(reverse("meals:canteen_detail", args=[two["b"].pk])).status_code == 404
    assert client.get(reverse("mealrecord-detail", args=[two["rec_a"].pk])).status_code == 200
    assert client.get(reverse("mealrecord-detail", args=[two["rec_b"].pk])).status_code == 404
    assert client.get(reverse("deliveryorder-detail", args=[two["order_b"].pk])).status_code == 404
    response = client.post(
        reverse("meals:deliveryorder_deliver", args=[two["order_b"].pk]), {"deliverer": "x"}
    )
    assert response.status_code == 404
    page = client.get(reverse("meals:mealrecord_list")).content.decode()
    assert "东市长者食堂" in page and "东市第二助餐点" not in page
    ids = {r["id"] for r in client.get(reverse("mealrecord-list")).json()["results"]}
    assert ids == {two["rec_a"].pk}
    # the counter API refuses the other canteen as if it did not exist
    url = reverse("canteen-check", args=[two["b"].pk])
    assert client.post(url, {"identifier": "x"}, content_type="application/json").status_code == 404
    # reconciliation only covers canteen A
    rows = xlsx_rows(client.get(reverse("meals:reconciliation"), {"export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["东市长者食堂", "合计"]
    # and the registry stays closed to the canteen operator
    assert client.get(reverse("people:elder_detail", args=[two["elder"].pk])).status_code in (403, 404)


def test_street_workers_see_their_street_only(client: Client, world: World, two: dict) -> None:
    client.force_login(world.carol)  # street B: canteens are in street A
    assert client.get(reverse("meals:canteen_detail", args=[two["a"].pk])).status_code == 404
    client.force_login(world.bob)
    assert client.get(reverse("meals:canteen_detail", args=[two["a"].pk])).status_code == 200
    rows = xlsx_rows(client.get(reverse("meals:reconciliation"), {"export": "xlsx"}))
    total = rows[-1]
    assert total[0] == "合计" and total[2] == 3  # three meals, one delivered by order
    assert Decimal(str(total[4])) == sum(r.subsidy for r in MealRecord.objects.all())


def test_counter_page_and_api_walk(client: Client, world: World, two: dict) -> None:
    client.force_login(world.frank)
    elder = ElderFactory.create(area=world.areas.community_b1, age=70)
    assert client.get(reverse("meals:counter")).status_code == 200
    page = client.post(
        reverse("meals:counter"), {"canteen": two["a"].pk, "slot": "lunch", "identifier": elder.id_number}
    )
    html = page.content.decode()
    assert elder.name in html and elder.id_number_masked in html and elder.id_number not in html
    check = client.post(
        reverse("canteen-check", args=[two["a"].pk]),
        json.dumps({"identifier": actions.qr_token(elder), "slot": "lunch"}),
        content_type="application/json",
    ).json()
    assert check["subsidy"] == "2.00" and check["already_subsidised"] is False
    serve_url = reverse("canteen-serve", args=[two["a"].pk])
    body = {"token": check["token"], "slot": "lunch", "identified_by": "qr"}
    first = client.post(serve_url, json.dumps(body), content_type="application/json")
    assert first.status_code == 201 and first.json()["subsidised"] is True
    second = client.post(serve_url, json.dumps(body), content_type="application/json")
    assert second.status_code == 409 and "不能重复补贴" in second.json()["detail"]
    # the page's refusal, then the full-price sale
    html = client.post(reverse("meals:counter"), {"canteen": two["a"].pk, "slot": "lunch", "op": "serve",
                                                  "token": check["token"]}).content.decode()  # fmt: skip
    assert "不能重复补贴" in html
    html = client.post(reverse("meals:counter"), {"canteen": two["a"].pk, "slot": "lunch", "op": "sell_full",
                                                  "token": check["token"]}).content.decode()  # fmt: skip
    assert "已记录" in html
    assert MealRecord.objects.filter(elder=elder, date=timezone.localdate(), slot="lunch").count() == 2


def test_qr_page_for_registry_users(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    client.force_login(world.dave)
    html = client.get(reverse("meals:elder_qr", args=[elder.pk])).content.decode()
    assert "<svg" in html and elder.id_number not in html
    client.force_login(world.carol)
    assert client.get(reverse("meals:elder_qr", args=[elder.pk])).status_code == 404


@pytest.mark.parametrize("name", ["meals:canteen_list", "meals:mealrecord_list", "meals:deliveryorder_list",
                                  "meals:reconciliation", "meals:subsidyrule_list"])  # fmt: skip
def test_pages_render(client: Client, world: World, two: dict, name: str) -> None:
    client.force_login(world.alice)
    assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse(name), {"mode": "day"}).status_code == 200


def test_unrelated_provider_sees_nothing(client: Client, world: World, two: dict) -> None:
    other = make_user("henry", "provider_staff")
    client.force_login(other)
    assert client.get(reverse("meals:canteen_detail", args=[two["a"].pk])).status_code == 404
    assert client.get(reverse("mealrecord-list")).json()["count"] == 0
