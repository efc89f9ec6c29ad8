"""Set-wise ingestion and rules: a whole batch at once, the monthly test job, the listener's device cache."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiyang.safety import rules
from yiyang.safety.choices import AlarmKind, DeviceKind, DeviceStatus, MaintenanceKind, TaskStatus
from yiyang.safety.directory import DeviceDirectory
from yiyang.safety.ingest import ingest, ingest_batch
from yiyang.safety.models import Alarm, CheckIn, DeviceEvent, DeviceTest, MaintenanceTask, RejectedMessage
from yiyang.safety.tests.factories import make_device, message, topic

pytestmark = pytest.mark.django_db


def test_a_mixed_batch_costs_a_fixed_number_of_statements() -> None:
    devices = [make_device(battery=90) for _ in range(40)]
    meters = [make_device(kind=DeviceKind.WATER_METER) for _ in range(10)]

    def batch(n: int) -> list[tuple[bytes, str]]:
        items = [(message(d.serial, "heartbeat", battery=80), topic(d.serial)) for d in devices[:n]]
        items += [(message(m.serial, "water_flow", value=2.5), topic(m.serial)) for m in meters]
        items += [(message(devices[0].serial, "sos"), ""), (b"{broken", ""), (message("GHOST"), "")]
        return items

    with CaptureQueriesContext(connection) as small:
        ingest_batch(batch(5))
    with CaptureQueriesContext(connection) as large:
        ingest_batch(batch(40))
    # Eight times the messages, the same statements (folding into the open SOS alarm is even cheaper).
    assert len(large.captured_queries) <= len(small.captured_queries)
    assert DeviceEvent.objects.count() == (5 + 10 + 1) + (40 + 10 + 1)
    assert RejectedMessage.objects.count() == 4


def test_several_alarms_in_one_batch() -> None:
    a, b = make_device(), make_device(kind=DeviceKind.SMOKE)
    results = ingest_batch(
        [(message(a.serial, "sos"), ""), (message(b.serial, "smoke"), ""), (message(a.serial, "sos"), "")]
    )
    assert [r.alarm_created for r in results] == [True, True, False]
    sos = Alarm.objects.get(kind=AlarmKind.SOS)
    assert sos.event_count == 2 and sos.events.count() == 2
    assert results[0].alarm_id == results[2].alarm_id == sos.pk
    assert Alarm.objects.get(kind=AlarmKind.SMOKE).device_id == b.pk


def test_device_state_follows_the_latest_message_of_the_batch() -> None:
    device = make_device(battery=None, last_seen_at=None, kind=DeviceKind.DOOR, last_activity_at=None)
    now = timezone.now()
    earlier, later = now - datetime.timedelta(minutes=5), now - datetime.timedelta(minutes=1)
    ingest_batch(
        [
            (message(device.serial, "heartbeat", ts=later, battery=60), ""),
            (message(device.serial, "door_open", ts=earlier, battery=70), ""),
        ],
        now,
    )
    device.refresh_from_db()
    assert device.battery == 60 and device.last_seen_at == later and device.last_activity_at == earlier
    # An older message arriving late changes neither the time nor the battery.
    ingest(message(device.serial, "heartbeat", ts=earlier, battery=10), received_at=now)
    device.refresh_from_db()
    assert device.battery == 60 and device.last_seen_at == later


def test_checkins_tests_and_batteries_of_a_batch() -> None:
    button, smoke, flat = make_device(), make_device(kind=DeviceKind.SMOKE), make_device(battery=90)
    results = ingest_batch(
        [
            (message(button.serial, "checkin"), ""),
            (message(button.serial, "checkin"), ""),  # twice in a morning: one check-in
            (message(smoke.serial, "test", value="ok"), ""),
            (message(smoke.serial, "test", value="fail"), ""),
            (message(flat.serial, "heartbeat", battery=9), ""),
            (message(flat.serial, "heartbeat", battery=8), ""),
        ]
    )
    assert all(r.status == "stored" for r in results)
    assert CheckIn.objects.get().elder_id == button.elder_id
    assert sorted(DeviceTest.objects.values_list("passed", flat=True)) == [False, True]
    smoke.refresh_from_db()
    assert smoke.last_tested_on == timezone.localdate()
    fault = MaintenanceTask.objects.get(kind=MaintenanceKind.FAULT)
    assert fault.device_id == smoke.pk and "fail" in fault.detail
    assert MaintenanceTask.objects.get(kind=MaintenanceKind.LOW_BATTERY).device_id == flat.pk
    ingest(message(flat.serial, "heartbeat", battery=7))
    assert MaintenanceTask.objects.filter(kind=MaintenanceKind.LOW_BATTERY).count() == 1


def test_nul_characters_are_rejected_not_fatal() -> None:
    device = make_device()
    body = json.dumps(
        {
            "id": "n1",
            "serial": device.serial,
            "type": "heartbeat",
            "ts": timezone.now().isoformat(),
            "value": "a\u0000b",
        }
    )
    # A NUL in the serial or the type ends up in the stored rejection's serial and reason as well.
    named = json.dumps({"id": "n2", "serial": "TZ\u0000", "type": "\u0000", "ts": timezone.now().isoformat()})
    results = ingest_batch(
        [(body.encode(), ""), (b'{"id": "x\x00', ""), (named.encode(), ""), (message(device.serial), "")]
    )
    assert [r.status for r in results] == ["rejected", "rejected", "rejected", "stored"]
    assert "NUL" in results[0].reason
    for row in RejectedMessage.objects.values_list("raw", "serial", "reason", "topic"):
        assert not any("\x00" in text for text in row), row


# -- the monthly test ---------------------------------------------------------------------------------


def test_devices_untested_for_a_month_get_one_task_each() -> None:
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=90)
    never = make_device(installed_on=long_ago, last_tested_on=None)
    lapsed = make_device(installed_on=long_ago, last_tested_on=today - datetime.timedelta(days=40))
    fine = make_device(installed_on=long_ago, last_tested_on=today - datetime.timedelta(days=10))
    new = make_device(installed_on=today - datetime.timedelta(days=10))  # first test not due yet
    make_device(installed_on=long_ago, status=DeviceStatus.REMOVED)
    result = rules.check_devices()
    assert result["test_due"] == 2
    tasks = MaintenanceTask.objects.filter(kind=MaintenanceKind.TEST_DUE, status=TaskStatus.OPEN)
    assert {t.device_id for t in tasks} == {never.pk, lapsed.pk}
    assert tasks.get(device=never).detail == "安装后从未测试"
    assert "最近测试" in tasks.get(device=lapsed).detail
    # Idempotent: the next run (every minute in the listener, nightly from cron) opens nothing.
    assert rules.check_devices()["test_due"] == 0
    assert tasks.count() == 2
    # A passed self-test closes the task on the next run; a new month without a test opens another.
    ingest(message(lapsed.serial, "test", value="ok"))
    result = rules.check_devices()
    assert result["tested"] == 1
    closed = MaintenanceTask.objects.get(device=lapsed, kind=MaintenanceKind.TEST_DUE)
    assert closed.status == TaskStatus.DONE and closed.note == "已完成测试"
    later = timezone.now() + datetime.timedelta(days=40)
    assert rules.check_devices(later)["test_due"] == 3  # never still has its open task
    reopened = MaintenanceTask.objects.filter(kind=MaintenanceKind.TEST_DUE, status=TaskStatus.OPEN)
    assert {t.device_id for t in reopened} == {never.pk, lapsed.pk, fine.pk, new.pk}


def test_test_interval_can_be_tightened(settings: object) -> None:
    today = timezone.localdate()
    make_device(
        installed_on=today - datetime.timedelta(days=90), last_tested_on=today - datetime.timedelta(days=20)
    )
    assert rules.check_devices()["test_due"] == 0
    settings.SAFETY_TEST_INTERVAL_DAYS = 14  # type: ignore[attr-defined]
    assert rules.check_devices()["test_due"] == 1


# -- the listener's device directory -----------------------------------------------------------------------


def test_directory_reads_devices_by_id_and_sees_changes() -> None:
    device = make_device()
    directory = DeviceDirectory()
    assert ingest_batch([(message(device.serial), "")], directory=directory)[0].status == "stored"
    with CaptureQueriesContext(connection) as q:
        assert directory.resolve({device.serial})[device.serial].id == device.pk
    # Looked up by primary key (PostgreSQL: a raw statement Django does not capture), not by serial.
    assert len(q.captured_queries) <= 1
    assert not any(device.serial in x["sql"] for x in q.captured_queries)
    # Removed on the web (in production by another process): the next batch knows.
    device.status = DeviceStatus.REMOVED
    device.save()
    result = ingest_batch([(message(device.serial), "")], directory=directory)[0]
    assert result.status == "rejected" and result.reason == "设备已拆除"
    # Renamed: the old serial is unknown, the new one resolves.
    device.status, old = DeviceStatus.ACTIVE, device.serial
    device.serial = device.serial + "R"
    device.save()
    assert directory.resolve({old, device.serial}).keys() == {device.serial}
    # Deleted: unknown.
    device.delete()
    assert directory.resolve({device.serial}) == {}


def test_directory_is_bounded() -> None:
    devices = [make_device() for _ in range(5)]
    directory = DeviceDirectory(max_entries=3, warm=False)
    for d in devices:
        assert d.serial in directory.resolve({d.serial})
        assert len(directory) <= 3
    assert directory.resolve({"UNKNOWN-1"}) == {}
    assert "UNKNOWN-1" not in directory._ids


# -- the listener's error handling (no broker needed: the batch is handed over directly) -------------------


def _listener(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[int]]:
    from yiyang.safety import listener as module

    listener = module.Listener(
        host="127.0.0.1",
        port=1,
        client_id="test-no-broker",
        topic="t",
        checks_every=0,
        report=lambda _l: None,
    )
    acked: list[int] = []
    monkeypatch.setattr(listener.client, "ack", lambda mid, qos: acked.append(mid))
    # Inside the test's transaction the connection must stay open (the real listener reconnects).
    monkeypatch.setattr(module.connection, "close", lambda: None)
    monkeypatch.setattr(listener.stop, "wait", lambda _t: False)  # no back-off delays in a test
    return listener, acked


def test_a_poison_message_is_kept_as_rejected_and_the_rest_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    from yiyang.safety import listener as module

    device = make_device()
    real = module.ingest_batch

    def ingest_or_choke(messages: Any, *args: Any, **kwargs: Any) -> Any:
        if any(payload == b"POISON" for payload, _t in messages):
            raise ValueError("a bug meets a strange message")
        return real(messages, *args, **kwargs)

    monkeypatch.setattr(module, "ingest_batch", ingest_or_choke)
    listener, acked = _listener(monkeypatch)
    items = [module.Item(0, mid, 1, message(device.serial), topic(device.serial)) for mid in (1, 2)]
    items.insert(1, module.Item(0, 3, 1, b"POISON", topic(device.serial)))
    listener._store(items)
    assert sorted(acked) == [1, 2, 3]  # all acknowledged: none comes back for ever
    assert DeviceEvent.objects.count() == 2
    poison = RejectedMessage.objects.get()
    assert poison.raw == "POISON" and poison.reason == "入库失败：ValueError"
    assert (listener.stats.stored, listener.stats.rejected) == (2, 1)


def test_a_database_outage_is_retried_and_nothing_acknowledged_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import OperationalError

    from yiyang.safety import listener as module

    device = make_device()
    real, calls = module.ingest_batch, []

    def flaky(messages: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(messages))
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(messages, *args, **kwargs)

    monkeypatch.setattr(module, "ingest_batch", flaky)
    listener, acked = _listener(monkeypatch)
    listener._store([module.Item(0, mid, 1, message(device.serial), "") for mid in (7, 8)])
    assert calls == [2, 2, 2]  # the whole batch again, not one by one
    assert sorted(acked) == [7, 8] and DeviceEvent.objects.count() == 2
    assert listener.stats.errors == 2
