"""Ingestion: valid, duplicate, unknown device, malformed and wrongly typed messages; the HTTP push."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from yiyang.safety.choices import DeviceKind, DeviceStatus
from yiyang.safety.ingest import ingest, ingest_batch
from yiyang.safety.models import Alarm, DeviceEvent, RejectedMessage
from yiyang.safety.payload import Invalid, parse
from yiyang.safety.tests.factories import make_device, message, topic

pytestmark = pytest.mark.django_db


def test_valid_heartbeat_is_stored_and_updates_the_device() -> None:
    device = make_device(last_seen_at=None, battery=None)
    payload = message(device.serial, "heartbeat", id="m-1", battery=77)
    result = ingest(payload, topic(device.serial), timezone.now())
    assert result.status == "stored" and result.event_id
    event = DeviceEvent.objects.get(message_id="m-1")
    assert event.device == device and event.elder_id == device.elder_id and event.raw == payload.decode()
    device.refresh_from_db()
    assert device.battery == 77 and device.last_seen_at is not None
    assert not Alarm.objects.exists()


def test_redelivered_message_is_stored_once() -> None:
    device = make_device()
    payload = message(device.serial, "sos", id="same-id")
    first = ingest(payload, topic(device.serial))
    second = ingest(payload, topic(device.serial))
    assert (first.status, second.status) == ("stored", "duplicate")
    assert DeviceEvent.objects.count() == 1
    assert Alarm.objects.get().event_count == 1


def test_duplicate_within_one_batch() -> None:
    device = make_device()
    payload = message(device.serial, id="twice")
    results = ingest_batch([(payload, ""), (payload, "")])
    assert [r.status for r in results] == ["stored", "duplicate"]
    assert DeviceEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "不是合法的 JSON"),
        (b"\xff\xfe", "不是合法的 JSON"),
        (b"[1, 2]", "必须是 JSON 对象"),
        (json.dumps({"serial": "X", "type": "sos", "ts": "2026-01-01T00:00:00+08:00"}).encode(), "消息编号"),
        (
            json.dumps({"id": 5, "serial": "X", "type": "sos", "ts": "2026-01-01T00:00:00+08:00"}).encode(),
            "消息编号",
        ),
        (
            json.dumps({"id": "a", "serial": 12, "type": "sos", "ts": "2026-01-01T00:00:00+08:00"}).encode(),
            "序列号",
        ),
        (
            json.dumps(
                {"id": "a", "serial": "X", "type": "explode", "ts": "2026-01-01T00:00:00+08:00"}
            ).encode(),
            "未知的事件类型",
        ),
        (
            json.dumps({"id": "a", "serial": "X", "type": {}, "ts": "2026-01-01T00:00:00+08:00"}).encode(),
            "未知的事件类型",
        ),
        (json.dumps({"id": "a", "serial": "X", "type": "sos", "ts": "yesterday"}).encode(), "ISO-8601"),
        (json.dumps({"id": "a", "serial": "X", "type": "sos", "ts": 1700000000}).encode(), "ISO-8601"),
        (
            json.dumps(
                {"id": "a", "serial": "X", "type": "sos", "ts": "2026-01-01T00:00:00", "battery": "full"}
            ).encode(),
            "电量",
        ),
        (
            json.dumps(
                {"id": "a", "serial": "X", "type": "sos", "ts": "2026-01-01T00:00:00", "battery": 101}
            ).encode(),
            "电量",
        ),
        (
            json.dumps(
                {"id": "a", "serial": "X", "type": "sos", "ts": "2026-01-01T00:00:00", "battery": True}
            ).encode(),
            "电量",
        ),
        (
            json.dumps({"id": "a", "serial": "X", "type": "battery", "ts": "2026-01-01T00:00:00"}).encode(),
            "电量",
        ),
    ],
)
def test_malformed_and_wrongly_typed_messages_are_rejected(payload: bytes, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        parse(payload)
    result = ingest(payload, "yiyang/devices/X/events")
    assert result.status == "rejected" and reason in result.reason
    rejected = RejectedMessage.objects.get()
    assert rejected.topic == "yiyang/devices/X/events" and reason in rejected.reason
    assert not DeviceEvent.objects.exists()


def test_unknown_device_is_rejected_with_its_serial() -> None:
    result = ingest(message("NOPE-1", "sos"), topic("NOPE-1"))
    assert result.status == "rejected" and result.reason == "未登记的设备"
    assert RejectedMessage.objects.get().serial == "NOPE-1"


def test_removed_device_and_topic_mismatch_are_rejected() -> None:
    removed = make_device(status=DeviceStatus.REMOVED)
    other = make_device()
    assert ingest(message(removed.serial), topic(removed.serial)).reason == "设备已拆除"
    assert "不一致" in ingest(message(other.serial), topic("SOMEONE-ELSE")).reason
    assert RejectedMessage.objects.count() == 2


def test_a_bad_message_does_not_spoil_its_batch() -> None:
    device = make_device()
    results = ingest_batch(
        [
            (message(device.serial), ""),
            (b"garbage", ""),
            (message("GHOST"), ""),
            (message(device.serial, "fall"), ""),
        ]
    )
    assert [r.status for r in results] == ["stored", "rejected", "rejected", "stored"]
    assert DeviceEvent.objects.count() == 2 and RejectedMessage.objects.count() == 2
    assert results[3].alarm_created


def test_naive_timestamp_is_local_time_and_future_clock_is_clamped() -> None:
    device = make_device(last_seen_at=None)
    future = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    ingest(message(device.serial, ts=future))
    device.refresh_from_db()
    assert device.last_seen_at is not None and device.last_seen_at <= timezone.now()
    m = parse(message(device.serial, ts="2026-03-01T08:00:00"))
    assert timezone.localtime(m.ts).hour == 8


def test_activity_and_test_events_update_the_device() -> None:
    meter = make_device(kind=DeviceKind.WATER_METER, last_activity_at=None)
    ingest(message(meter.serial, "water_flow", value=3.5))
    ingest(message(meter.serial, "test", value="ok"))
    meter.refresh_from_db()
    assert meter.last_activity_at is not None
    assert meter.last_tested_on == timezone.localdate()
    assert meter.tests.count() == 1
