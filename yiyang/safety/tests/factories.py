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
from yiyang.safety.choices import DeviceKind
from yiyang.safety.models import Device


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
