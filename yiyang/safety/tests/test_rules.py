"""Rules: immediate alarms, folding floods, maintenance tasks, inactivity thresholds per category."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yiyang.people.choices import LivingSituation
from yiyang.safety import rules
from yiyang.safety.choices import AlarmKind, DeviceKind, ElderGroup, MaintenanceKind, Severity
from yiyang.safety.ingest import ingest, ingest_batch
from yiyang.safety.models import Alarm, CheckIn, MaintenanceTask, RuleConfig
from yiyang.safety.tests.factories import make_device, make_elder, message

pytestmark = pytest.mark.django_db
NOW = timezone.now


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("sos", AlarmKind.SOS),
        ("fall", AlarmKind.FALL),
        ("smoke", AlarmKind.SMOKE),
        ("gas", AlarmKind.GAS),
        ("geofence_exit", AlarmKind.GEOFENCE),
    ],
)
def test_immediate_alarms(event: str, kind: str) -> None:
    device = make_device()
    result = ingest(message(device.serial, event))
    alarm = Alarm.objects.get()
    assert result.alarm_created and result.alarm_id == alarm.pk
    assert (alarm.kind, alarm.severity, alarm.status, alarm.elder_id) == (
        kind,
        Severity.URGENT,
        "new",
        device.elder_id,
    )
    assert alarm.events.count() == 1


def test_a_flood_of_one_device_makes_one_alarm() -> None:
    device = make_device()
    results = ingest_batch([(message(device.serial, "sos"), "") for _ in range(50)])
    for _ in range(30):
        ingest(message(device.serial, "sos"))
    assert sum(r.alarm_created for r in results) == 1
    alarm = Alarm.objects.get()
    assert alarm.event_count == 80 and alarm.last_event_at is not None
    assert alarm.events.count() == 80


def test_a_closed_alarm_does_not_swallow_the_next_emergency() -> None:
    device = make_device()
    ingest(message(device.serial, "sos"))
    Alarm.objects.update(status="closed", closed_at=timezone.now(), outcome="false")
    ingest(message(device.serial, "sos"))
    assert Alarm.objects.count() == 2


def test_different_kinds_do_not_fold_together() -> None:
    device = make_device(kind=DeviceKind.WRISTBAND, geofence_radius_m=300)
    ingest(message(device.serial, "sos"))
    ingest(message(device.serial, "fall"))
    assert Alarm.objects.count() == 2


def test_silent_device_becomes_a_maintenance_task_not_an_alarm() -> None:
    silent = make_device(last_seen_at=NOW() - datetime.timedelta(hours=30))
    make_device(last_seen_at=NOW() - datetime.timedelta(hours=1))
    result = rules.check_devices()
    assert result["silent"] == 1
    task = MaintenanceTask.objects.get()
    assert (task.device, task.kind, task.status) == (silent, MaintenanceKind.SILENT, "open")
    assert not Alarm.objects.exists()
    assert rules.check_devices()["silent"] == 0  # not twice
    ingest(message(silent.serial))  # heard again
    assert rules.check_devices()["recovered"] == 1
    assert MaintenanceTask.objects.get().status == "done"


def test_low_battery_becomes_one_maintenance_task() -> None:
    device = make_device()
    for _ in range(5):
        ingest(message(device.serial, "heartbeat", battery=12))
    ingest(message(device.serial, "battery", value=11))
    task = MaintenanceTask.objects.get()
    assert task.kind == MaintenanceKind.LOW_BATTERY and "12%" in task.detail
    assert not Alarm.objects.exists()


@pytest.mark.parametrize(
    ("living", "age", "group"),
    [
        (LivingSituation.ALONE, 85, ElderGroup.ALONE_80),
        (LivingSituation.GUGUA, 80, ElderGroup.ALONE_80),
        (LivingSituation.ALONE, 79, ElderGroup.ALONE),
        (LivingSituation.EMPTY_NEST, 90, ElderGroup.EMPTY_NEST_80),
        (LivingSituation.EMPTY_NEST, 65, ElderGroup.EMPTY_NEST),
        (LivingSituation.WITH_FAMILY, 95, ElderGroup.OTHER),
        (LivingSituation.INSTITUTION, 70, ElderGroup.OTHER),
    ],
)
def test_elder_group_pure_and_sql_agree(living: str, age: int, group: str) -> None:
    assert rules.elder_group(living, age) == group
    elder = make_elder(living_situation=living, age=age)
    from yiyang.people.models import Elder

    assert Elder.objects.filter(rules.group_q(group, timezone.localdate()), pk=elder.pk).exists()


def _home(living: str, age: int, water_hours: float, door_hours: float) -> int:
    elder = make_elder(living_situation=living, age=age)
    now = NOW()
    make_device(
        elder=elder, kind=DeviceKind.WATER_METER, last_activity_at=now - datetime.timedelta(hours=water_hours)
    )
    make_device(
        elder=elder, kind=DeviceKind.DOOR, last_activity_at=now - datetime.timedelta(hours=door_hours)
    )
    return elder.pk


# Defaults from the migration: 独居80+ 12 h / 24 h; 独居 24 h / 36 h; 其他 48 h / 96 h.
@pytest.mark.parametrize(
    ("living", "age", "water", "door", "alarm"),
    [
        (LivingSituation.ALONE, 85, 13, 25, True),
        (LivingSituation.ALONE, 85, 11, 25, False),  # water used recently
        (LivingSituation.ALONE, 85, 13, 23, False),  # door opened recently
        (LivingSituation.ALONE, 70, 13, 25, False),  # under 80: 24 h / 36 h
        (LivingSituation.ALONE, 70, 25, 37, True),
        (LivingSituation.WITH_FAMILY, 85, 25, 37, False),
        (LivingSituation.WITH_FAMILY, 85, 49, 97, True),
    ],
)
def test_inactivity_thresholds_per_category(
    living: str, age: int, water: float, door: float, alarm: bool
) -> None:
    elder_id = _home(living, age, water, door)
    assert rules.check_inactivity() == int(alarm)
    assert Alarm.objects.filter(elder_id=elder_id, kind=AlarmKind.INACTIVITY).exists() == alarm
    assert rules.check_inactivity() == 0  # an open inactivity alarm is not raised again
    if alarm:
        assert Alarm.objects.get().event_count == 1


def test_a_newer_rule_row_takes_effect_from_its_date() -> None:
    today = timezone.localdate()
    RuleConfig.objects.create(group=ElderGroup.ALONE_80, no_water_hours=6, no_door_hours=8, valid_from=today)
    RuleConfig.objects.create(
        group=ElderGroup.ALONE_80,
        no_water_hours=1,
        no_door_hours=1,
        valid_from=today + datetime.timedelta(days=5),
    )
    _home(LivingSituation.ALONE, 85, 7, 9)
    assert rules.current_rules(today)[ElderGroup.ALONE_80].no_water_hours == 6
    assert rules.check_inactivity() == 1


def test_home_with_only_a_water_meter_is_judged_on_water() -> None:
    elder = make_elder(living_situation=LivingSituation.ALONE, age=85)
    make_device(
        elder=elder, kind=DeviceKind.WATER_METER, last_activity_at=NOW() - datetime.timedelta(hours=13)
    )
    assert rules.check_inactivity() == 1


def test_escalation_after_the_acknowledgement_limit(settings: object) -> None:
    device = make_device()
    ingest(message(device.serial, "sos"))
    alarm = Alarm.objects.get()
    assert rules.escalate_unacknowledged() == 0
    assert not alarm.overdue
    later = NOW() + datetime.timedelta(seconds=61)
    assert rules.escalate_unacknowledged(later) == 1
    alarm.refresh_from_db()
    assert alarm.escalated_at == later and alarm.overdue
    assert rules.escalate_unacknowledged(later) == 0


def test_missed_checkin_raises_one_follow_up() -> None:
    elder = make_elder(living_situation=LivingSituation.ALONE, age=85)
    make_device(elder=elder)
    fine = make_elder(living_situation=LivingSituation.ALONE, age=85)
    device = make_device(elder=fine)
    ingest(message(device.serial, "checkin"))
    assert CheckIn.objects.filter(elder=fine).exists()
    local = timezone.localtime()
    after_deadline = local.replace(hour=11, minute=0)
    before_deadline = local.replace(hour=9, minute=0)
    assert rules.check_missed_checkins(before_deadline) == 0
    assert rules.check_missed_checkins(after_deadline) == 1
    assert rules.check_missed_checkins(after_deadline) == 0
    alarm = Alarm.objects.get()
    assert (alarm.elder, alarm.kind, alarm.severity) == (elder, AlarmKind.CHECKIN_MISSED, Severity.FOLLOW_UP)
