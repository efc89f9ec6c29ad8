"""The device payload (docs/device-payload.md) as a pure function: bytes in, a :class:`Message` out.

No database: :func:`parse` validates one payload and raises :class:`Invalid` with a Chinese reason,
which ingestion stores with the rejected message. Kept apart so that the rules can name the type of
a parsed message without importing ingestion, which imports the rules.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yiyang.safety.choices import EventType

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


class Invalid(ValueError):
    """The reason a message is rejected."""


def payload_text(raw: bytes) -> str:
    return storable(raw[:MAX_RAW].decode("utf-8", errors="replace"))


def storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL: a device sending one must not stop the listener's batch.
    return text.replace("\x00", "\ufffd")


def _number(x: Any) -> TypeGuard[float]:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _location(value: Any) -> None:
    """A location report's value: ``{"lat": …, "lng": …}`` in WGS-84, optional ``accuracy`` in metres."""
    if not isinstance(value, dict):
        raise Invalid('location 事件的 value 须为 {"lat": 纬度, "lng": 经度}')
    lat, lng, accuracy = value.get("lat"), value.get("lng"), value.get("accuracy")

    if not (_number(lat) and _number(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise Invalid("location 事件的纬度 lat 须在 −90…90、经度 lng 须在 −180…180")
    if accuracy is not None and not (_number(accuracy) and accuracy >= 0):
        raise Invalid("location 事件的精度 accuracy 须为非负的米数")


def parse(payload: bytes, topic: str = "") -> Message:
    """Validate one payload (pure: no database). Raises :class:`Invalid` with a Chinese reason."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Invalid("报文不是合法的 JSON") from None
    if not isinstance(data, dict):
        raise Invalid("报文必须是 JSON 对象")
    if b"\\u0000" in payload:  # valid JSON, but PostgreSQL's jsonb and text cannot store it
        raise Invalid("报文含有 NUL 字符（\\u0000）")
    message_id, serial, kind, ts_text = (data.get(k) for k in ("id", "serial", "type", "ts"))
    if not isinstance(message_id, str) or not 1 <= len(message_id) <= 64:
        raise Invalid("缺少消息编号 id（1–64 个字符的字符串）")
    if not isinstance(serial, str) or not 1 <= len(serial) <= 64:
        raise Invalid("缺少设备序列号 serial")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:  # a list or object is not hashable
        raise Invalid(f"未知的事件类型 type：{str(kind)[:30]}")
    if not isinstance(ts_text, str):
        raise Invalid("缺少事件时间 ts（ISO-8601）")
    try:
        ts = parse_datetime(ts_text)
        if ts is not None and timezone.is_naive(ts):
            ts = timezone.make_aware(ts)
        if ts is not None:
            ts.astimezone(datetime.UTC)  # year 1 at +14:00 parses, but cannot be stored
    except (ValueError, OverflowError):
        ts = None
    if ts is None:
        raise Invalid("事件时间 ts 不是 ISO-8601 时间")
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
    if kind == EventType.LOCATION:
        _location(value)
    if topic:
        match = TOPIC_RE.match(topic)
        if match and match.group(1) != serial:
            raise Invalid("主题中的序列号与报文不一致")
    return Message(message_id, serial, kind, ts, value, battery, payload_text(payload))
