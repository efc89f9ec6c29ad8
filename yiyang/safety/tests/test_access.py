"""Who may open what: the generated access matrix for devices and alarms, pages and API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.core.testing import (
    AccessMatrix,
    Endpoint,
    World,
    matrix_cases,
    next_number,
    page_contains,
    xlsx_contains,
)
from yiyang.safety.ingest import ingest
from yiyang.safety.models import (
    Alarm,
    AlarmCall,
    CheckIn,
    Device,
    DeviceEvent,
    DeviceTest,
    MaintenanceTask,
    RejectedMessage,
    RuleConfig,
)
from yiyang.safety.tests import factories
from yiyang.safety.tests.factories import make_elder, message

pytestmark = pytest.mark.django_db


def device_in(world: World, area: Area) -> Device:
    return factories.make_device(elder=make_elder(area=area))


def make_alarm(world: World, area: Area) -> Alarm:
    device = device_in(world, area)
    ingest(message(device.serial, "sos"))
    return Alarm.objects.get(device=device)


DEVICES = AccessMatrix.standard(
    Device,
    device_in,
    list_url="safety:device_list",
    detail_url="safety:device_detail",
    edit_url="safety:device_edit",
    api_basename="device",
    marker=lambda d: d.serial,
    extra=[
        Endpoint(
            "export",
            lambda _o: reverse("safety:device_list") + "?export=xlsx",
            action="export",
            listing=True,
            contains=xlsx_contains(lambda d: d.serial),
        ),
    ],
)

ALARMS = AccessMatrix.standard(
    Alarm,
    make_alarm,
    list_url="safety:alarm_list",
    detail_url="safety:alarm_detail",
    api_basename="alarm",
    marker=lambda a: a.elder.name,
    extra=[
        Endpoint("panel", lambda a: reverse("safety:alarm_panel", args=[a.pk])),
        Endpoint(
            "board",
            lambda _a: reverse("safety:board_list"),
            listing=True,
            contains=page_contains(lambda a: f'data-alarm-id="{a.pk}"'),
        ),
        Endpoint(
            "ack",
            lambda a: reverse("safety:alarm_acknowledge", args=[a.pk]),
            action="change",
            method="post",
            ok=302,
        ),
        Endpoint(
            "api-ack",
            lambda a: reverse("alarm-acknowledge", args=[a.pk]),
            action="change",
            api=True,
            method="post",
        ),
    ],
)


@pytest.mark.parametrize(("who", "endpoint"), DEVICES.cases())
def test_device_access(client: Client, world: World, who: str, endpoint: str) -> None:
    DEVICES.check(client, world, who, endpoint)


@pytest.mark.parametrize(("who", "endpoint"), ALARMS.cases())
def test_alarm_access(client: Client, world: World, who: str, endpoint: str) -> None:
    ALARMS.check(client, world, who, endpoint)


def test_other_streets_alarm_is_404(client: Client, world: World) -> None:
    alarm = make_alarm(world, world.areas.community_b1)
    client.force_login(world.bob)
    assert client.get(reverse("safety:alarm_detail", args=[alarm.pk])).status_code == 404
    assert (
        client.post(reverse("alarm-close", args=[alarm.pk]), {"outcome": "false", "notes": "x"}).status_code
        == 404
    )
    assert Alarm.objects.get(pk=alarm.pk).status == "new"


def _token(client: Client, user: Any) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def test_http_push_endpoint(world: World) -> None:
    home = device_in(world, world.areas.community_a1)
    away = device_in(world, world.areas.other_community)
    api = Client()
    url = reverse("deviceevent-list")
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {_token(api, world.erin)}"}
    body = message(home.serial, "sos", id="push-1")
    r1 = api.post(url, body, content_type="application/json", **auth)
    r2 = api.post(url, body, content_type="application/json", **auth)
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.json()["alarm_created"] and r2.json()["status"] == "duplicate"
    bad = api.post(url, b"{oops", content_type="application/json", **auth)
    assert bad.status_code == 422 and "JSON" in bad.json()["reason"]
    outside = api.post(url, message(away.serial), content_type="application/json", **auth)
    assert outside.status_code == 422 and "辖区" in outside.json()["reason"]
    batch = [json.loads(message(home.serial)), json.loads(message("GHOST")), "garbage"]
    r = api.post(url, json.dumps(batch), content_type="application/json", **auth)
    assert [x["status"] for x in r.json()["results"]] == ["stored", "rejected", "rejected"]
    assert DeviceEvent.objects.count() == 2
    # A street worker's account may not push events.
    denied = api.post(
        url,
        message(home.serial),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {_token(api, world.bob)}",
    )
    assert denied.status_code == 403


def test_api_workflow_verbs(world: World) -> None:
    alarm = make_alarm(world, world.areas.community_a1)
    api = Client()
    api.force_login(world.erin)
    post = lambda verb, data=None: api.post(  # noqa: E731
        reverse(f"alarm-{verb}", args=[alarm.pk]), json.dumps(data or {}), content_type="application/json"
    )
    assert post("acknowledge").json()["status"] == "acknowledged"
    assert post("contact", {"outcome": "reached"}).json()["calls"][0]["callee_kind"] == "elder"
    assert post("dispatch", {"target": "grid_worker", "to": "网格员小李"}).json()["status"] == "dispatched"
    assert post("arrive").json()["on_site_at"]
    assert post("close", {"outcome": "bogus", "notes": "x"}).status_code == 400
    closed = post("close", {"outcome": "real", "notes": "已送医"}).json()
    assert closed["status"] == "closed" and closed["outcome"] == "real"
    assert post("acknowledge").status_code == 400


def test_pages_render(client: Client, world: World) -> None:
    alarm = make_alarm(world, world.areas.community_a1)
    client.force_login(world.alice)
    for name in [
        "board",
        "sla",
        "checkin_today",
        "ruleconfig_list",
        "rejected_list",
        "deviceevent_list",
        "maintenancetask_list",
        "device_add",
    ]:
        assert client.get(reverse(f"safety:{name}")).status_code == 200, name
    assert client.get(reverse("safety:sla") + "?export=xlsx").status_code == 200
    panel = client.get(reverse("safety:alarm_panel", args=[alarm.pk])).content.decode()
    assert alarm.elder.id_number_masked in panel and alarm.elder.id_number not in panel
    client.force_login(world.bob)
    assert client.get(reverse("safety:ruleconfig_add")).status_code == 403


# -- the rest of the safety models --------------------------------------------------------------------


def make_test(world: World, area: Area) -> DeviceTest:
    return DeviceTest.objects.create(device=device_in(world, area), note=f"测试{next_number()}")


def make_event(world: World, area: Area) -> DeviceEvent:
    device = device_in(world, area)
    ingest(message(device.serial, "heartbeat"))
    return DeviceEvent.objects.get(device=device)


def make_call(world: World, area: Area) -> AlarmCall:
    alarm = make_alarm(world, area)
    return AlarmCall.objects.create(
        alarm=alarm, callee_kind="elder", callee_name=alarm.elder.name, outcome="no_answer"
    )


def make_task(world: World, area: Area) -> MaintenanceTask:
    return MaintenanceTask.objects.create(
        device=device_in(world, area), kind="low_battery", detail=f"换电池{next_number()}"
    )


def make_checkin(world: World, area: Area) -> CheckIn:
    return CheckIn.objects.create(elder=make_elder(area=area), day=timezone.localdate(), method="call")


def make_rejected(world: World, area: Area) -> RejectedMessage:
    return RejectedMessage.objects.create(serial=f"GHOST{next_number()}", reason="未登记的设备", raw="{}")


def make_rule(world: World, area: Area) -> RuleConfig:
    return RuleConfig.objects.create(group="alone_80", note=f"规则{next_number()}")


MORE: dict[str, AccessMatrix] = {
    # A device's tests are listed on its page.
    "test": AccessMatrix(
        DeviceTest,
        make_test,
        [Endpoint("device", lambda t: reverse("safety:device_detail", args=[t.device_id]), model=Device)],
    ),
    "event": AccessMatrix.standard(
        DeviceEvent,
        make_event,
        list_url="safety:deviceevent_list",
        api_basename="deviceevent",
        marker=lambda e: e.device.serial,
    ),
    # An alarm's calls are shown on the alarm's page.
    "call": AccessMatrix(
        AlarmCall,
        make_call,
        [Endpoint("alarm", lambda c: reverse("safety:alarm_detail", args=[c.alarm_id]), model=Alarm)],
    ),
    "task": AccessMatrix(
        MaintenanceTask,
        make_task,
        [
            Endpoint(
                "list",
                lambda t: reverse("safety:maintenancetask_list"),
                listing=True,
                contains=page_contains(lambda t: t.detail),
            ),
            Endpoint(
                "close",
                lambda t: reverse("safety:maintenancetask_close", args=[t.pk]),
                action="change",
                method="post",
                ok=302,
            ),
        ],
    ),
    "checkin": AccessMatrix(
        CheckIn,
        make_checkin,
        [
            Endpoint(
                "record",
                lambda c: reverse("safety:checkin_record", args=[c.elder_id]),
                action="add",
                method="post",
                data=lambda c: {"method": "visit"},
                ok=302,
            )
        ],
    ),
    "rejected": AccessMatrix(
        RejectedMessage,
        make_rejected,
        [
            Endpoint(
                "list",
                lambda r: reverse("safety:rejected_list"),
                listing=True,
                contains=page_contains(lambda r: r.serial),
            )
        ],
    ),
    "rule": AccessMatrix(
        RuleConfig,
        make_rule,
        [
            Endpoint(
                "list",
                lambda r: reverse("safety:ruleconfig_list"),
                listing=True,
                contains=page_contains(lambda r: r.note),
            ),
            Endpoint("edit", lambda r: reverse("safety:ruleconfig_edit", args=[r.pk]), action="change"),
        ],
    ),
}
MORE_CASES = matrix_cases(MORE)


@pytest.mark.parametrize(("key", "who", "endpoint"), MORE_CASES)
def test_more_access(client: Client, world: World, key: str, who: str, endpoint: str) -> None:
    MORE[key].check(client, world, who, endpoint)
