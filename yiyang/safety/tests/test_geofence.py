"""Geofence: a wristband's location report outside its fence raises (or folds into) one alarm."""

from __future__ import annotations

import math

import pytest

from yiyang.safety import rules
from yiyang.safety.choices import AlarmKind, DeviceKind, EventType
from yiyang.safety.ingest import ingest, ingest_batch
from yiyang.safety.models import Alarm, Device, DeviceEvent, RejectedMessage
from yiyang.safety.payload import Invalid, parse
from yiyang.safety.tests.factories import make_device, make_elder, message

# 南通 (Nantong): one degree of latitude is ~111.2 km; of longitude at 32° ~94.3 km.
HOME = (32.0000, 120.9000)
M_PER_DEG_LAT = 111_195.0


def north_of(point: tuple[float, float], metres: float) -> dict[str, float]:
    return {"lat": point[0] + metres / M_PER_DEG_LAT, "lng": point[1]}


# -- the pure geometry, table-driven -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected_m"),
    [
        ((32.0, 120.9), (32.0, 120.9), 0.0),
        ((32.0, 120.9), (33.0, 120.9), 111_195.0),  # one degree of a meridian
        ((0.0, 0.0), (0.0, 1.0), 111_195.0),  # one degree of the equator
        ((32.0, 120.9), (32.0, 121.9), 111_195.0 * math.cos(math.radians(32.0))),  # ~94.3 km
    ],
)
def test_distance(a: tuple[float, float], b: tuple[float, float], expected_m: float) -> None:
    assert rules.distance_m(*a, *b) == pytest.approx(expected_m, rel=2e-3, abs=0.5)


@pytest.mark.parametrize(
    ("metres", "radius", "accuracy", "outside"),
    [
        (0, 500, 0, False),
        (499, 500, 0, False),
        (520, 500, 0, True),
        (520, 500, 50, False),  # the fix might still be inside: no call to the hotline for GPS drift
        (600, 500, 50, True),
        (2_000, 1_000, 0, True),
    ],
)
def test_outside_fence(metres: float, radius: int, accuracy: float, outside: bool) -> None:
    position = north_of(HOME, metres)
    distance = rules.outside_fence((position["lat"], position["lng"]), HOME, radius, accuracy)
    assert (distance is not None) == outside
    if outside:
        assert distance == pytest.approx(metres, abs=1)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "value 须为"),
        ("32.0,120.9", "value 须为"),
        ({"lat": 32.0}, "纬度"),
        ({"lat": 95.0, "lng": 120.9}, "纬度"),
        ({"lat": 32.0, "lng": 181.0}, "经度"),
        ({"lat": True, "lng": 120.9}, "纬度"),
        ({"lat": 32.0, "lng": 120.9, "accuracy": -5}, "精度"),
    ],
)
def test_malformed_location_is_rejected(value: object, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        parse(message("W1", EventType.LOCATION, value=value))


# -- through ingestion ------------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def wristband(radius: int | None = 500, centre: tuple[float, float] | None = None) -> Device:
    owner = make_elder(latitude=HOME[0], longitude=HOME[1])
    return make_device(
        kind=DeviceKind.WRISTBAND,
        elder=owner,
        geofence_radius_m=radius,
        geofence_latitude=centre[0] if centre else None,
        geofence_longitude=centre[1] if centre else None,
    )


@pytestmark_db
def test_location_inside_the_fence_is_stored_without_alarm() -> None:
    band = wristband()
    result = ingest(message(band.serial, "location", value=north_of(HOME, 200)))
    assert result.status == "stored" and result.alarm_id is None
    assert DeviceEvent.objects.get().type == EventType.LOCATION
    assert not Alarm.objects.exists()


@pytestmark_db
def test_location_outside_the_fence_raises_one_geofence_alarm_and_folds_the_rest() -> None:
    band = wristband(radius=500)
    far = [message(band.serial, "location", value=north_of(HOME, 800 + 100 * i)) for i in range(3)]
    results = ingest_batch([(p, "") for p in far])
    again = ingest(message(band.serial, "location", value=north_of(HOME, 1500)))
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.device_id, alarm.elder_id) == (AlarmKind.GEOFENCE, band.pk, band.elder_id)
    assert [r.alarm_created for r in results] == [True, False, False]
    assert again.alarm_id == alarm.pk and not again.alarm_created
    assert alarm.event_count == 4 and alarm.events.count() == 4
    assert "800 米" in alarm.detail and "围栏 500 米" in alarm.detail
    # Coming home does not close it: the hotline does, after checking on the elder.
    ingest(message(band.serial, "location", value=north_of(HOME, 10)))
    assert Alarm.objects.get().closed_at is None


@pytestmark_db
def test_the_devices_own_centre_wins_over_the_home() -> None:
    day_centre = (32.0100, 120.9000)  # ~1.1 km north of home
    band = wristband(radius=300, centre=day_centre)
    at_day_centre = north_of(day_centre, 50)
    ingest(message(band.serial, "location", value=at_day_centre))
    assert not Alarm.objects.exists()
    ingest(message(band.serial, "location", value=north_of(HOME, 0)))  # home is outside this fence
    assert Alarm.objects.get().kind == AlarmKind.GEOFENCE


@pytestmark_db
def test_no_fence_no_alarm() -> None:
    no_radius = wristband(radius=None)
    homeless = make_device(
        kind=DeviceKind.WRISTBAND, geofence_radius_m=300, elder=make_elder(latitude=None, longitude=None)
    )
    for device in (no_radius, homeless):
        assert ingest(message(device.serial, "location", value=north_of(HOME, 5_000))).status == "stored"
    assert not Alarm.objects.exists()


@pytestmark_db
def test_one_batch_with_several_wristbands() -> None:
    inside, outside, other = wristband(), wristband(), wristband(radius=2_000)
    batch = [
        (message(inside.serial, "location", value=north_of(HOME, 100)), ""),
        (message(outside.serial, "location", value=north_of(HOME, 900)), ""),
        (message(other.serial, "location", value=north_of(HOME, 900)), ""),
        (message(outside.serial, "location", value={"lat": 200, "lng": 0}), ""),
    ]
    results = ingest_batch(batch)
    assert [r.status for r in results] == ["stored", "stored", "stored", "rejected"]
    assert list(Alarm.objects.values_list("device_id", flat=True)) == [outside.pk]
    assert RejectedMessage.objects.get().reason.startswith("location")


@pytestmark_db
def test_fence_centre_is_both_coordinates_or_neither(world: object) -> None:
    from yiyang.safety.forms import fence_centre_errors

    assert fence_centre_errors(None, None) == []
    assert fence_centre_errors(32.0, 120.9) == []
    assert fence_centre_errors(32.0, None) == [("geofence_longitude", "围栏中心须同时填写纬度和经度")]
    assert [f for f, _m in fence_centre_errors(95.0, 200.0)] == ["geofence_latitude", "geofence_longitude"]


@pytestmark_db
def test_api_sets_a_device_fence_centre(world: object) -> None:
    import json

    from django.test import Client
    from django.urls import reverse

    from yiyang.core.testing import World

    assert isinstance(world, World)
    band = make_device(
        kind=DeviceKind.WRISTBAND, geofence_radius_m=300, elder=make_elder(area=world.areas.community_a1)
    )
    api = Client()
    api.force_login(world.alice)
    url = reverse("device-detail", args=[band.pk])
    half = api.patch(url, json.dumps({"geofence_latitude": 32.01}), content_type="application/json")
    assert half.status_code == 400 and "geofence_longitude" in half.json()
    both = api.patch(
        url,
        json.dumps({"geofence_latitude": 32.01, "geofence_longitude": 120.9}),
        content_type="application/json",
    )
    assert both.status_code == 200, both.content
    band.refresh_from_db()
    assert (band.geofence_latitude, band.geofence_longitude) == (32.01, 120.9)
