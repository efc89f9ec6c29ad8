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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yiyang.core.scoping import allowed
from yiyang.core.sql import execute_bound
from yiyang.people.models import Elder
from yiyang.safety import rules
from yiyang.safety.choices import DeviceStatus
from yiyang.safety.directory import DeviceDirectory, DeviceRef
from yiyang.safety.directory import lookup as directory_lookup
from yiyang.safety.models import DeviceEvent, RejectedMessage
from yiyang.safety.payload import Invalid, Message, parse, payload_text, storable


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


def _rejected(
    payload: bytes, topic: str, received_at: datetime.datetime, reason: str, serial: str = ""
) -> RejectedMessage:
    return RejectedMessage(
        received_at=received_at,
        topic=storable(topic[:200]),
        serial=storable(serial[:64]),
        reason=storable(reason[:200]),
        raw=payload_text(payload),
    )


def _may_send(actor: Any, device: DeviceRef) -> bool:
    """Whether the pushing account may add this device's events: the event as it would be stored,
    asked at the one door (no query: the directory already holds the elder's area)."""
    return allowed(actor, "add", DeviceEvent(elder=Elder(pk=device.elder_id, area_path=device.area_path)))


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
    directory: DeviceDirectory | None = None,
) -> list[IngestResult]:
    """Store many messages in one transaction: committed together, then acknowledged together.

    Whatever the size of the batch it costs a fixed handful of statements: the devices (none when
    the listener's ``directory`` knows them), one insert of the rejected messages, one insert of
    the events that also drops the ones already stored, one update of the devices, and the rules
    (:func:`rules.apply_batch`: one statement per kind of consequence, one raise-or-fold per alarm).
    ``actor`` (an HTTP platform account) may only send for devices inside its areas.
    """
    now = received_at or timezone.now()
    results: list[IngestResult | None] = [None] * len(messages)
    rejects: list[RejectedMessage] = []

    def reject(i: int, reason: str, serial: str) -> None:
        payload, topic = messages[i]
        rejects.append(_rejected(payload, topic, now, reason, serial))
        results[i] = IngestResult("rejected", reason)

    parsed: list[tuple[int, Message]] = []
    for i, (payload, topic) in enumerate(messages):
        try:
            parsed.append((i, parse(payload, topic)))
        except Invalid as exc:
            reject(i, str(exc), _serial_hint(payload))
    with transaction.atomic():
        serials = {m.serial for _, m in parsed}
        devices = directory.resolve(serials) if directory is not None else directory_lookup(serials)
        fresh: list[tuple[int, Message, DeviceRef]] = []
        in_batch: set[str] = set()
        for i, m in parsed:
            device = devices.get(m.serial)
            if m.message_id in in_batch:  # a batch may carry the same message twice
                results[i] = IngestResult("duplicate", DUPLICATE, message_id=m.message_id)
            elif device is None:
                reject(i, "未登记的设备", m.serial)
            elif device.status == DeviceStatus.REMOVED:
                reject(i, "设备已拆除", m.serial)
            elif actor is not None and not _may_send(actor, device):
                reject(i, "设备不在推送账号的辖区内", m.serial)
            else:
                in_batch.add(m.message_id)
                fresh.append((i, m, device))
        if rejects:
            RejectedMessage.objects.bulk_create(rejects)
        ids = store_events([(m, device, messages[i][1]) for i, m, device in fresh], now)
        stored: list[rules.StoredEvent] = []
        for i, m, device in fresh:
            event_id = ids.get(m.message_id)
            if event_id is None:
                results[i] = IngestResult("duplicate", DUPLICATE, message_id=m.message_id)
            else:
                stored.append(rules.StoredEvent(event_id, device, m))
        rules.update_devices(stored, now)
        outcomes = rules.apply_batch(stored, now)
    for i, m, _device in fresh:
        event_id = ids.get(m.message_id)
        if event_id is not None:
            outcome = outcomes.get(event_id, NO_OUTCOME)
            results[i] = IngestResult(
                "stored",
                event_id=event_id,
                alarm_id=outcome.alarm_id,
                alarm_created=outcome.alarm_created,
                message_id=m.message_id,
            )
    return [r if r is not None else IngestResult("rejected", "内部错误") for r in results]


DUPLICATE = "重复消息（已存储）"
NO_OUTCOME = rules.Outcome()


def _serial_hint(payload: bytes) -> str:
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return ""
    serial = data.get("serial") if isinstance(data, dict) else None
    return serial if isinstance(serial, str) else ""


def store_events(rows: Sequence[tuple[Message, DeviceRef, str]], now: datetime.datetime) -> dict[str, int]:
    """Insert the events, skipping message ids already stored; returns message id → event id of
    the rows this call inserted (a message id missing from the answer was a duplicate)."""
    if not rows:
        return {}
    if connection.vendor == "postgresql":
        return _store_events_pg(rows, now)
    return _store_events_orm(rows, now)


def _store_events_pg(
    rows: Sequence[tuple[Message, DeviceRef, str]], now: datetime.datetime
) -> dict[str, int]:
    # One INSERT … SELECT FROM unnest(arrays) per batch: a single statement whatever the batch size,
    # no model instances, and ON CONFLICT drops what a redelivery or another listener already stored
    # (it waits for that listener's transaction, so the answer is never a false "new").
    table = DeviceEvent._meta.db_table
    sql = f"""
        INSERT INTO {table} (message_id, device_id, elder_id, type, ts, received_at, value, battery, topic, raw)
        SELECT m, d, e, t, ts, %s, v::jsonb, b, tp, r
        FROM unnest(%b::varchar[], %b::bigint[], %b::bigint[], %b::varchar[], %b::timestamptz[],
                    %b::text[], %b::int[], %b::varchar[], %b::text[])
             AS x(m, d, e, t, ts, v, b, tp, r)
        ON CONFLICT (message_id) DO NOTHING
        RETURNING message_id, id
    """
    columns: list[list[Any]] = [[] for _ in range(9)]
    for m, device, topic in rows:
        value = None if m.value is None else json.dumps(m.value, ensure_ascii=False)
        row = (m.message_id, device.id, device.elder_id, m.type, m.ts, value, m.battery, topic[:200], m.raw)
        for column, item in zip(columns, row, strict=True):
            column.append(item)
    return dict(execute_bound(sql, [now, *columns], returning=True))


def _store_events_orm(
    rows: Sequence[tuple[Message, DeviceRef, str]], now: datetime.datetime
) -> dict[str, int]:
    """The same for SQLite (development and tests): look up the ids, then insert the rest."""
    ids = [m.message_id for m, _d, _t in rows]
    seen = set(DeviceEvent.objects.filter(message_id__in=ids).values_list("message_id", flat=True))
    events = [
        DeviceEvent(
            message_id=m.message_id,
            device_id=device.id,
            elder_id=device.elder_id,
            type=m.type,
            ts=m.ts,
            received_at=now,
            value=m.value,
            battery=m.battery,
            topic=topic[:200],
            raw=m.raw,
        )
        for m, device, topic in rows
        if m.message_id not in seen
    ]
    try:
        with transaction.atomic():
            DeviceEvent.objects.bulk_create(events, batch_size=500)
    except IntegrityError:
        # Another process stored some of these in the meantime: one by one, skipping those.
        kept = []
        for event in events:
            try:
                with transaction.atomic():
                    event.save()
                kept.append(event)
            except IntegrityError:
                pass
        events = kept
    if any(e.pk is None for e in events):  # old SQLite returns no ids from a bulk insert
        return dict(
            DeviceEvent.objects.filter(message_id__in=[e.message_id for e in events]).values_list(
                "message_id", "id"
            )
        )
    return {e.message_id: e.pk for e in events}
