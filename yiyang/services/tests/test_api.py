from __future__ import annotations

import base64
import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import World
from yiyang.services.models import ServiceException, Visit, WorkOrder
from yiyang.services.tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _post(client: Client, url: str, data: dict | None = None) -> dict:
    r = client.post(url, data or {}, content_type="application/json")
    assert r.status_code in (200, 201), (url, r.status_code, r.content[:500])
    return r.json()


def test_provider_app_receives_orders_and_reports_visits(client: Client, world: World) -> None:
    item = f.item()
    p = f.provider(items=[item])
    user = f.staff(p)
    w = f.worker(p, user=user)
    e = f.elder()
    client.force_login(world.erin)
    start = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    body = _post(
        client, reverse("workorder-list"), {"elder": e.pk, "item": item.pk, "scheduled_start": start}
    )
    pk = body["id"]
    dup = client.post(
        reverse("workorder-list"),
        {"elder": e.pk, "item": item.pk, "scheduled_start": start},
        content_type="application/json",
    )
    assert dup.status_code == 400 and "confirm_duplicate" in dup.json()
    suggestions = client.get(reverse("workorder-suggest", args=[pk])).json()["suggestions"]
    assert suggestions[0]["worker_id"] == w.pk
    _post(client, reverse("workorder-dispatch-order", args=[pk]), {"provider": p.pk})

    client.force_login(user)
    listed = client.get(reverse("workorder-list"), {"status": "dispatched"}).json()["results"]
    assert [r["id"] for r in listed] == [pk] and listed[0]["elder_id_number_masked"] == e.id_number_masked
    _post(client, reverse("workorder-accept", args=[pk]))
    _post(client, reverse("workorder-assign", args=[pk]), {"worker": w.pk})
    visit = _post(client, reverse("workorder-check-in", args=[pk]), {"latitude": 32.08, "longitude": 121.073})
    assert visit["checkin_distance"] > 300
    assert ServiceException.objects.filter(work_order_id=pk, kind="outside_radius").exists()
    out1 = _post(
        client, reverse("workorder-check-out", args=[pk]), {"latitude": f.HOME[0], "longitude": f.HOME[1]}
    )
    out2 = _post(client, reverse("workorder-check-out", args=[pk]), {"latitude": 0, "longitude": 0})
    assert out1["id"] == out2["id"] and out1["checkout_at"] == out2["checkout_at"]
    assert Visit.objects.filter(work_order_id=pk).count() == 1
    signed = _post(
        client,
        reverse("workorder-sign-off", args=[pk]),
        {"method": "signature", "signature_png": base64.b64encode(PNG).decode()},
    )
    assert signed["verified"] and signed["has_signature"]
    assert WorkOrder.objects.get(pk=pk).status == "verified"
    exceptions = client.get(reverse("serviceexception-list")).json()["results"]
    assert {x["kind"] for x in exceptions} >= {"outside_radius"}
    # Provider staff read exceptions but do not resolve them.
    r = client.post(
        reverse("serviceexception-resolve", args=[exceptions[0]["id"]]),
        {"outcome": "dismissed", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403
    client.force_login(world.erin)
    _post(
        client,
        reverse("serviceexception-resolve", args=[exceptions[0]["id"]]),
        {"outcome": "dismissed", "reason": "核实"},
    )
    assert client.get(reverse("serviceitem-list")).status_code == 200


def test_api_reject_needs_reason(client: Client, world: World) -> None:
    item = f.item()
    p = f.provider(items=[item])
    user = f.staff(p)
    o = f.order(world.erin)
    client.force_login(world.erin)
    _post(client, reverse("workorder-dispatch-order", args=[o.pk]), {"provider": p.pk})
    client.force_login(user)
    assert (
        client.post(reverse("workorder-reject", args=[o.pk]), {}, content_type="application/json").status_code
        == 400
    )
    _post(client, reverse("workorder-reject", args=[o.pk]), {"reason": "无人手"})
    o.refresh_from_db()
    assert o.status == "new" and o.provider is None


def test_an_action_refusing_a_verb_answers_400_through_the_api(client: Client, world: World) -> None:
    """A work order not yet dispatched cannot be accepted: the action's message comes back as a 400."""
    order = f.order(world.erin)
    client.force_login(world.alice)
    response = client.post(reverse("workorder-accept", args=[order.pk]), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "只有待接单的工单可以接单"}
