"""Realistic device traffic for the demo, the tests and the benchmark (``devices_simulate``).

Each home has a few devices; the mix is mostly heartbeats, water flows and door openings, with a
monthly self-test now and then, batteries draining (some below 20%), rare falls and SOS presses, and
a share of faults: messages from unknown devices, malformed JSON, wrong field types and redelivered
duplicates. The generator is plain Python (no database), so the benchmark can run it in a process
of its own; the sinks send to an MQTT broker, to the HTTP endpoint, or straight into ``ingest``.
"""

from __future__ import annotations

import datetime
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Home = Sequence[tuple[str, str]]  # (serial, device kind)

TOPIC = "yiyang/devices/{serial}/events"


def _now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def payload(
    serial: str,
    kind: str,
    *,
    value: Any = None,
    battery: int | None = None,
    message_id: str | None = None,
    ts: str | None = None,
) -> bytes:
    body: dict[str, Any] = {
        "id": message_id or uuid.uuid4().hex,
        "serial": serial,
        "type": kind,
        "ts": ts or _now_iso(),
    }
    if value is not None:
        body["value"] = value
    if battery is not None:
        body["battery"] = battery
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass
class Mix:
    """Shares of the traffic (the rest is ordinary readings)."""

    unknown: float = 0.005
    malformed: float = 0.003
    wrong_types: float = 0.002
    duplicate: float = 0.005
    fall: float = 0.0003
    sos: float = 0.0002
    smoke: float = 0.00005
    test: float = 0.002


@dataclass
class Counters:
    sent: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.sent += 1
        self.by_type[kind] = self.by_type.get(kind, 0) + 1


class Simulator:
    def __init__(self, homes: Sequence[Home], *, mix: Mix | None = None, seed: int = 7) -> None:
        if not homes:
            raise ValueError("no homes to simulate")
        self.homes = homes
        self.mix = mix or Mix()
        self.rng = random.Random(seed)
        self.battery: dict[str, int] = {}
        self.recent: deque[tuple[str, bytes]] = deque(maxlen=200)
        self.counters = Counters()

    def _battery(self, serial: str) -> int:
        level = self.battery.get(serial)
        if level is None:
            # Most batteries are fine; about one in forty is nearly flat.
            level = self.rng.randint(5, 19) if self.rng.random() < 0.025 else self.rng.randint(40, 100)
        elif self.rng.random() < 0.01:
            level = max(level - 1, 1)
        self.battery[serial] = level
        return level

    def sos_message(self) -> tuple[str, bytes]:
        """An SOS press in a random home that has a button (or any device)."""
        for _ in range(50):
            home = self.rng.choice(self.homes)
            for serial, kind in home:
                if kind in ("sos_button", "wristband"):
                    self.counters.add("sos")
                    return TOPIC.format(serial=serial), payload(
                        serial, "sos", value="pressed", battery=self._battery(serial)
                    )
        serial, _kind = self.rng.choice(self.homes)[0]
        self.counters.add("sos")
        return TOPIC.format(serial=serial), payload(serial, "sos", value="pressed")

    def message(self) -> tuple[str, bytes]:
        r, m = self.rng.random(), self.mix
        home = self.rng.choice(self.homes)
        serial, kind = self.rng.choice(home)
        topic = TOPIC.format(serial=serial)
        cut = m.unknown
        if r < cut:
            fake = f"UNKNOWN-{self.rng.randint(1, 10**6):07d}"
            self.counters.add("fault:unknown")
            return TOPIC.format(serial=fake), payload(fake, "heartbeat", battery=80)
        cut += m.malformed
        if r < cut:
            self.counters.add("fault:malformed")
            return (
                topic,
                b'{"id": "' + uuid.uuid4().hex.encode() + b'", "serial": ' + serial.encode() + b", truncated",
            )
        cut += m.wrong_types
        if r < cut:
            self.counters.add("fault:wrong_types")
            return topic, json.dumps(
                {
                    "id": uuid.uuid4().hex,
                    "serial": serial,
                    "type": "heartbeat",
                    "ts": "yesterday",
                    "battery": "full",
                }
            ).encode()
        cut += m.duplicate
        if r < cut and self.recent:
            self.counters.add("duplicate")
            return self.recent[self.rng.randrange(len(self.recent))]
        battery = self._battery(serial)
        event: str = "heartbeat"
        value: Any = None
        cut += m.fall
        if r < cut and kind in ("fall_detector", "wristband"):
            event = "fall"
        elif r < cut + m.sos and kind in ("sos_button", "wristband"):
            event, value = "sos", "pressed"
        elif r < cut + m.sos + m.smoke and kind in ("smoke", "gas"):
            event, value = kind, "alarm"
        elif r < cut + m.sos + m.smoke + m.test:
            event, value = "test", "ok"
        elif kind == "water_meter" and self.rng.random() < 0.6:
            event, value = "water_flow", round(self.rng.uniform(0.5, 30.0), 1)
        elif kind == "door" and self.rng.random() < 0.5:
            event, value = "door_open", 1
        elif kind == "sos_button" and self.rng.random() < 0.05:
            event = "checkin"
        elif kind == "wristband" and self.rng.random() < 0.001:
            event, value = "geofence_exit", self.rng.randint(300, 2000)
        elif battery < 20 and self.rng.random() < 0.3:
            event, value = "battery", battery
        item = (topic, payload(serial, event, value=value, battery=battery))
        self.recent.append(item)
        self.counters.add(event)
        return item


Send = Callable[[list[tuple[str, bytes]]], None]


def run(
    sim: Simulator,
    send: Send,
    *,
    rate: float,
    duration: float | None,
    sos_every: float | None = None,
    tick: float = 0.1,
    stop: Callable[[], bool] = lambda: False,
    report: Callable[[str], None] | None = None,
) -> Counters:
    """Send ``rate`` messages a second (in ticks of ``tick`` seconds) for ``duration`` seconds."""
    began = time.monotonic()
    owed = 0.0
    next_sos = began + sos_every if sos_every else None
    next_report = began + 10
    while not stop():
        now = time.monotonic()
        if duration is not None and now - began >= duration:
            break
        owed += rate * tick
        batch = [sim.message() for _ in range(int(owed))]
        owed -= int(owed)
        if next_sos is not None and now >= next_sos:
            batch.append(sim.sos_message())
            next_sos = now + (sos_every or 0)
        if batch:
            send(batch)
        if report and now >= next_report:
            report(f"已发送 {sim.counters.sent} 条")
            next_report = now + 10
        sleep = began + (int((now - began) / tick) + 1) * tick - time.monotonic()
        if sleep > 0:
            time.sleep(sleep)
    return sim.counters


# -- sinks -------------------------------------------------------------------------------------------


class MqttSink:
    """Publishes with QoS 1 (the broker acknowledges each message) through paho's network thread."""

    def __init__(self, host: str, port: int, client_id: str = "") -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"yiyang-sim-{uuid.uuid4().hex[:8]}",
            protocol=mqtt.MQTTv5,
        )
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = self._on_publish
        self.client.connect(host, port, keepalive=30)
        self.client.loop_start()
        self.published = 0
        self.acked = 0  # PUBACKs from the broker: the messages it has taken responsibility for

    def _on_publish(self, client: Any, userdata: Any, mid: int, reason: Any, props: Any) -> None:
        self.acked += 1

    def __call__(self, batch: list[tuple[str, bytes]]) -> None:
        for topic, body in batch:
            self.client.publish(topic, body, qos=1)
            self.published += 1

    def close(self, timeout: float = 10) -> None:
        """Wait until the broker has acknowledged everything published (or ``timeout``), then leave."""
        deadline = time.monotonic() + timeout
        while self.acked < self.published and time.monotonic() < deadline:
            time.sleep(0.05)
        self.client.disconnect()
        self.client.loop_stop()


class HttpSink:
    """POSTs each tick's messages as one JSON array to ``/api/v1/safety/events/``."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/") + "/api/v1/safety/events/" if "/api/" not in url else url
        self.token = token
        self.errors = 0

    def __call__(self, batch: list[tuple[str, bytes]]) -> None:
        items = []
        for _topic, body in batch:
            try:
                items.append(json.loads(body))
            except ValueError:
                items.append(body.decode(errors="replace"))  # malformed: sent as a string, rejected there
        request = urllib.request.Request(
            self.url,
            data=json.dumps(items).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, TimeoutError):
            self.errors += 1


class InProcessSink:
    """Calls ``ingest_batch`` directly: the demo without a broker."""

    def __call__(self, batch: list[tuple[str, bytes]]) -> None:
        from django.utils import timezone

        from yiyang.core.context import unit_of_work
        from yiyang.safety.ingest import ingest_batch

        with unit_of_work():
            ingest_batch([(body, topic) for topic, body in batch], timezone.now())
