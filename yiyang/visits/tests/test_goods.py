"""Goods received, allocated per street and delivered; cash condolences paid by the bank file."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from yiyang.benefits.models import ElderBankAccount
from yiyang.core.models import AccessLog
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory
from yiyang.visits import campaigns, goods
from yiyang.visits.models import CampaignGoods, GoodsAllocation
from yiyang.visits.tests.factories import make_campaign, make_contributor

pytestmark = pytest.mark.django_db


def test_goods_never_leave_more_than_came_in(world: World) -> None:
    campaign = make_campaign(world.areas.district)
    rice = goods.goods_receive(campaign=campaign, name="米油礼包", unit="份", quantity=100, actor=world.alice)
    goods.goods_receive(campaign=campaign, name="米油礼包", unit="份", quantity="20", actor=world.alice)
    rice.refresh_from_db()
    assert rice.received == 120 and CampaignGoods.objects.count() == 1
    a = goods.goods_allocate(goods=rice, area=world.areas.street_a, quantity=70, actor=world.alice)
    goods.goods_allocate(goods=rice, area=world.areas.street_b, quantity=50, actor=world.alice)
    with pytest.raises(ValidationError) as caught:  # 120 in, 120 given: not one more
        goods.goods_allocate(goods=rice, area=world.areas.street_b, quantity=1, actor=world.alice)
    assert "超出库存" in str(caught.value)
    goods.goods_deliver(allocation=a, quantity=60, actor=world.bob)
    with pytest.raises(ValidationError):
        goods.goods_deliver(allocation=a, quantity=11, actor=world.bob)
    a.refresh_from_db()
    assert (a.allocated, a.delivered, a.remaining) == (70, 60, 10)
    with pytest.raises(PermissionDenied):  # street B delivers nothing of street A's
        goods.goods_deliver(allocation=a, quantity=1, actor=world.carol)
    with pytest.raises(PermissionDenied):  # a street does not allocate
        goods.goods_allocate(goods=rice, area=world.areas.street_a, quantity=1, actor=world.bob)


@pytest.mark.parametrize("quantity", ["", "abc", "0", "-3", None, "2.5"])
def test_bad_quantities_are_refused(world: World, quantity: object) -> None:
    campaign = make_campaign(world.areas.district)
    with pytest.raises(ValidationError):
        goods.goods_receive(campaign=campaign, name="礼包", unit="份", quantity=quantity, actor=world.alice)
    assert not CampaignGoods.objects.exists()


def test_goods_page_receives_allocates_and_delivers(client: Client, world: World) -> None:
    campaign = make_campaign(world.areas.district)
    url = reverse("visits:campaign_goods", args=[campaign.pk])
    client.force_login(world.alice)
    client.post(url, {"op": "receive", "name": "慰问礼包", "unit": "份", "quantity": "10"})
    rice = CampaignGoods.objects.get()
    client.post(url, {"op": "allocate", "goods": rice.pk, "area": world.areas.street_a.pk, "quantity": "8"})
    page = client.post(url, {"op": "allocate", "goods": rice.pk, "area": world.areas.street_b.pk, "quantity": "3"},
                       follow=True)  # fmt: skip
    assert "超出库存" in page.content.decode()
    client.force_login(world.bob)
    allocation = GoodsAllocation.objects.get()
    client.post(url, {"op": "deliver", "allocation": allocation.pk, "quantity": "5"})
    allocation.refresh_from_db()
    assert (allocation.allocated, allocation.delivered) == (8, 5)
    page = client.get(url)
    assert page.status_code == 200 and "金沙街道" in page.content.decode()
    client.force_login(world.carol)  # street B sees the store, not street A's allocation
    assert "金沙街道" not in client.get(url).content.decode().split("物资入库")[0].split("慰问礼包", 1)[1]


def test_cash_is_paid_by_the_bank_file(client: Client, world: World) -> None:
    campaign = make_campaign(world.areas.district, name='=HYPERLINK("http://x")重阳慰问')
    union, charity = make_contributor(), make_contributor()
    paid = ElderFactory.create(area=world.areas.community_a1)
    account = ElderBankAccount(elder=paid, bank_name="农商银行", holder_name=paid.name)
    account.set_account("6228480012345678901")
    account.save()
    unbanked = ElderFactory.create(area=world.areas.community_b1)
    for elder, contributor, kind, amount in [(paid, union, "money", "200"), (paid, charity, "money", "100"),
                                             (paid, charity, "goods", "80"), (unbanked, union, "money", "200")]:  # fmt: skip
        campaigns.contribution_add(campaign=campaign, contributor=contributor, elder=elder, kind=kind,
                                   description="慰问", amount=Decimal(amount), actor=None,
                                   override_reason="双方确认" if elder == paid else "")  # fmt: skip
    url = reverse("visits:campaign_bank_file", args=[campaign.pk])
    client.force_login(world.alice)
    assert client.get(url).status_code == 302  # before the duplicate check is done: refused
    from yiyang.visits.models import Contribution

    for c in Contribution.objects.filter(campaign=campaign, elder=paid):
        campaigns.contribution_resolve(contribution=c, keep=True, note="", actor=world.alice)
    campaigns.campaign_open_purchase(campaign=campaign, actor=world.alice)
    response = client.get(url)
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)]
    by_name = {r["姓名"].value: r for r in rows}
    row = by_name[paid.name]
    assert row["身份证号"].value == paid.id_number  # in full: the bank needs it
    assert row["账号"].value == "6228480012345678901"
    assert (
        row["金额（元）"].value == 300 and row["金额（元）"].number_format == "0.00"
    )  # goods are not paid in cash
    assert row["项目"].value.startswith("=") and row["项目"].quotePrefix  # neutralised, not a formula
    assert "无代发账户" in by_name[unbanked.name]["备注"].value
    log = AccessLog.objects.get(object_type="visits.campaign", kind="export")
    assert log.fields == ["身份证号", "账号"]
    client.force_login(world.bob)
    assert client.get(url).status_code == 403  # a street does not print full ID numbers
