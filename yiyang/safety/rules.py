"""Rules that turn device events into alarms and maintenance tasks.

* SOS, fall, smoke, gas (and a wristband leaving its geofence) raise an alarm at once.
* While an alarm of a device and kind is open, further events of that kind fold into it, so a flood of
  one device's messages makes one alarm with a counter.
* No water used for N hours and the door not opened for M hours raise an inactivity alarm; N and M
  come from the :class:`RuleConfig` of the elder's category (独居 80+ …). A periodic job evaluates it.
* A device gone silent or on low battery becomes a :class:`MaintenanceTask`, never an alarm.
* An alarm not acknowledged within ``SAFETY_ACK_TIMEOUT_SECONDS`` is marked escalated.
* An elder whose rule asks for a daily check-in and who has none by the deadline gets a follow-up.

The periodic checks are set-based: one query finds every elder or device concerned.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, DateTimeField, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from yiyang.core import audit
from yiyang.core.models import AuditEntry
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
    from yiyang.safety.ingest import Message

IMMEDIATE: dict[str, str] = {
    EventType.SOS: AlarmKind.SOS,
    EventType.FALL: AlarmKind.FALL,
    EventType.SMOKE: AlarmKind.SMOKE,
    EventType.GAS: AlarmKind.GAS,
    EventType.GEOFENCE_EXIT: AlarmKind.GEOFENCE,
}
ACTIVITY_EVENTS = {EventType.WATER_FLOW, EventType.DOOR_OPEN}


@dataclass(frozen=True)
class Outcome:
    alarm_id: int | None = None
    alarm_created: bool = False


# -- per event ---------------------------------------------------------------------------------------


def update_devices(pairs: Sequence[tuple[Device, Message]], now: datetime.datetime) -> None:
    """Last heard from, battery and last activity, for a batch of messages in one statement."""
    changed: dict[int, Device] = {}
    for device, m in pairs:
        ts = min(m.ts, now)  # a device clock in the future must not make it "seen" for ever
        if device.last_seen_at is None or ts > device.last_seen_at:
            device.last_seen_at = ts
            if m.battery is not None:
                device.battery = m.battery
            changed[device.pk] = device
        elif m.battery is not None and device.battery is None:
            device.battery = m.battery
            changed[device.pk] = device
        if m.type in ACTIVITY_EVENTS and (device.last_activity_at is None or ts > device.last_activity_at):
            device.last_activity_at = ts
            changed[device.pk] = device
    if changed:
        Device.objects.bulk_update(
            list(changed.values()), ["last_seen_at", "battery", "last_activity_at"], batch_size=500
        )


def on_event(device: Device, event: DeviceEvent, now: datetime.datetime) -> Outcome:
    kind = IMMEDIATE.get(event.type)
    outcome = Outcome()
    if kind is not None:
        alarm, created = raise_or_fold(
            elder_id=device.elder_id,
            device=device,
            kind=kind,
            event_ts=event.ts,
            now=now,
            detail=f"{device.get_kind_display()} {device.serial}",
        )
        DeviceEvent.objects.filter(pk=event.pk).update(alarm=alarm)
        outcome = Outcome(alarm.pk, created)
    elif event.type == EventType.CHECKIN:
        day = timezone.localdate(min(event.ts, now))
        CheckIn.objects.get_or_create(
            elder_id=device.elder_id, day=day, defaults={"at": event.ts, "method": CheckInMethod.BUTTON}
        )
    elif event.type == EventType.TEST:
        passed = event.value in (None, True, "ok", "pass")
        DeviceTest.objects.create(
            device=device, tested_on=timezone.localdate(event.ts), passed=passed, tested_by="设备自检"
        )
        Device.objects.filter(pk=device.pk).update(last_tested_on=timezone.localdate(event.ts))
    if event.battery is not None and event.battery < settings.SAFETY_LOW_BATTERY:
        open_task(device, MaintenanceKind.LOW_BATTERY, f"电量 {event.battery}%")
    return outcome


def fold_key(kind: str, *, device: Device | None = None, elder_id: int | None = None) -> str:
    return f"d{device.pk}:{kind}" if device is not None else f"e{elder_id}:{kind}"


def raise_or_fold(
    *,
    elder_id: int,
    kind: str,
    now: datetime.datetime,
    device: Device | None = None,
    event_ts: datetime.datetime | None = None,
    severity: str = Severity.URGENT,
    detail: str = "",
) -> tuple[Alarm, bool]:
    """The open alarm for this device (or elder) and kind, counting one more event; or a new one."""
    key = fold_key(kind, device=device, elder_id=elder_id)
    for _attempt in range(3):
        existing = Alarm.objects.select_for_update().filter(fold_key=key, closed_at__isnull=True).first()
        if existing is not None:
            Alarm.objects.filter(pk=existing.pk).update(event_count=F("event_count") + 1, last_event_at=now)
            return existing, False
        try:
            with transaction.atomic():
                alarm = Alarm.objects.create(
                    elder_id=elder_id,
                    device=device,
                    kind=kind,
                    severity=severity,
                    fold_key=key,
                    detail=detail[:200],
                    raised_at=now,
                    event_ts=event_ts,
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


def open_task(device: Device, kind: str, detail: str) -> MaintenanceTask | None:
    if MaintenanceTask.objects.filter(device=device, kind=kind, status=TaskStatus.OPEN).exists():
        return None
    try:
        with transaction.atomic():
            return MaintenanceTask.objects.create(device=device, kind=kind, detail=detail)
    except IntegrityError:
        return None


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
        rows: list[tuple[int, Any, Any]] = list(
            inactive_elders(now, rule).values_list("pk", "water_last", "door_last")  # type: ignore[misc]
        )
        for elder_id, water_last, door_last in rows:
            detail = f"{rule.get_group_display()}：超过 {rule.no_water_hours} 小时无用水、{rule.no_door_hours} 小时未开门"
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


def check_devices(now: datetime.datetime | None = None) -> dict[str, int]:
    """Maintenance tasks for silent and low-battery devices; closes those that recovered."""
    now = now or timezone.now()
    silent_since = now - datetime.timedelta(hours=settings.SAFETY_SILENT_HOURS)
    low = settings.SAFETY_LOW_BATTERY
    has_open = {
        kind: Exists(MaintenanceTask.objects.filter(device=OuterRef("pk"), kind=kind, status=TaskStatus.OPEN))
        for kind in (MaintenanceKind.SILENT, MaintenanceKind.LOW_BATTERY)
    }
    active = Device.objects.filter(status=DeviceStatus.ACTIVE)
    last = Coalesce("last_seen_at", "created_at", output_field=DateTimeField())
    silent = active.alias(last=last).filter(last__lt=silent_since).exclude(has_open[MaintenanceKind.SILENT])
    flat = active.filter(battery__lt=low).exclude(has_open[MaintenanceKind.LOW_BATTERY])
    with transaction.atomic():
        n_silent = _bulk_tasks(silent.values_list("pk", "last_seen_at"), MaintenanceKind.SILENT, now)
        n_flat = _bulk_tasks(flat.values_list("pk", "battery"), MaintenanceKind.LOW_BATTERY, now)
        back = MaintenanceTask.objects.filter(
            status=TaskStatus.OPEN, kind=MaintenanceKind.SILENT, device__last_seen_at__gte=silent_since
        ).update(status=TaskStatus.DONE, closed_at=now, note="设备恢复通信")
        charged = MaintenanceTask.objects.filter(
            status=TaskStatus.OPEN, kind=MaintenanceKind.LOW_BATTERY, device__battery__gte=low
        ).update(status=TaskStatus.DONE, closed_at=now, note="电量已恢复")
    return {"silent": n_silent, "low_battery": n_flat, "recovered": back + charged}


def _bulk_tasks(rows: Iterable[tuple[int, object]], kind: str, now: datetime.datetime) -> int:
    def detail(value: object) -> str:
        if kind == MaintenanceKind.LOW_BATTERY:
            return f"电量 {value}%"
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
                    message=f"{rule.get_group_display()}：{len(rows)} 名老人{detail}",
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
