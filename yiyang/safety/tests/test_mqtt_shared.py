"""Two device listeners share the broker's subscription ($share/…) and one is killed mid-stream: no
event is lost and none is stored twice (issue 18 item 12). Against the real Mosquitto at 127.0.0.1:1883;
skipped without it.

Mosquitto keeps the messages it gave a member that then died in that member's session, so shared
listeners run with clean sessions and the device resends until the listener acknowledges the stored
message on ``…/acks`` (``listener.Listener._ack_devices``). The device here does just that.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from functools import partial
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from yiyang.safety.tests.factories import message, topic
from yiyang.safety.tests.test_mqtt import ROOT, SEED, wait_for

pytestmark = [pytest.mark.mqtt]


def _subscribed(log: Path) -> bool:
    return "已订阅 $share/" in log.read_text(errors="replace")


class Device:
    """Many devices behind one connection: publish QoS 1, resend what is not acknowledged."""

    def __init__(self, host: str, port: int, items: list[tuple[str, bytes]]) -> None:
        self.pending: dict[str, tuple[str, bytes]] = {}
        for t, payload in items:
            self.pending[json.loads(payload)["id"]] = (t, payload)
        self.lock = threading.Lock()
        self.resent = 0
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"test-dev-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5
        )
        self.client.max_inflight_messages_set(100)
        self.client.on_message = self._on_ack
        self.client.connect(host, port)
        self.client.loop_start()
        self.client.subscribe("yiyang/devices/+/acks", qos=1)
        time.sleep(0.3)

    def _on_ack(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        with self.lock:
            self.pending.pop(json.loads(msg.payload)["id"], None)

    def publish(self, items: list[tuple[str, bytes]]) -> None:
        infos = [self.client.publish(t, p, qos=1) for t, p in items]
        for info in infos:
            info.wait_for_publish(10)

    def resend_pending(self) -> None:
        with self.lock:
            items = list(self.pending.values())
        self.resent += len(items)
        self.publish(items)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_two_shared_listeners_one_killed_lose_nothing(broker: tuple[str, int], tmp_path: Path) -> None:
    homes, per_device = 8, 30
    prefix = f"S{uuid.uuid4().hex[:6]}"
    db = tmp_path / "listeners.sqlite3"
    env = {**os.environ, "YIYANG_DATABASE_URL": f"sqlite://{db}", "YIYANG_LOG_LEVEL": "ERROR"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT, timeout=1200)
    subprocess.run(
        [*manage, "shell", "-c", SEED.format(homes=homes, prefix=prefix)], env=env, check=True, cwd=ROOT
    )
    group = f"test-{uuid.uuid4().hex[:6]}"
    listen = [
        *manage,
        "devices_listen",
        "--share",
        group,
        "--client-id",
        "test-shared",
        "--batch-size",
        "10",
        "--checks-every",
        "0",
        "--report-every",
        "1",
    ]

    def count(sql: str) -> int:
        with sqlite3.connect(db, timeout=10) as conn:
            return int(conn.execute(sql).fetchone()[0])

    items: list[tuple[str, bytes]] = []
    for n in range(per_device):
        for i in range(homes):
            items.append((topic(f"{prefix}W{i:03d}"), message(f"{prefix}W{i:03d}", "water_flow", value=n)))
            sos = "sos" if n % 5 == 0 else "heartbeat"
            items.append((topic(f"{prefix}B{i:03d}"), message(f"{prefix}B{i:03d}", sos)))
    total = len(items)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [
        subprocess.Popen(listen, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        for log in logs
    ]
    device = Device(*broker, items)
    try:
        for log in logs:
            assert wait_for(partial(_subscribed, log), 60), log.read_text(errors="replace")
        device.publish(items[: total // 2])
        assert wait_for(lambda: count("select count(*) from safety_deviceevent") > 20, 30)
        procs[0].send_signal(signal.SIGKILL)  # one member dies with messages in flight
        procs[0].wait(10)
        device.publish(items[total // 2 :])
        deadline = time.monotonic() + 90
        while device.pending and time.monotonic() < deadline:
            time.sleep(2)
            device.resend_pending()  # what the device's firmware does: resend until acknowledged
        assert not device.pending, f"{len(device.pending)} never acknowledged"
        assert count("select count(*) from safety_deviceevent") == total
        assert count("select count(distinct message_id) from safety_deviceevent") == total
        assert count("select count(*) from safety_alarm") == homes
        both = [log.read_text(errors="replace") for log in logs]
        assert all("已连接" in text for text in both)  # both members took part
    finally:
        device.close()
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
