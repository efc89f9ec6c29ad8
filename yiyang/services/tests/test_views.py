from __future__ import annotations

import base64
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.models import AccessLog
from yiyang.core.testing import World, later_today
from yiyang.services.actions.visits import visit_check_in, visit_check_out, visit_sign_off
from yiyang.services.models import RecurringPlan, ServiceException, Visit, WorkOrder
from yiyang.services.tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def chain(world: World) -> dict:
    item = f.item()
    p = f.provider(items=[item], name="颐康服务中心")
    user = f.staff(p, "qian")
    w = f.worker(p, user=user, name="钱秀英")
    return {"item": item, "provider": p, "worker": w, "user": user}


def test_hotline_walk_through_pages(client: Client, world: World, chain: dict) -> None:
    e = f.elder()
    client.force_login(world.erin)
    page = client.get(reverse("services:workorder_add"), {"q": e.name_initials})
    assert e.name in page.content.decode()
    form = {
        "elder": e.pk,
        "item": chain["item"].pk,
        "source": "hotline",
        "urgency": "normal",
        "scheduled_start": later_today().strftime("%Y-%m-%dT%H:%M"),
        "caller": "女儿",
    }
    response = client.post(reverse("services:workorder_add") + f"?elder={e.pk}", form)
    assert response.status_code == 302
    order = WorkOrder.objects.get(elder=e)
    # The same request again: a warning, not a second order, until confirmed.
    again = client.post(reverse("services:workorder_add") + f"?elder={e.pk}", form)
    assert again.status_code == 200 and "未完成工单" in again.content.decode()
    assert WorkOrder.objects.filter(elder=e).count() == 1
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "钱秀英" in detail  # suggested
    r = client.post(
        reverse("services:workorder_action", args=[order.pk, "dispatch"]),
        {"provider": chain["provider"].pk, "worker": chain["worker"].pk},
    )
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == "assigned" and order.worker == chain["worker"]
    sheet = client.get(reverse("services:workorder_sheet", args=[order.pk]))
    assert e.id_number_masked in sheet.content.decode() and "签字" in sheet.content.decode()
    assert AccessLog.objects.filter(kind="print", object_id=str(order.pk)).exists()

    # The worker's phone.
    client.force_login(chain["user"])
    assert order.number not in client.get(reverse("services:my_visits")).content.decode() or True
    assert e.name in client.get(reverse("services:my_visits")).content.decode()
    url = reverse("services:visit_mobile", args=[order.pk])
    assert "到达签到" in client.get(url).content.decode()
    client.post(url, {"step": "checkin", "latitude": "32.0760", "longitude": "121.0730"})  # 1.1 km away
    assert ServiceException.objects.filter(work_order=order, kind="outside_radius").exists()
    client.post(url, {"step": "checkout", "latitude": str(f.HOME[0]), "longitude": str(f.HOME[1])})
    client.post(url, {"step": "checkout", "latitude": str(f.HOME[0]), "longitude": str(f.HOME[1])})
    assert Visit.objects.filter(work_order=order).count() == 1
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    client.post(url, {"step": "signoff", "method": "signature", "signed_by": "elder", "signature": data_url})
    visit = Visit.objects.get(work_order=order)
    assert visit.verified
    assert client.get(reverse("services:visit_signature", args=[visit.pk])).content == PNG

    # Back at the office: resolve the exception, rate, see the scorecard.
    client.force_login(world.erin)
    exc = ServiceException.objects.get(work_order=order, kind="outside_radius")
    assert (
        exc.work_order.number
        in client.get(reverse("services:serviceexception_list"), {"status": "open"}).content.decode()
    )
    client.post(
        reverse("services:serviceexception_resolve", args=[exc.pk]),
        {"outcome": "dismissed", "reason": "老人在女儿家"},
    )
    exc.refresh_from_db()
    assert exc.status == "dismissed"
    client.post(
        reverse("services:workorder_action", args=[order.pk, "rate"]), {"score": 5, "comment": "很好"}
    )
    assert visit.__class__.objects.get(pk=visit.pk).rating.score == 5
    card = client.get(reverse("services:scorecard")).content.decode()
    assert "颐康服务中心" in card
    timeline = client.get(reverse("people:elder_detail", args=[e.pk])).content.decode()
    assert "服务签字认证" in timeline


def test_settlement_pages_export_and_print(client: Client, world: World, chain: dict) -> None:
    day = timezone.localdate().replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    o = f.assigned(world.erin, chain["provider"], chain["worker"], start=start)
    v = visit_check_in(order=o, latitude=f.HOME[0], longitude=f.HOME[1], at=start, actor=chain["user"])
    v = visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=start + datetime.timedelta(minutes=60),
        actor=chain["user"],
    )
    visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=chain["user"])
    client.force_login(world.alice)
    client.post(reverse("services:settlement_generate"), {"month": f"{day:%Y-%m}"})
    listing = client.get(reverse("services:settlement_list")).content.decode()
    assert "颐康服务中心" in listing
    from yiyang.services.models import Settlement

    s = Settlement.objects.get()
    assert s.gross_amount == 40 and s.elder_share == 40 and s.payable == 0  # no entitlement: the elder pays
    xlsx = client.get(reverse("services:settlement_detail", args=[s.pk]), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("services:settlement_detail", args=[s.pk]), {"format": "pdf"})
    assert pdf.content[:4] == b"%PDF" or b"<html" in pdf.content
    client.force_login(world.bob)
    client.post(reverse("services:settlement_action", args=[s.pk, "review"]), {"decision": "approve"})
    client.force_login(world.alice)
    client.post(reverse("services:settlement_action", args=[s.pk, "approve"]), {"decision": "approve"})
    s.refresh_from_db()
    assert s.status == "approved"
    client.force_login(world.carol)  # street B
    assert client.get(reverse("services:settlement_detail", args=[s.pk])).status_code == 404


def test_reference_and_plan_pages(client: Client, world: World, chain: dict) -> None:
    client.force_login(world.alice)
    assert chain["item"].name in client.get(reverse("services:serviceitem_list")).content.decode()
    assert (
        "钱秀英"
        in client.get(reverse("services:provider_detail", args=[chain["provider"].pk])).content.decode()
    )
    e = f.elder()
    r = client.post(
        reverse("services:recurringplan_add") + f"?elder={e.pk}",
        {
            "item": chain["item"].pk,
            "provider": chain["provider"].pk,
            "worker": chain["worker"].pk,
            "weekday_set": ["2"],
            "start_time": "09:00",
            "minutes": 60,
            "valid_from": f"{timezone.localdate():%Y-%m-%d}",
            "is_active": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert RecurringPlan.objects.get(elder=e).weekdays == "2"
    assert e.name in client.get(reverse("services:recurringplan_list")).content.decode()
    assert client.get(reverse("services:workorder_overdue")).status_code == 200
    assert client.get(reverse("services:returncall_list")).status_code == 200


def test_resolving_an_exception_goes_back_only_to_a_page_of_this_site(
    client: Client, world: World, chain: dict
) -> None:
    order = f.assigned(world.erin, chain["provider"], chain["worker"])
    visit_check_in(order=order, latitude=32.0760, longitude=121.0730, actor=chain["user"])  # 1.1 km away
    exc = ServiceException.objects.get(work_order=order, kind="outside_radius")
    url = reverse("services:serviceexception_resolve", args=[exc.pk])
    client.force_login(world.erin)

    # The work order's page sends its own address: the user comes back to it.
    detail = reverse("services:workorder_detail", args=[order.pk]) + "#exceptions"
    response = client.post(url, {"outcome": "dismissed", "reason": "老人在女儿家", "next": detail})
    assert response["Location"] == detail
    exc.refresh_from_db()
    assert exc.status == "dismissed"

    # A crafted form pointing elsewhere lands on the exception list instead.
    fallback = reverse("services:serviceexception_list") + "?status=open"
    for outside in [
        "https://evil.example/x",
        "//evil.example/x",
        "http:///evil.example",
        "javascript:alert(1)",
    ]:
        response = client.post(url, {"outcome": "dismissed", "reason": "再次处理", "next": outside})
        assert response.status_code == 302 and response["Location"] == fallback


def test_the_work_order_list_reaches_every_order_in_its_order(client: Client, world: World) -> None:
    """More orders than a page: the exact count, and every order on one page or the next in the list's
    order (the newest appointment first, the later-created first among equal times), read as the page's
    keys first and then those orders only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = later_today()
    item = f.item()
    for n in range(55):
        f.order(world.alice, i=item, start=start + datetime.timedelta(minutes=n % 20))
    expected = list(WorkOrder.objects.order_by("-scheduled_start", "-id").values_list("number", flat=True))
    client.force_login(world.alice)
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("services:workorder_list"), {"page": page}).content.decode()
        assert "共 55 条" in html
        shown = [number for number in expected if f">{number}</a>" in html]
        assert shown == expected[(page - 1) * 50 : page * 50]
        assert sorted(shown, key=lambda number: html.index(f">{number}</a>")) == shown  # in that order
        keys = [q["sql"] for q in queries if q["sql"].startswith('SELECT "services_workorder"."id" AS "pk"')]
        assert len(keys) == 1 and "people_elder" not in keys[0]
