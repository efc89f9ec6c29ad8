"""Demo data for safety monitoring: devices in a share of the demo elders' homes (80+ living alone
first), a season of handled alarms so the service-level page has figures, and a few live alarms
raised in-process through :func:`ingest` (``make run`` has no broker)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.models import Elder
from yiyang.safety import rules
from yiyang.safety.choices import (
    AlarmKind,
    AlarmOutcome,
    AlarmStatus,
    CalleeKind,
    CallOutcome,
    DeviceKind,
    DispatchTarget,
)
from yiyang.safety.ingest import ingest
from yiyang.safety.models import Alarm, AlarmCall, Device, DeviceTest
from yiyang.safety.simulator import payload

ALARM_FOR_DEVICE: dict[str, str] = {
    "smoke": AlarmKind.SMOKE,
    "gas": AlarmKind.GAS,
    "fall_detector": AlarmKind.FALL,
}
INSTALLER = "通州区智慧养老设备安装队"
MODELS = {
    DeviceKind.SOS_BUTTON: "YY-SOS-2",
    DeviceKind.FALL_DETECTOR: "YY-RADAR-60G",
    DeviceKind.SMOKE: "JTY-GD-YY01",
    DeviceKind.GAS: "JT-YY-CH4",
    DeviceKind.DOOR: "YY-MC-3",
    DeviceKind.WATER_METER: "NB-IoT DN15",
    DeviceKind.WRISTBAND: "YY-BAND-4G",
}


PLATFORM_USERNAME = "shebei"


@dataclass
class SafetyDemoResult:
    homes: int = 0
    devices: int = 0
    history_alarms: int = 0
    live_alarms: int = 0
    platform_token: str = ""


def ensure_device_platform() -> str:
    """The demo's device platform account (设备平台, district-wide), returning its API token.

    It has no usable password: a platform signs in with its token only, never on the web pages.
    Re-running keeps the account and its token.
    """
    from rest_framework.authtoken.models import Token

    from yiyang.accounts.models import AreaAssignment, User
    from yiyang.accounts.roles import Role
    from yiyang.areas.models import Area, AreaLevel

    user = User.objects.filter(username=PLATFORM_USERNAME).first()
    if user is None:
        user = User(
            username=PLATFORM_USERNAME, last_name="设备平台", organisation="智慧养老设备厂商云平台（演示）"
        )
        user.set_unusable_password()
    user.role = Role.DEVICE_PLATFORM
    user.is_active = True
    user.save()
    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
    if district is not None:
        AreaAssignment.objects.get_or_create(user=user, area=district)
    return str(Token.objects.get_or_create(user=user)[0].key)


def candidate_elders(limit: int) -> list[Elder]:
    """Living elders, 80+ living alone first, then living alone, then empty nest, then the rest."""
    today = timezone.localdate()
    cutoff = today.replace(year=today.year - 80)
    alone = [LivingSituation.ALONE, LivingSituation.GUGUA]
    qs = (
        Elder.objects.filter(status=ElderStatus.LIVING)
        .exclude(devices__isnull=False)
        .annotate(
            rank=Case(
                When(living_situation__in=alone, birth_date__lte=cutoff, then=Value(0)),
                When(living_situation__in=alone, then=Value(1)),
                When(living_situation=LivingSituation.EMPTY_NEST, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "id")
    )
    return list(qs[:limit])


def install_devices(elders: list[Elder], *, seed: int = 5, prefix: str = "TZ") -> list[Device]:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    devices: list[Device] = []
    start = Device.objects.count()
    for n, elder in enumerate(elders):
        kinds = [DeviceKind.SOS_BUTTON, DeviceKind.DOOR, DeviceKind.WATER_METER, DeviceKind.SMOKE]
        if elder.living_situation in (LivingSituation.ALONE, LivingSituation.GUGUA):
            kinds.append(DeviceKind.FALL_DETECTOR)
        if rng.random() < 0.4:
            kinds.append(DeviceKind.GAS)
        if rng.random() < 0.1:
            kinds.append(DeviceKind.WRISTBAND)
        installed = today - datetime.timedelta(days=rng.randint(20, 400))
        for k in kinds:
            devices.append(
                Device(
                    serial=f"{prefix}{start + len(devices) + 1:07d}",
                    kind=k,
                    device_model=MODELS[k],
                    elder=elder,
                    installer=INSTALLER,
                    installed_on=installed,
                    battery=rng.randint(5, 19) if rng.random() < 0.02 else rng.randint(45, 100),
                    # A few devices have gone silent for days: the maintenance list is not empty.
                    last_seen_at=now - datetime.timedelta(days=rng.randint(2, 6))
                    if rng.random() < 0.01
                    else now - datetime.timedelta(minutes=rng.randint(1, 50)),
                    last_activity_at=now - datetime.timedelta(hours=rng.uniform(0.2, 6)),
                    last_tested_on=today.replace(day=1) if rng.random() < 0.9 and today.day > 1 else None,
                    geofence_radius_m=500 if k == DeviceKind.WRISTBAND else None,
                )
            )
        if n % 1000 == 999:
            pass
    Device.objects.bulk_create(devices, batch_size=2000)
    saved = list(Device.objects.filter(serial__in=[d.serial for d in devices]))
    DeviceTest.objects.bulk_create(
        [
            DeviceTest(device=d, tested_on=d.last_tested_on, passed=True, tested_by=INSTALLER)
            for d in saved
            if d.last_tested_on
        ],
        batch_size=2000,
    )
    return saved


def history(devices: list[Device], *, days: int = 150, per_day: float = 3.0, seed: int = 9) -> int:
    """Closed alarms over the past months with plausible timings (most answered within 60 s)."""
    rng = random.Random(seed)
    by_elder: dict[int, list[Device]] = {}
    for d in devices:
        by_elder.setdefault(d.elder_id, []).append(d)
    elders = list(by_elder)
    if not elders:
        return 0
    now = timezone.now()
    alarms: list[Alarm] = []
    for day in range(days, 0, -1):
        for _ in range(int(rng.expovariate(1 / per_day)) + 1):
            elder_id = rng.choice(elders)
            device = rng.choice(by_elder[elder_id])
            kind = ALARM_FOR_DEVICE.get(device.kind, AlarmKind.SOS)
            raised = now - datetime.timedelta(days=day, seconds=rng.randint(0, 86_000))
            ack = raised + datetime.timedelta(
                seconds=rng.choice([rng.uniform(4, 55)] * 49 + [rng.uniform(61, 240)])
            )
            reached = ack + datetime.timedelta(seconds=rng.uniform(20, 300))
            outcome = rng.choices(
                [AlarmOutcome.REAL, AlarmOutcome.FALSE, AlarmOutcome.DEVICE_FAULT], [0.45, 0.45, 0.10]
            )[0]
            dispatched = (
                reached + datetime.timedelta(seconds=rng.uniform(30, 240))
                if outcome == AlarmOutcome.REAL
                else None
            )
            on_site = dispatched + datetime.timedelta(seconds=rng.uniform(300, 1500)) if dispatched else None
            closed = (on_site or reached) + datetime.timedelta(seconds=rng.uniform(120, 1800))
            alarms.append(
                Alarm(
                    elder_id=elder_id,
                    device=device,
                    kind=kind,
                    status=AlarmStatus.CLOSED,
                    fold_key=f"d{device.pk}:{kind}",
                    detail=f"{device.get_kind_display()} {device.serial}",
                    raised_at=raised,
                    event_ts=raised,
                    last_event_at=raised,
                    acknowledged_at=ack,
                    contacting_at=ack + datetime.timedelta(seconds=5),
                    reached_at=reached,
                    elder_reached_at=reached if rng.random() < 0.6 else None,
                    dispatched_at=dispatched,
                    dispatch_target=DispatchTarget.GRID_WORKER if dispatched else "",
                    dispatch_to="网格员" if dispatched else "",
                    on_site_at=on_site,
                    closed_at=closed,
                    outcome=outcome,
                    notes={
                        "real": "老人不慎摔倒，网格员到场协助，已通知家属",
                        "false": "老人误按，电话确认平安",
                        "device_fault": "设备故障误报，已报修",
                    }[outcome],
                    created_at=raised,
                )
            )
    Alarm.objects.bulk_create(alarms, batch_size=1000)
    saved = Alarm.objects.filter(
        raised_at__lt=now - datetime.timedelta(hours=12), status=AlarmStatus.CLOSED
    ).select_related("elder")
    AlarmCall.objects.bulk_create(
        [
            AlarmCall(
                alarm=a,
                callee_kind=CalleeKind.ELDER,
                callee_name=a.elder.name,
                relation="本人",
                phone_masked=a.elder.phone_masked,
                outcome=CallOutcome.REACHED,
                called_at=a.reached_at or a.raised_at,
            )
            for a in saved.filter(calls__isnull=True)
        ],
        batch_size=1000,
    )
    return len(alarms)


def live_alarms(count: int, *, seed: int = 11) -> int:
    """Raise a few alarms now, through the same ingest as the listener (SOS, fall, smoke)."""
    rng = random.Random(seed)
    raised = 0
    kinds = [("sos_button", "sos"), ("fall_detector", "fall"), ("smoke", "smoke")]
    for i in range(count):
        device_kind, event = kinds[i % len(kinds)]
        devices = Device.objects.filter(kind=device_kind, status="active")
        n = devices.count()
        device = devices.order_by("id")[rng.randrange(n)] if n else None
        if device is None:
            continue
        result = ingest(
            payload(device.serial, event, value="demo", battery=device.battery), f"demo:{device.serial}"
        )
        raised += int(result.alarm_created)
    return raised


@transaction.atomic
def run_safety_demo(*, homes: int, history_days: int, live: int) -> SafetyDemoResult:
    result = SafetyDemoResult()
    elders = candidate_elders(homes)
    devices = install_devices(elders)
    result.homes, result.devices = len(elders), len(devices)
    if devices and not Alarm.objects.filter(status=AlarmStatus.CLOSED).exists():
        result.history_alarms = history(devices, days=history_days)
    rules.check_devices()
    result.live_alarms = live_alarms(live)
    result.platform_token = ensure_device_platform()
    return result
