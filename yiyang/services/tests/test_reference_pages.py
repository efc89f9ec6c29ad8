"""Pages for the provider side of the catalogue: agreements, points, workers, staff, entitlements.

Each page is scoped (another street's record is a 404, another provider's a 404 for provider staff),
audited, and answers bad input with an error next to the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yiyang.core.models import AuditEntry, Membership
from yiyang.core.scoping import memberships
from yiyang.core.testing import AccessMatrix, World, next_number
from yiyang.services.models import (
    Entitlement,
    ServiceAgreement,
    ServicePoint,
    Worker,
)
from yiyang.services.tests import factories as f


def _errors(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _lines(rows: list[dict[str, Any]], *, total: int = 3, initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


# -- agreements ------------------------------------------------------------------------------------------


def _agreement_post(provider: Any, number: str, items: list[tuple[Any, str]], **head: Any) -> dict[str, Any]:
    data = {
        "provider": provider.pk,
        "number": number,
        "areas": [head.pop("area").pk],
        "valid_from": "2026-01-01",
        "valid_to": "",
        "note": "",
        **head,
    }
    data.update(_lines([{"item": i.pk, "price": price} for i, price in items]))
    return data


def test_agreement_create_edit_and_overlap(client: Client, world: World) -> None:
    bath = f.item("FW07", category="bath", unit="visit", price="60.00")
    meal = f.item("FW01", category="meal", unit="meal", price="12.00")
    p = f.provider(items=[f.item()], name="颐康服务中心")
    client.force_login(world.alice)
    assert client.get(reverse("services:serviceagreement_add") + f"?provider={p.pk}").status_code == 200
    url = reverse("services:serviceagreement_add")
    r = client.post(
        url, _agreement_post(p, "XY-2026-01", [(bath, "55.00"), (meal, "10.00")], area=world.areas.street_a)
    )
    assert r.status_code == 302 and r["Location"] == reverse("services:provider_detail", args=[p.pk])
    a = ServiceAgreement.objects.get(number="XY-2026-01")
    assert {(i.item.code, i.price) for i in a.items.all()} == {
        ("FW07", Decimal("55.00")),
        ("FW01", Decimal("10.00")),
    }
    assert list(a.areas.all()) == [world.areas.street_a]
    entry = AuditEntry.objects.get(verb="serviceagreement.create", object_id=str(a.pk))
    assert entry.after is not None
    assert entry.after["items"] == {"FW07": "55.00", "FW01": "10.00"} and entry.after["areas"] == [
        "320612001"
    ]

    # The same provider pricing the bath again over overlapping dates: refused next to the item.
    again = _errors(
        client.post(url, _agreement_post(p, "XY-2026-02", [(bath, "58.00")], area=world.areas.street_b))
    )
    assert "已在协议 XY-2026-01 中定价，有效期重叠" in again
    assert not ServiceAgreement.objects.filter(number="XY-2026-02").exists()
    # Dates the wrong way round, a negative price, and no items at all.
    bad = _errors(
        client.post(
            url,
            _agreement_post(
                p,
                "XY-2026-03",
                [(bath, "-1")],
                area=world.areas.street_b,
                valid_from="2027-01-01",
                valid_to="2026-01-01",
            ),
        )
    )
    assert "结束日期不能早于开始日期" in bad and "确保该值大于或等于0" in bad
    empty = _errors(client.post(url, _agreement_post(p, "XY-2026-04", [], area=world.areas.street_b)))
    assert "协议至少包含一个服务项目" in empty

    # Edit: drop the meal, change the bath price; the audit row shows exactly that.
    edit = reverse("services:serviceagreement_edit", args=[a.pk])
    page = client.get(edit).content.decode()
    assert 'value="55.00"' in page
    data = _agreement_post(p, "XY-2026-01", [(bath, "56.00"), (meal, "10.00")], area=world.areas.street_a)
    data.update({"lines-INITIAL_FORMS": "2", "lines-1-DELETE": "on"})
    assert client.post(edit, data).status_code == 302
    assert {(i.item.code, i.price) for i in a.items.all()} == {("FW07", Decimal("56.00"))}
    update = AuditEntry.objects.get(verb="serviceagreement.update", object_id=str(a.pk))
    assert update.before is not None and update.after is not None
    assert update.before["items"] == {"FW07": "55.00", "FW01": "10.00"} and update.after["items"] == {
        "FW07": "56.00"
    }
    listing = client.get(reverse("services:serviceagreement_list")).content.decode()
    assert "XY-2026-01" in listing and "56.00" in listing


def test_agreements_of_another_provider_are_hidden_from_provider_staff(client: Client, world: World) -> None:
    mine, theirs = f.provider(items=[f.item()]), f.provider(items=[f.item()])
    staff = f.staff(mine)
    client.force_login(staff)
    listing = client.get(reverse("services:serviceagreement_list")).content.decode()
    assert mine.agreements.get().number in listing and theirs.agreements.get().number not in listing
    assert client.get(reverse("services:provider_detail", args=[theirs.pk])).status_code == 404
    # Agreements are the district's business: provider staff may not edit even their own.
    assert (
        client.get(reverse("services:serviceagreement_edit", args=[mine.agreements.get().pk])).status_code
        == 403
    )
    client.force_login(world.bob)
    assert client.get(reverse("services:serviceagreement_add")).status_code == 403


# -- service points --------------------------------------------------------------------------------------


def _point(area: Any, provider: Any = None, name: str = "") -> ServicePoint:
    return ServicePoint.objects.create(
        provider=provider, name=name or f"服务站{next_number()}", kind="station",
        latitude=32.06, longitude=121.07, area=area,
    )  # fmt: skip


def test_service_point_pages(client: Client, world: World) -> None:
    p = f.provider(items=[f.item()])
    client.force_login(world.alice)
    url = reverse("services:servicepoint_add")
    data = {
        "name": "东市社区居家养老服务站", "kind": "station", "provider": p.pk, "area": world.areas.community_a1.pk,
        "address": "东市路 1 号", "latitude": "121.07", "longitude": "32.06", "is_active": "on",
    }  # fmt: skip
    assert "纬度和经度可能填反了" in _errors(client.post(url, data))
    assert "经度应在 73–136 之间" in _errors(
        client.post(url, {**data, "latitude": "32.06", "longitude": "12.07"})
    )
    # A community outside the editor's areas is not even offered.
    assert "选择一个有效的选项" in _errors(
        client.post(
            url, {**data, "latitude": "32.06", "longitude": "121.07", "area": world.areas.other_community.pk}
        )
    )
    r = client.post(url, {**data, "latitude": "32.06", "longitude": "121.07"})
    assert r.status_code == 302
    point = ServicePoint.objects.get(name="东市社区居家养老服务站")
    assert point.area_path == world.areas.community_a1.path
    assert AuditEntry.objects.filter(verb="servicepoint.create", object_id=str(point.pk)).exists()
    assert (
        "东市社区居家养老服务站"
        in client.get(reverse("services:provider_detail", args=[p.pk])).content.decode()
    )

    # Office staff see the points of their own areas; another street's (or district's) is a 404.
    b_point = _point(world.areas.community_b1, name="机场新村服务站")
    far = _point(world.areas.other_community, name="德民服务站")
    client.force_login(world.bob)
    listing = client.get(reverse("services:servicepoint_list")).content.decode()
    assert "东市社区居家养老服务站" in listing and "机场新村服务站" not in listing
    client.force_login(world.alice)
    assert client.get(reverse("services:servicepoint_edit", args=[b_point.pk])).status_code == 200
    assert client.get(reverse("services:servicepoint_edit", args=[far.pk])).status_code == 404
    assert client.get(reverse("services:servicepoint_list")).content.decode().count("德民服务站") == 0


# -- workers and qualifications ----------------------------------------------------------------------------


def _worker_post(provider: Any, name: str, quals: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data = {
        "provider": provider.pk, "name": name, "user": "", "phone": "", "base_latitude": "32.066",
        "base_longitude": "121.073", "capacity_per_day": "6", "is_active": "on", **extra,
    }  # fmt: skip
    data.update(_lines(quals, total=max(2, len(quals))))
    return data


def test_provider_staff_keep_their_own_workers(client: Client, world: World) -> None:
    mine, theirs = f.provider(items=[f.item()]), f.provider(items=[f.item()])
    staff = f.staff(mine, "li_staff")
    login = f.staff(mine, "wang_phone")
    other = f.worker(theirs, name="别家助老员")
    client.force_login(staff)
    url = reverse("services:worker_add")
    quals = [{"category": "cleaning", "certificate": "养老护理员四级 No.320612001", "valid_to": "2028-06-30"}]
    bad = _errors(client.post(url, _worker_post(mine, "王桂兰", quals, phone="1234")))
    assert "电话号码格式不正确" in bad
    # Another provider is not a choice; a login that is not our member neither.
    assert "选择一个有效的选项" in _errors(client.post(url, _worker_post(theirs, "王桂兰", quals)))
    dup = _errors(client.post(url, _worker_post(mine, "王桂兰", [*quals, {"category": "cleaning"}])))
    assert "同一服务类别只需登记一次" in dup
    r = client.post(url, _worker_post(mine, "王桂兰", quals, phone="139 1234 5678", user=login.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    w = Worker.objects.get(name="王桂兰")
    assert w.provider == mine and w.user == login and w.phone_masked == "139****5678"
    assert "13912345678" not in w.phone_enc
    assert [(q.category, q.certificate, q.valid_to) for q in w.qualifications.all()] == [
        ("cleaning", "养老护理员四级 No.320612001", datetime.date(2028, 6, 30))
    ]
    entry = AuditEntry.objects.get(verb="worker.create", object_id=str(w.pk))
    assert entry.after is not None
    assert "13912345678" not in str(entry.after) and entry.after["phone_masked"] == "139****5678"

    # Edit keeps the phone when left blank and replaces the qualifications.
    edit = reverse("services:worker_edit", args=[w.pk])
    assert "已登记 139****5678" in client.get(edit).content.decode()
    data = _worker_post(
        mine, "王桂兰", [{"category": "bath", "certificate": "", "valid_to": ""}], user=login.pk
    )
    assert client.post(edit, data).status_code == 302
    w.refresh_from_db()
    assert w.phone_masked == "139****5678" and [q.category for q in w.qualifications.all()] == ["bath"]

    # Another provider's worker: not listed, and its edit page is a 404.
    listing = client.get(reverse("services:worker_list")).content.decode()
    assert "王桂兰" in listing and "别家助老员" not in listing
    assert client.get(reverse("services:worker_edit", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("services:worker_edit", args=[other.pk]), _worker_post(mine, "x", [])).status_code
        == 404
    )
    # The office sees every provider's workers but may not edit them (providers keep their own).
    client.force_login(world.bob)
    assert "别家助老员" in client.get(reverse("services:worker_list")).content.decode()
    assert client.get(reverse("services:worker_edit", args=[other.pk])).status_code == 403


# -- provider staff accounts ---------------------------------------------------------------------------------


def test_provider_members(client: Client, world: World) -> None:
    p = f.provider(items=[f.item()])
    url = reverse("services:provider_member_add", args=[p.pk])
    client.force_login(world.bob)
    assert client.post(url, {"user": world.frank.pk}).status_code == 403
    client.force_login(world.alice)
    assert "只能添加角色为“服务商人员”的有效账号" in _errors(client.post(url, {"user": world.bob.pk}))
    assert client.post(url, {"user": world.frank.pk}).status_code == 302
    membership = memberships(p).get(user=world.frank)
    assert "已是" in _errors(client.post(url, {"user": world.frank.pk}))
    assert AuditEntry.objects.filter(verb="membership.create").exists()

    # Frank now sees this provider (and only it) and its orders.
    client.force_login(world.frank)
    assert client.get(reverse("services:provider_detail", args=[p.pk])).status_code == 200
    order = f.order(world.erin)
    from yiyang.services.actions.work_orders import work_order_dispatch

    work_order_dispatch(order=order, provider=p, actor=world.erin)
    assert client.get(reverse("services:workorder_detail", args=[order.pk])).status_code == 200

    client.force_login(world.alice)
    remove = reverse("services:provider_member_remove", args=[p.pk, membership.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(world.frank)
    assert client.get(reverse("services:workorder_detail", args=[order.pk])).status_code == 404


# -- entitlements ---------------------------------------------------------------------------------------------


def make_entitlement(world: World, area: Any) -> Entitlement:
    return Entitlement.objects.create(
        elder=f.elder(area), programme=f"政府购买服务{next_number()}", unit="hours",
        monthly_quota=Decimal("10"), valid_from=datetime.date(2026, 1, 1),
    )  # fmt: skip


ENTITLEMENTS = AccessMatrix.standard(
    Entitlement,
    make_entitlement,
    list_url="services:entitlement_list",
    edit_url="services:entitlement_edit",
    marker=lambda e: e.programme,
)


@pytest.mark.parametrize(("who", "endpoint"), ENTITLEMENTS.cases())
def test_entitlement_access(client: Client, world: World, who: str, endpoint: str) -> None:
    ENTITLEMENTS.check(client, world, who, endpoint)


def test_entitlement_create_through_the_action(client: Client, world: World) -> None:
    e = f.elder(world.areas.community_a1)
    client.force_login(world.bob)
    url = reverse("services:entitlement_add") + f"?elder={e.pk}"
    page = client.get(url).content.decode()
    assert e.name in page
    data = {
        "programme": "政府购买居家养老服务", "unit": "hours", "monthly_quota": "20", "copay_rate": "0.1",
        "valid_from": "2026-01-01", "valid_to": "2026-12-31",
    }  # fmt: skip
    assert "自付比例应在 0 到 1 之间" in _errors(client.post(url, {**data, "copay_rate": "1.5"}))
    assert "每月额度不能为负数" in _errors(client.post(url, {**data, "monthly_quota": "-2"}))
    assert "结束日期不能早于开始日期" in _errors(client.post(url, {**data, "valid_to": "2025-12-31"}))
    assert client.post(url, data).status_code == 302
    ent = Entitlement.objects.get(elder=e)
    assert ent.copay_rate == Decimal("0.1")
    assert AuditEntry.objects.filter(verb="entitlement.create", object_id=str(ent.pk)).exists()
    overlap = _errors(client.post(url, {**data, "valid_from": "2026-06-01", "valid_to": ""}))
    assert "与已有服务额度的有效期重叠" in overlap
    assert Entitlement.objects.filter(elder=e).count() == 1
    # Next year's is fine.
    assert client.post(url, {**data, "valid_from": "2027-01-01", "valid_to": ""}).status_code == 302
    # Another street's elder: 404, on the add page and on the edit page.
    other = f.elder(world.areas.community_b1)
    assert client.get(reverse("services:entitlement_add") + f"?elder={other.pk}").status_code == 404
    client.force_login(world.carol)
    assert client.get(reverse("services:entitlement_edit", args=[ent.pk])).status_code == 404
    # The elder's page offers the button.
    client.force_login(world.bob)
    assert (
        reverse("services:entitlement_add")
        in client.get(reverse("people:elder_detail", args=[e.pk])).content.decode()
    )
