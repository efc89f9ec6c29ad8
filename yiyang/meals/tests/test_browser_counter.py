"""The meal counter in a real browser: a subsidised meal is served once per slot, never twice.

A canteen's counter staff (a provider-staff account with a membership) types the elder's ID number;
the counter shows the masked ID, the menu price and the subsidy by the rules in force; the meal is
recorded. The same elder at the same slot is then refused the subsidy and can only buy at full price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.testing import PASSWORD, build_areas, make_user
from yiyang.core.testing_browser import Traffic, login, shot
from yiyang.meals.models import MealRecord, Menu
from yiyang.meals.tests.factories import add_member, make_canteen, standard_rules
from yiyang.people.tests.factories import ElderFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_subsidised_meal_once_per_slot(page: Any, live_server: Any, traffic: Traffic) -> None:
    areas = build_areas()
    canteen = make_canteen(areas.community_a1, name="东市社区长者食堂")
    other = make_canteen(areas.community_b1, name="机场新村助餐点")
    staff = make_user("canteen1", "provider_staff", last_name="陈", first_name="静")
    add_member(canteen, staff)
    standard_rules()
    today = timezone.localdate()
    Menu.objects.create(
        canteen=canteen, date=today, slot="lunch", dishes="红烧鸡块、青菜、米饭", price=Decimal("15.00")
    )
    elder: Any = ElderFactory(name="沈兰英", age=82, area=areas.community_b1)

    page.set_viewport_size({"width": 820, "height": 1180})  # the counter's tablet
    login(page, live_server, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/meals/counter/?slot=lunch")
    # Only the canteen this account works at is offered.
    options = page.locator("#canteen option").all_inner_texts()
    assert options == ["东市社区长者食堂"] and other.name not in options

    def check() -> Any:
        page.locator("#identifier").fill(elder.id_number)
        page.get_by_role("button", name="核验").click()
        card = page.locator("#counter-result .card")
        card.wait_for()
        return card

    card = check()
    text = card.inner_text()
    assert "沈兰英" in text and elder.id_number_masked in text and elder.id_number not in page.content()
    assert "红烧鸡块" in text and "15.00 元" in text and "4.00 元" in text and "11.00 元" in text
    page.get_by_role("button", name="确认就餐（收 11.00 元）").click()
    done = page.locator("#counter-result .alert-success")
    done.wait_for()
    assert "已记录：沈兰英" in done.inner_text() and "补贴 4.00 元" in done.inner_text()
    shot(page, "meals-counter-served")

    # The same elder again for lunch: the subsidy is refused, only a full-price sale is offered.
    card = check()
    assert "本餐次已补贴" in card.inner_text()
    refusal = page.locator("#counter-result .alert-danger")
    assert "已在「东市社区长者食堂」享受补贴" in refusal.inner_text()
    assert page.get_by_role("button", name="确认就餐", exact=False).count() == 0
    page.get_by_role("button", name="按原价售餐（15.00 元）").click()
    sold = page.locator("#counter-result .alert-success")
    sold.wait_for()
    assert "补贴 0.00 元" in sold.inner_text() and "个人支付 15.00 元" in sold.inner_text()
    shot(page, "meals-counter-refused")

    records = list(MealRecord.objects.filter(elder=elder, date=today, slot="lunch").order_by("served_at"))
    assert [(r.subsidised, r.subsidy, r.elder_paid) for r in records] == [
        (True, Decimal("4.00"), Decimal("11.00")),
        (False, Decimal("0.00"), Decimal("15.00")),
    ]
    # Dinner is another slot: subsidised again.
    page.locator("#slot").select_option("dinner")
    assert "本餐次已补贴" not in check().inner_text()

    assert traffic.foreign(live_server.url) == [], "pages must load nothing from another host"
    assert traffic.failures == []
    assert traffic.errors == []
