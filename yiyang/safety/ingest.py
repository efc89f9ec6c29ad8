"""Ingestion: one device message in, one stored event (or one rejection) out.

Both the MQTT listener and the HTTP endpoint call :func:`ingest` (or :func:`ingest_batch`, which
the listener uses to commit a few hundred messages per transaction). The payload format is
documented in ``docs/device-payload.md``. Nothing here raises on bad input: a malformed message or an
unknown device becomes a :class:`RejectedMessage` with the reason, so the listener never stops.

A message is stored once per message id (``DeviceEvent.message_id`` is unique): a broker that
redelivers after a crash, or a platform that retries a POST, changes nothing the second time.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yiyang.safety import rules
from yiyang.safety.choices import DeviceStatus, EventType
from yiyang.safety.models import Device, DeviceEvent, RejectedMessage

TOPIC_RE = re.compile(r"^yiyang/devices/([^/]+)/events$")
MAX_RAW = 16_000  # characters of a payload kept; a device never sends more
EVENT_TYPES = frozenset(EventType.values)


@dataclass(frozen=True)
class Message:
    """A message that parsed and validated: the fields of the documented payload."""

    message_id: str
    serial: str
    type: str
    ts: datetime.datetime
    value: Any
    battery: int | None
    raw: str


@dataclass(frozen=True)
class IngestResult:
    status: str  # "stored" | "duplicate" | "rejected"
    reason: str = ""
    event_id: int | None = None
    alarm_id: int | None = None
    alarm_created: bool = False
    message_id: str = ""

    @property
    def ok(self) -> bool:
        """Stored or already stored: the sender may forget the message (the listener acks it)."""
        return self.status in {"stored", "duplicate"}


class Invalid(ValueError):
    """The reason a message is rejected."""


def _text(raw: bytes) -> str:
    return raw[:MAX_RAW].decode("utf-8", errors="replace")


def parse(payload: bytes, topic: str = "") -> Message:
    """Validate one payload (pure: no database). Raises :class:`Invalid` with a Chinese reason."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Invalid("报文不是合法的 JSON") from None
    if not isinstance(data, dict):
        raise Invalid("报文必须是 JSON 对象")
    message_id, serial, kind, ts_text = (data.get(k) for k in ("id", "serial", "type", "ts"))
    if not isinstance(message_id, str) or not 1 <= len(message_id) <= 64:
        raise Invalid("缺少消息编号 id（1–64 个字符的字符串）")
    if not isinstance(serial, str) or not 1 <= len(serial) <= 64:
        raise Invalid("缺少设备序列号 serial")
    if kind not in EVENT_TYPES:
        raise Invalid(f"未知的事件类型 type：{str(kind)[:30]}")
    if not isinstance(ts_text, str):
        raise Invalid("缺少事件时间 ts（ISO-8601）")
    try:
        ts = parse_datetime(ts_text)
    except ValueError:
        ts = None
    if ts is None:
        raise Invalid("事件时间 ts 不是 ISO-8601 时间")
    if timezone.is_naive(ts):
        ts = timezone.make_aware(ts)
    battery = data.get("battery")
    if battery is not None and (
        isinstance(battery, bool) or not isinstance(battery, int) or not 0 <= battery <= 100
    ):
        raise Invalid("电量 battery 必须是 0–100 的整数")
    value = data.get("value")
    if kind == EventType.BATTERY and battery is None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
            battery = value
        else:
            raise Invalid("battery 事件须给出 0–100 的电量")
    if topic:
        match = TOPIC_RE.match(topic)
        if match and match.group(1) != serial:
            raise Invalid("主题中的序列号与报文不一致")
    return Message(message_id, serial, kind, ts, value, battery, _text(payload))


def _reject(
    payload: bytes, topic: str, received_at: datetime.datetime, reason: str, serial: str = ""
) -> IngestResult:
    RejectedMessage.objects.create(
        received_at=received_at,
        topic=topic[:200],
        serial=serial[:64],
        reason=reason[:200],
        raw=_text(payload),
    )
    return IngestResult("rejected", reason)


def ingest(
    payload: bytes, topic: str = "", received_at: datetime.datetime | None = None, *, actor: Any = None
) -> IngestResult:
    """Store one device message and apply the rules; never raises for bad input."""
    return ingest_batch([(payload, topic)], received_at, actor=actor)[0]


def ingest_batch(
    messages: Sequence[tuple[bytes, str]],
    received_at: datetime.datetime | None = None,
    *,
    actor: Any = None,
) -> list[IngestResult]:
    """Store many messages in one transaction: committed together, then acknowledged together.

    Heartbeats and readings cost one look-up of the devices, one check of the message ids and one
    insert for the whole batch; only the rare alarm events take the per-event path of the rules.
    ``actor`` (an HTTP platform account) may only send for devices inside its areas.
    """
    now = received_at or timezone.now()
    results: list[IngestResult | None] = [None] * len(messages)
    parsed: list[tuple[int, Message]] = []
    with transaction.atomic():
        for i, (payload, topic) in enumerate(messages):
            try:
                parsed.append((i, parse(payload, topic)))
            except Invalid as exc:
                results[i] = _reject(payload, topic, now, str(exc), _serial_hint(payload))
        serials = {m.serial for _, m in parsed}
        devices = {d.serial: d for d in Device.objects.filter(serial__in=serials).select_related("elder")}
        ids = [m.message_id for _, m in parsed]
        seen = set(DeviceEvent.objects.filter(message_id__in=ids).values_list("message_id", flat=True))
        fresh: list[tuple[int, Message, Device]] = []
        for i, m in parsed:
            payload, topic = messages[i]
            device = devices.get(m.serial)
            if m.message_id in seen:
                results[i] = IngestResult("duplicate", "重复消息（已存储）", message_id=m.message_id)
            elif device is None:
                results[i] = _reject(payload, topic, now, "未登记的设备", m.serial)
            elif device.status == DeviceStatus.REMOVED:
                results[i] = _reject(payload, topic, now, "设备已拆除", m.serial)
            elif actor is not None and not _actor_covers(actor, device):
                results[i] = _reject(payload, topic, now, "设备不在推送账号的辖区内", m.serial)
            else:
                seen.add(m.message_id)  # a batch may carry the same message twice
                fresh.append((i, m, device))
        _store(fresh, messages, now, results)
    return [r if r is not None else IngestResult("rejected", "内部错误") for r in results]


def _actor_covers(actor: Any, device: Device) -> bool:
    from yiyang.core.scoping import path_in_scope

    return path_in_scope(actor, device.elder.area_path)


def _serial_hint(payload: bytes) -> str:
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return ""
    serial = data.get("serial") if isinstance(data, dict) else None
    return serial if isinstance(serial, str) else ""


def _store(
    fresh: list[tuple[int, Message, Device]],
    messages: Sequence[tuple[bytes, str]],
    now: datetime.datetime,
    results: list[IngestResult | None],
) -> None:
    events = [
        DeviceEvent(
            message_id=m.message_id,
            device=device,
            elder_id=device.elder_id,
            type=m.type,
            ts=m.ts,
            received_at=now,
            value=m.value,
            battery=m.battery,
            topic=messages[i][1][:200],
            raw=m.raw,
        )
        for i, m, device in fresh
    ]
    try:
        with transaction.atomic():
            DeviceEvent.objects.bulk_create(events, batch_size=500)
    except IntegrityError:
        # Another listener stored some of these in the meantime: fall back to one by one.
        events = _store_one_by_one(events, results, fresh)
    stored = {e.message_id: e for e in events if e.pk is not None}
    if not stored:
        # SQLite and old backends do not return ids from bulk_create.
        stored = {
            e.message_id: e for e in DeviceEvent.objects.filter(message_id__in=[e.message_id for e in events])
        }
    rules.update_devices([(device, m) for _, m, device in fresh if m.message_id in stored], now)
    for i, m, device in fresh:
        event = stored.get(m.message_id)
        if event is None:
            continue
        outcome = rules.on_event(device, event, now)
        results[i] = IngestResult(
            "stored",
            event_id=event.pk,
            alarm_id=outcome.alarm_id,
            alarm_created=outcome.alarm_created,
            message_id=m.message_id,
        )


def _store_one_by_one(
    events: list[DeviceEvent], results: list[IngestResult | None], fresh: list[tuple[int, Message, Device]]
) -> list[DeviceEvent]:
    kept: list[DeviceEvent] = []
    for (i, m, _device), event in zip(fresh, events, strict=True):
        try:
            with transaction.atomic():
                event.save()
            kept.append(event)
        except IntegrityError:
            results[i] = IngestResult("duplicate", "重复消息（已存储）", message_id=m.message_id)
    return kept
