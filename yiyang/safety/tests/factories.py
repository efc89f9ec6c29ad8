"""Factories for the safety module: devices in elders' homes and payloads as devices send them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from yiyang.core.testing import next_number
from yiyang.people.models import Elder, ElderContact
from yiyang.people.tests.factories import ContactFactory, ElderFactory
from yiyang.safety.choices import AlarmKind, AlarmStatus, DeviceKind, Severity
from yiyang.safety.models import Alarm, Device


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    serial = factory.LazyFunction(lambda: f"T{next_number():08d}")
    kind = DeviceKind.SOS_BUTTON
    device_model = "YY-SOS-2"
    elder = factory.SubFactory(ElderFactory)
    installer = "测试安装队"
    last_seen_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)


def message(
    serial: str,
    type: str = "heartbeat",
    *,
    id: str | None = None,
    ts: datetime.datetime | str | None = None,
    **extra: Any,
) -> bytes:
    import json

    when = ts or timezone.now()
    body = {
        "id": id or uuid.uuid4().hex,
        "serial": serial,
        "type": type,
        "ts": when if isinstance(when, str) else when.isoformat(),
        **extra,
    }
    return json.dumps(body).encode()


def topic(serial: str) -> str:
    return f"yiyang/devices/{serial}/events"


# Typed shorthands: factory_boy's classes are typed as returning the factory, not the model.
def make_device(**kwargs: Any) -> Device:
    return cast(Device, DeviceFactory(**kwargs))


def make_elder(**kwargs: Any) -> Elder:
    return cast(Elder, ElderFactory(**kwargs))


def make_contact(**kwargs: Any) -> ElderContact:
    return cast(ElderContact, ContactFactory(**kwargs))


def make_surge(elders: list[Elder], count: int, *, urgent_every: int = 3) -> list[Alarm]:
    """``count`` open alarms raised over the last ``count`` minutes, one a minute, the newest last;
    every ``urgent_every``-th is urgent, the others follow-ups, and every tenth is acknowledged.

    Written in one INSERT (a surge is what the board must survive, not what the rules must raise)."""
    now, batch = timezone.now(), next_number()
    alarms = []
    for i in range(count):
        urgent = i % urgent_every == 0
        acked = i % 10 == 5
        alarms.append(
            Alarm(
                elder=elders[i % len(elders)],
                kind=AlarmKind.SOS if urgent else AlarmKind.INACTIVITY,
                severity=Severity.URGENT if urgent else Severity.FOLLOW_UP,
                status=AlarmStatus.ACKNOWLEDGED if acked else AlarmStatus.NEW,
                acknowledged_at=now if acked else None,
                fold_key=f"surge:{batch}:{i}",
                raised_at=now - datetime.timedelta(minutes=count - i),
            )
        )
    return Alarm.objects.bulk_create(alarms)
