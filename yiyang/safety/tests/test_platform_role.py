"""The device platform role (设备平台): may push device events over HTTP with a token, and read nothing."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from yiyang.accounts.models import User
from yiyang.accounts.roles import Role, permissions_for
from yiyang.core.testing import World, make_user
from yiyang.safety.demo import PLATFORM_USERNAME, ensure_device_platform
from yiyang.safety.ingest import ingest
from yiyang.safety.models import Alarm, DeviceEvent
from yiyang.safety.tests.factories import make_device, make_elder, message

pytestmark = pytest.mark.django_db


def test_the_role_grants_exactly_the_push() -> None:
    # Every role may read the area tree (public administrative divisions, no personal data).
    assert permissions_for(Role.DEVICE_PLATFORM) == {"safety.add_deviceevent", "areas.view_area"}


@pytest.fixture
def platform(world: World) -> tuple[User, dict[str, Any]]:
    user = make_user("platform-a", Role.DEVICE_PLATFORM, [world.areas.street_a])
    return user, {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_platform_pushes_events_for_its_areas(world: World, platform: tuple[User, dict[str, Any]]) -> None:
    _user, auth = platform
    home = make_device(elder=make_elder(area=world.areas.community_a1))
    away = make_device(elder=make_elder(area=world.areas.community_b1))
    api, url = Client(), reverse("deviceevent-list")
    stored = api.post(url, message(home.serial, "sos", id="p-1"), content_type="application/json", **auth)
    assert stored.status_code == 201 and stored.json()["alarm_created"]
    retry = api.post(url, message(home.serial, "sos", id="p-1"), content_type="application/json", **auth)
    assert retry.status_code == 200 and retry.json()["status"] == "duplicate"
    outside = api.post(url, message(away.serial), content_type="application/json", **auth)
    assert outside.status_code == 422 and "辖区" in outside.json()["reason"]
    batch = [json.loads(message(home.serial)), json.loads(message(away.serial))]
    r = api.post(url, json.dumps(batch), content_type="application/json", **auth)
    assert [x["status"] for x in r.json()["results"]] == ["stored", "rejected"]
    assert DeviceEvent.objects.filter(device=home).count() == 2
    assert Alarm.objects.get().device_id == home.pk


def _urls(world: World) -> dict[str, str]:
    """Pages and endpoints holding personal or operational data, with a real object behind each."""
    device = make_device(elder=make_elder(area=world.areas.community_a1))
    ingest(message(device.serial, "sos"))
    alarm = Alarm.objects.get()
    elder = device.elder
    urls = {
        "api events": reverse("deviceevent-list"),
        "api alarms": reverse("alarm-list"),
        "api alarm": reverse("alarm-detail", args=[alarm.pk]),
        "api devices": reverse("device-list"),
        "api device": reverse("device-detail", args=[device.pk]),
        "alarm list": reverse("safety:alarm_list"),
        "alarm": reverse("safety:alarm_detail", args=[alarm.pk]),
        "board": reverse("safety:board"),
        "device list": reverse("safety:device_list"),
        "device": reverse("safety:device_detail", args=[device.pk]),
        "event list": reverse("safety:deviceevent_list"),
        "rejected": reverse("safety:rejected_list"),
        "tasks": reverse("safety:maintenancetask_list"),
        "check-ins": reverse("safety:checkin_today"),
        "service levels": reverse("safety:sla"),
    }
    optional = {
        "api elders": ("elder-list", []),
        "api elder": ("elder-detail", [elder.pk]),
        "elder list": ("people:elder_list", []),
        "elder": ("people:elder_detail", [elder.pk]),
    }
    for name, (route, args) in optional.items():
        with contextlib.suppress(NoReverseMatch):  # a route renamed elsewhere must not hide the rest
            urls[name] = reverse(route, args=args)
    assert {"api elders", "elder list"} <= urls.keys()
    return urls


def test_platform_reads_nothing(world: World, platform: tuple[User, dict[str, Any]]) -> None:
    user, auth = platform
    urls = _urls(world)
    api = Client()
    for name, url in urls.items():
        if not url.startswith("/api/"):
            continue
        code = api.get(url, **auth).status_code
        assert code in (403, 404), f"{name}: {code}"
    # Alarm verbs are writes of another permission.
    alarm = Alarm.objects.get()
    ack = api.post(
        reverse("alarm-acknowledge", args=[alarm.pk]), "{}", content_type="application/json", **auth
    )
    assert ack.status_code in (403, 404)
    # The web pages: even with a session (an account that somehow signed in) nothing is shown.
    web = Client()
    web.force_login(user)
    for name, url in urls.items():
        if url.startswith("/api/"):
            continue
        code = web.get(url).status_code
        assert code in (403, 404), f"{name}: {code}"


def test_demo_seeds_one_token_only_account(world: World) -> None:
    token = ensure_device_platform()
    assert ensure_device_platform() == token  # re-running keeps account and token
    user = User.objects.get(username=PLATFORM_USERNAME)
    assert user.role == Role.DEVICE_PLATFORM and not user.has_usable_password()
    assert user.assignments.get().area.level == 3  # the district
    device = make_device(elder=make_elder(area=world.areas.community_b1))
    r = Client().post(
        reverse("deviceevent-list"),
        message(device.serial),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert r.status_code == 201
