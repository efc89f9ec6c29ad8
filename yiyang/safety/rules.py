"""Rules that turn device events into alarms and maintenance tasks.

* SOS, fall, smoke, gas (and a wristband leaving its geofence) raise an alarm at once.
* While an alarm of a device and kind is open, further events of that kind fold into it, so a flood of
  one device's messages makes one alarm with a counter.
* No water used for N hours and the door not opened for M hours raise an inactivity alarm; N and M
  come from the :class:`RuleConfig` of the elder's category (独居 80+ …). A periodic job evaluates it.
* A device gone silent, on low battery, failing its self-test or not tested for a month becomes a
  :class:`MaintenanceTask`, never an alarm.
* A wristband's location report outside its geofence (a radius around the device's own centre or
  the elder's home) raises a 离开安全区域 alarm, like a wristband that reports ``geofence_exit``.
* An alarm not acknowledged within ``SAFETY_ACK_TIMEOUT_SECONDS`` is marked escalated.
* An elder whose rule asks for a daily check-in and who has none by the deadline gets a follow-up.

The periodic checks are set-based: one query finds every elder or device concerned.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DateTimeField, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from yiyang.core import audit
from yiyang.core.i18n import records_language, stored
from yiyang.core.models import AuditEntry
from yiyang.core.sql import execute_bound
from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.models import Elder
from yiyang.safety.choices import (
    AlarmKind,
    CheckInMethod,
    DeviceKind,
    DeviceStatus,
    ElderGroup,
    EventType,
    MaintenanceKind,
    Severity,
    TaskStatus,
)
from yiyang.safety.models import (
    Alarm,
    CheckIn,
    Device,
    DeviceEvent,
    DeviceTest,
    MaintenanceTask,
    RuleConfig,
)

if TYPE_CHECKING:
    from yiyang.safety.directory import DeviceRef
    from yiyang.safety.payload import Message

IMMEDIATE: dict[str, str] = {
    EventType.SOS: AlarmKind.SOS,
    EventType.FALL: AlarmKind.FALL,
    EventType.SMOKE: AlarmKind.SMOKE,
    EventType.GAS: AlarmKind.GAS,
    EventType.GEOFENCE_EXIT: AlarmKind.GEOFENCE,  # a wristband that keeps its own fence
}
ACTIVITY_EVENTS = {EventType.WATER_FLOW, EventType.DOOR_OPEN}


@dataclass(frozen=True)
class Outcome:
    alarm_id: int | None = None
    alarm_created: bool = False


# -- per batch of events -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event just inserted: its id, its device and the message it came from."""

    event_id: int
    device: DeviceRef
    message: Message


def update_devices(events: Sequence[StoredEvent], now: datetime.datetime) -> None:
    """Last heard from, battery and last activity for a whole batch, in one statement.

    A device clock in the future must not make it "seen" for ever, so times are capped at ``now``.
    The battery is the one of the device's latest message that carried one, unless the device has
    already reported something newer.
    """
    agg: dict[int, list[Any]] = {}  # id → [seen, battery, battery_ts, activity]
    for e in events:
        m = e.message
        ts = min(m.ts, now)
        row = agg.setdefault(e.device.id, [ts, None, None, None])
        row[0] = max(row[0], ts)
        if m.battery is not None and (row[2] is None or ts >= row[2]):
            row[1], row[2] = m.battery, ts
        if m.type in ACTIVITY_EVENTS and (row[3] is None or ts > row[3]):
            row[3] = ts
    if not agg:
        return
    if connection.vendor == "postgresql":
        _update_devices_pg(agg)
    else:
        _update_devices_orm(agg)


def _update_devices_pg(agg: dict[int, list[Any]]) -> None:
    # One UPDATE … FROM unnest(…) instead of Django's bulk_update, whose CASE WHEN per row costs
    # seconds for a few hundred devices. GREATEST ignores NULLs; SET reads the row's old values.
    # Two listeners may lock the same devices in another order: a deadlock fails one batch, which
    # the listener retries.
    ids = sorted(agg)
    table = Device._meta.db_table
    sql = f"""
        UPDATE {table} AS d SET
          last_seen_at = GREATEST(d.last_seen_at, v.seen),
          battery = CASE WHEN v.battery IS NOT NULL AND (
                      d.battery IS NULL OR d.last_seen_at IS NULL OR v.battery_ts >= d.last_seen_at)
                    THEN v.battery ELSE d.battery END,
          last_activity_at = GREATEST(d.last_activity_at, v.activity)
        FROM unnest(%b::bigint[], %b::timestamptz[], %b::int[], %b::timestamptz[], %b::timestamptz[])
             AS v(id, seen, battery, battery_ts, activity)
        WHERE d.id = v.id
    """
    columns = [[agg[i][k] for i in ids] for k in range(4)]
    execute_bound(sql, [ids, *columns])


def _update_devices_orm(agg: dict[int, list[Any]]) -> None:
    """The same for SQLite (development and tests): read the devices, compare, write back."""
    changed: list[Device] = []
    for device in Device.objects.filter(pk__in=list(agg)).only(
        "id", "last_seen_at", "battery", "last_activity_at"
    ):
        seen, battery, battery_ts, activity = agg[device.pk]
        dirty = False
        if battery is not None and (
            device.battery is None or device.last_seen_at is None or battery_ts >= device.last_seen_at
        ):
            dirty, device.battery = dirty or device.battery != battery, battery
        if device.last_seen_at is None or seen > device.last_seen_at:
            dirty, device.last_seen_at = True, seen
        if activity is not None and (device.last_activity_at is None or activity > device.last_activity_at):
            dirty, device.last_activity_at = True, activity
        if dirty:
            changed.append(device)
    if changed:
        Device.objects.bulk_update(changed, ["last_seen_at", "battery", "last_activity_at"], batch_size=500)


def apply_batch(events: Sequence[StoredEvent], now: datetime.datetime) -> dict[int, Outcome]:
    """The rules for a batch of stored events, set-wise: a query per kind of consequence, not per event.

    Alarm events are grouped by device and kind, so that fifty SOS presses in one batch cost one
    raise-or-fold; check-ins, self-tests and low batteries are one insert each for the whole batch.
    Returns the outcome of each event that raised or folded into an alarm, by event id.
    """
    groups: dict[tuple[int, str], list[StoredEvent]] = {}
    details: dict[tuple[int, str], str] = {}
    checkins: list[StoredEvent] = []
    tests: list[StoredEvent] = []
    locations: list[StoredEvent] = []
    low: dict[int, int] = {}
    for e in events:
        kind = IMMEDIATE.get(e.message.type)
        if kind is not None:
            groups.setdefault((e.device.id, kind), []).append(e)
        elif e.message.type == EventType.CHECKIN:
            checkins.append(e)
        elif e.message.type == EventType.TEST:
            tests.append(e)
        elif e.message.type == EventType.LOCATION:
            locations.append(e)
        if e.message.battery is not None and e.message.battery < settings.SAFETY_LOW_BATTERY:
            low[e.device.id] = e.message.battery
    for e, distance, radius in geofence_breaches(locations):
        key = (e.device.id, AlarmKind.GEOFENCE)
        groups.setdefault(key, []).append(e)
        details.setdefault(key, f"离开电子围栏：距中心约 {distance:.0f} 米（围栏 {radius} 米）")
    outcomes: dict[int, Outcome] = {}
    # In key order, so that two listeners lock open alarms in the same order (no deadlock).
    for (device_id, kind), group in sorted(groups.items()):
        ref = group[0].device
        alarm, created = raise_or_fold(
            elder_id=ref.elder_id,
            device_id=device_id,
            kind=kind,
            event_ts=group[0].message.ts,
            now=now,
            count=len(group),
            detail=details.get((device_id, kind)) or f"{stored(DeviceKind(ref.kind).label)} {ref.serial}",
        )
        ids = [e.event_id for e in group]
        DeviceEvent.objects.filter(pk__in=ids).update(alarm=alarm)
        for n, event_id in enumerate(ids):
            outcomes[event_id] = Outcome(alarm.pk, created and n == 0)
    if checkins:
        _record_checkins(checkins, now)
    if tests:
        _record_tests(tests, now)
    if low:
        open_tasks(MaintenanceKind.LOW_BATTERY, {pk: f"电量 {level}%" for pk, level in low.items()}, now)
    return outcomes


def _record_checkins(events: Sequence[StoredEvent], now: datetime.datetime) -> None:
    rows: dict[tuple[int, datetime.date], CheckIn] = {}
    for e in events:
        day = timezone.localdate(min(e.message.ts, now))
        rows.setdefault(
            (e.device.elder_id, day),
            CheckIn(elder_id=e.device.elder_id, day=day, at=e.message.ts, method=CheckInMethod.BUTTON),
        )
    # One check-in per elder and day (a unique constraint): the first of the day stands.
    CheckIn.objects.bulk_create(list(rows.values()), ignore_conflicts=True)


def _record_tests(events: Sequence[StoredEvent], now: datetime.datetime) -> None:
    tests: list[DeviceTest] = []
    tested: dict[datetime.date, list[int]] = {}
    failed: dict[int, str] = {}
    for e in events:
        day = timezone.localdate(min(e.message.ts, now))
        passed = e.message.value in (None, True, "ok", "pass")
        tests.append(DeviceTest(device_id=e.device.id, tested_on=day, passed=passed, tested_by="设备自检"))
        tested.setdefault(day, []).append(e.device.id)
        if not passed:
            failed[e.device.id] = f"设备自检未通过（{str(e.message.value)[:60]}）"
    DeviceTest.objects.bulk_create(tests)
    for day, ids in tested.items():
        Device.objects.filter(Q(last_tested_on__isnull=True) | Q(last_tested_on__lt=day), pk__in=ids).update(
            last_tested_on=day
        )
    if failed:
        open_tasks(MaintenanceKind.FAULT, failed, now)


# -- geofence ------------------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG); the error over a few kilometres is centimetres


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def outside_fence(
    position: tuple[float, float], centre: tuple[float, float], radius_m: float, accuracy_m: float = 0.0
) -> float | None:
    """The distance from the centre when the position is surely outside the fence, else None.

    A fix is only "outside" when even its accuracy circle lies beyond the fence: GPS drift of an
    elder sitting at home must not call the hotline.
    """
    distance = distance_m(*position, *centre)
    return distance if distance - max(accuracy_m, 0.0) > radius_m else None


def geofence_breaches(events: Sequence[StoredEvent]) -> list[tuple[StoredEvent, float, int]]:
    """Location reports outside their device's fence, with one query for all the fences concerned.

    The fence is the device's radius around the device's own centre, or else the elder's home.
    A device without a radius, or without any centre, has no fence.
    """
    if not events:
        return []
    fences: dict[int, tuple[int, float, float]] = {}
    rows = Device.objects.filter(
        pk__in={e.device.id for e in events}, geofence_radius_m__isnull=False
    ).values_list(
        "id",
        "geofence_radius_m",
        "geofence_latitude",
        "geofence_longitude",
        "elder__latitude",
        "elder__longitude",
    )
    for pk, radius, lat, lng, home_lat, home_lng in rows:
        centre = (lat, lng) if lat is not None and lng is not None else (home_lat, home_lng)
        if centre[0] is not None and centre[1] is not None and radius:
            fences[pk] = (radius, centre[0], centre[1])
    breaches: list[tuple[StoredEvent, float, int]] = []
    for e in events:
        fence = fences.get(e.device.id)
        value = e.message.value
        if fence is None or not isinstance(value, dict):
            continue
        radius, lat, lng = fence
        distance = outside_fence(
            (float(value["lat"]), float(value["lng"])), (lat, lng), radius, float(value.get("accuracy") or 0)
        )
        if distance is not None:
            breaches.append((e, distance, radius))
    return breaches


def fold_key(kind: str, *, device_id: int | None = None, elder_id: int | None = None) -> str:
    return f"d{device_id}:{kind}" if device_id is not None else f"e{elder_id}:{kind}"


def raise_or_fold(
    *,
    elder_id: int,
    kind: str,
    now: datetime.datetime,
    device_id: int | None = None,
    event_ts: datetime.datetime | None = None,
    severity: str = Severity.URGENT,
    detail: str = "",
    count: int = 1,
) -> tuple[Alarm, bool]:
    """The open alarm for this device (or elder) and kind, counting ``count`` more events; or a new one.

    The partial unique index on ``fold_key`` (open alarms only) makes this hold for two listeners at
    once: the loser of a race gets an IntegrityError and folds into the winner's alarm.
    """
    key = fold_key(kind, device_id=device_id, elder_id=elder_id)
    for _attempt in range(3):
        existing = Alarm.objects.select_for_update().filter(fold_key=key, closed_at__isnull=True).first()
        if existing is not None:
            Alarm.objects.filter(pk=existing.pk).update(
                event_count=F("event_count") + count, last_event_at=now
            )
            return existing, False
        try:
            with transaction.atomic():
                alarm = Alarm.objects.create(
                    elder_id=elder_id,
                    device_id=device_id,
                    kind=kind,
                    severity=severity,
                    fold_key=key,
                    detail=detail[:200],
                    raised_at=now,
                    event_ts=event_ts,
                    event_count=count,
                    last_event_at=now,
                )
        except IntegrityError:
            continue  # raised by another listener a moment ago: fold into it
        audit.record_change(
            actor=None,
            obj=alarm,
            action=AuditEntry.Action.CREATE,
            verb="alarm.raise",
            after={"kind": kind, "severity": severity, "detail": alarm.detail},
            subject_id=elder_id,
        )
        return alarm, True
    raise RuntimeError(f"could not raise or fold alarm {key}")


def open_tasks(kind: str, details: dict[int, str], now: datetime.datetime) -> int:
    """One open maintenance task of ``kind`` per device in ``details`` (device id → text); set-based
    and idempotent: devices that already have one are skipped, and the partial unique index settles
    a race. Returns how many were opened."""
    if not details:
        return 0
    existing = set(
        MaintenanceTask.objects.filter(
            device_id__in=list(details), kind=kind, status=TaskStatus.OPEN
        ).values_list("device_id", flat=True)
    )
    rows = [
        MaintenanceTask(device_id=pk, kind=kind, detail=text[:200], opened_at=now)
        for pk, text in details.items()
        if pk not in existing
    ]
    MaintenanceTask.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# -- elder categories and their rules --------------------------------------------------------------

_ALONE = [LivingSituation.ALONE, LivingSituation.GUGUA]


def _cutoff(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def group_q(group: str, today: datetime.date) -> Q:
    """Elders of one category; the categories partition the registry."""
    old = Q(birth_date__lte=_cutoff(today, 80))
    alone = Q(living_situation__in=_ALONE)
    empty = Q(living_situation=LivingSituation.EMPTY_NEST)
    return {
        ElderGroup.ALONE_80: alone & old,
        ElderGroup.ALONE: alone & ~old,
        ElderGroup.EMPTY_NEST_80: empty & old,
        ElderGroup.EMPTY_NEST: empty & ~old,
        ElderGroup.OTHER: ~alone & ~empty,
    }[ElderGroup(group)]


def elder_group(living_situation: str, age: int) -> str:
    """The same partition for one elder (pure; the table-driven tests pin it to :func:`group_q`)."""
    if living_situation in _ALONE:
        return ElderGroup.ALONE_80 if age >= 80 else ElderGroup.ALONE
    if living_situation == LivingSituation.EMPTY_NEST:
        return ElderGroup.EMPTY_NEST_80 if age >= 80 else ElderGroup.EMPTY_NEST
    return ElderGroup.OTHER


def current_rules(day: datetime.date) -> dict[str, RuleConfig]:
    """The rule in force for each category on ``day`` (the latest ``valid_from`` wins)."""
    rules: dict[str, RuleConfig] = {}
    for rule in RuleConfig.objects.current(day).order_by("group", "-valid_from", "-id"):
        rules.setdefault(rule.group, rule)
    return rules


# -- periodic checks ---------------------------------------------------------------------------------


def _open_alarm(kind: str) -> Exists:
    return Exists(Alarm.objects.filter(elder=OuterRef("pk"), kind=kind, closed_at__isnull=True))


def inactive_elders(now: datetime.datetime, rule: RuleConfig) -> QuerySet[Elder]:
    """Elders of the rule's category whose water meters and door sensors all show no activity."""
    active = Q(devices__status=DeviceStatus.ACTIVE)
    seen = Coalesce("devices__last_activity_at", "devices__created_at", output_field=DateTimeField())
    water = active & Q(devices__kind=DeviceKind.WATER_METER)
    door = active & Q(devices__kind=DeviceKind.DOOR)
    return (
        Elder.objects.filter(group_q(rule.group, timezone.localdate(now)), status=ElderStatus.LIVING)
        .annotate(
            n_water=Count("devices", filter=water),
            n_door=Count("devices", filter=door),
            water_last=Max(seen, filter=water),
            door_last=Max(seen, filter=door),
        )
        .filter(Q(n_water__gt=0) | Q(n_door__gt=0))
        .filter(Q(n_water=0) | Q(water_last__lt=now - datetime.timedelta(hours=rule.no_water_hours)))
        .filter(Q(n_door=0) | Q(door_last__lt=now - datetime.timedelta(hours=rule.no_door_hours)))
        .exclude(_open_alarm(AlarmKind.INACTIVITY))
    )


def check_inactivity(now: datetime.datetime | None = None) -> int:
    """Raise an inactivity alarm for every elder whose home has gone quiet; returns how many."""
    now = now or timezone.now()
    raised = 0
    for rule in current_rules(timezone.localdate(now)).values():
        with records_language():  # the alarm's detail is saved: Chinese whatever the language
            group = rule.get_group_display()
        rows: list[tuple[int, Any, Any]] = list(
            inactive_elders(now, rule).values_list("pk", "water_last", "door_last")  # type: ignore[misc]
        )
        for elder_id, water_last, door_last in rows:
            detail = f"{group}：超过 {rule.no_water_hours} 小时无用水、{rule.no_door_hours} 小时未开门"
            with transaction.atomic():
                _alarm, created = raise_or_fold(
                    elder_id=elder_id,
                    kind=AlarmKind.INACTIVITY,
                    now=now,
                    event_ts=max([t for t in (water_last, door_last) if t is not None], default=None),
                    detail=detail,
                )
            raised += int(created)
    return raised


def test_interval() -> datetime.timedelta:
    """How long a device may go untested: a month (telecare practice: every alarm device is tested
    monthly, 设备月度测试). The setting ``SAFETY_TEST_INTERVAL_DAYS`` (default 31) can tighten it."""
    return datetime.timedelta(days=getattr(settings, "SAFETY_TEST_INTERVAL_DAYS", 31))


def check_devices(now: datetime.datetime | None = None) -> dict[str, int]:
    """Maintenance tasks for silent, low-battery and untested devices; closes those that recovered.

    Set-based and idempotent: one query finds the devices of each kind without an open task, one
    insert opens theirs (the partial unique index keeps it to one open task per device and kind,
    even when two runs overlap), one update closes the tasks whose device is fine again.
    """
    now = now or timezone.now()
    silent_since = now - datetime.timedelta(hours=settings.SAFETY_SILENT_HOURS)
    low = settings.SAFETY_LOW_BATTERY
    # A device installed or tested on or after this day is within its monthly test.
    tested_since = timezone.localdate(now) - test_interval()
    has_open = {
        kind: Exists(MaintenanceTask.objects.filter(device=OuterRef("pk"), kind=kind, status=TaskStatus.OPEN))
        for kind in (MaintenanceKind.SILENT, MaintenanceKind.LOW_BATTERY, MaintenanceKind.TEST_DUE)
    }
    active = Device.objects.filter(status=DeviceStatus.ACTIVE)
    last = Coalesce("last_seen_at", "created_at", output_field=DateTimeField())
    silent = active.alias(last=last).filter(last__lt=silent_since).exclude(has_open[MaintenanceKind.SILENT])
    flat = active.filter(battery__lt=low).exclude(has_open[MaintenanceKind.LOW_BATTERY])
    untested = (
        active.filter(installed_on__lt=tested_since)
        .filter(Q(last_tested_on__isnull=True) | Q(last_tested_on__lt=tested_since))
        .exclude(has_open[MaintenanceKind.TEST_DUE])
    )
    with transaction.atomic():
        n_silent = _bulk_tasks(silent.values_list("pk", "last_seen_at"), MaintenanceKind.SILENT, now)
        n_flat = _bulk_tasks(flat.values_list("pk", "battery"), MaintenanceKind.LOW_BATTERY, now)
        n_due = _bulk_tasks(untested.values_list("pk", "last_tested_on"), MaintenanceKind.TEST_DUE, now)
        back = MaintenanceTask.objects.filter(
            status=TaskStatus.OPEN, kind=MaintenanceKind.SILENT, device__last_seen_at__gte=silent_since
        ).update(status=TaskStatus.DONE, closed_at=now, note="设备恢复通信")
        charged = MaintenanceTask.objects.filter(
            status=TaskStatus.OPEN, kind=MaintenanceKind.LOW_BATTERY, device__battery__gte=low
        ).update(status=TaskStatus.DONE, closed_at=now, note="电量已恢复")
        tested = MaintenanceTask.objects.filter(
            status=TaskStatus.OPEN, kind=MaintenanceKind.TEST_DUE, device__last_tested_on__gte=tested_since
        ).update(status=TaskStatus.DONE, closed_at=now, note="已完成测试")
    return {
        "silent": n_silent,
        "low_battery": n_flat,
        "test_due": n_due,
        "recovered": back + charged,
        "tested": tested,
    }


def _bulk_tasks(rows: Iterable[tuple[int, object]], kind: str, now: datetime.datetime) -> int:
    def detail(value: object) -> str:
        if kind == MaintenanceKind.LOW_BATTERY:
            return f"电量 {value}%"
        if kind == MaintenanceKind.TEST_DUE:
            if isinstance(value, datetime.date):
                return f"最近测试 {value:%Y-%m-%d}，已超过 {test_interval().days} 天"
            return "安装后从未测试"
        if isinstance(value, datetime.datetime):
            return f"最近通信 {timezone.localtime(value):%Y-%m-%d %H:%M}"
        return "安装后从未通信"

    tasks = [MaintenanceTask(device_id=pk, kind=kind, detail=detail(v), opened_at=now) for pk, v in rows]
    MaintenanceTask.objects.bulk_create(tasks, batch_size=1000, ignore_conflicts=True)
    return len(tasks)


def escalate_unacknowledged(now: datetime.datetime | None = None) -> int:
    """Mark urgent alarms not acknowledged in time as escalated (the board flags them and sounds)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.SAFETY_ACK_TIMEOUT_SECONDS)
    due = Alarm.objects.filter(
        status="new", severity=Severity.URGENT, escalated_at__isnull=True, raised_at__lt=limit
    ).select_related("elder")
    count = 0
    with transaction.atomic():
        for alarm in due.select_for_update(of=("self",)):
            alarm.escalated_at = now
            alarm.save(update_fields=["escalated_at", "updated_at"])
            audit.record_change(
                actor=None,
                obj=alarm,
                action=AuditEntry.Action.WORKFLOW,
                verb="alarm.escalate",
                after={"escalated_at": now.isoformat()},
                message=f"超过 {settings.SAFETY_ACK_TIMEOUT_SECONDS} 秒未接警，已升级",
            )
            count += 1
    return count


def check_missed_checkins(now: datetime.datetime | None = None) -> int:
    """A follow-up for each enrolled elder without a check-in today after the rule's deadline."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()
    raised = 0
    for rule in current_rules(today).values():
        if not rule.checkin_required or local.time() < rule.checkin_by:
            continue
        with records_language():  # the audit message is saved: Chinese whatever the language
            group = rule.get_group_display()
        elders = (
            Elder.objects.filter(group_q(rule.group, today), status=ElderStatus.LIVING)
            .filter(Exists(Device.objects.filter(elder=OuterRef("pk"), status=DeviceStatus.ACTIVE)))
            .exclude(Exists(CheckIn.objects.filter(elder=OuterRef("pk"), day=today)))
            .exclude(_open_alarm(AlarmKind.CHECKIN_MISSED))
            .exclude(
                Exists(
                    Alarm.objects.filter(
                        elder=OuterRef("pk"), kind=AlarmKind.CHECKIN_MISSED, raised_at__date=today
                    )
                )
            )
        )
        # Set-based: a morning may find thousands of elders without a check-in.
        detail = f"截至 {rule.checkin_by:%H:%M} 未平安签到"
        rows = [
            Alarm(
                elder_id=elder_id,
                kind=AlarmKind.CHECKIN_MISSED,
                severity=Severity.FOLLOW_UP,
                fold_key=fold_key(AlarmKind.CHECKIN_MISSED, elder_id=elder_id),
                detail=detail,
                raised_at=now,
                last_event_at=now,
            )
            for elder_id in elders.values_list("pk", flat=True).iterator(chunk_size=5000)
        ]
        if rows:
            with transaction.atomic():
                Alarm.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
                audit.record_bulk(
                    actor=None,
                    object_type="safety.alarm",
                    verb="alarm.raise.checkin_missed",
                    area_path="",
                    message=f"{group}：{len(rows)} 名老人{detail}",
                )
        raised += len(rows)
    return raised


def run_checks(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    result = {
        "escalated": escalate_unacknowledged(now),
        "inactivity": check_inactivity(now),
        "checkin_missed": check_missed_checkins(now),
    }
    result.update(check_devices(now))
    return result
