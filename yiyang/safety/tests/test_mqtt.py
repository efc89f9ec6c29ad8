"""Against a real broker: QoS 1 in, events stored; the listener killed mid-stream loses nothing and
duplicates nothing; a broker restart is survived. Skipped when 127.0.0.1:1883 is not reachable.

The kill test runs the listener as a separate process (``manage.py devices_listen``) on a throw-away
SQLite database of its own, so that SIGKILL really cuts it off between commit and acknowledgement.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from yiyang.safety.listener import Listener
from yiyang.safety.tests.factories import make_device, message, topic

pytestmark = [pytest.mark.mqtt]
ROOT = Path(__file__).resolve().parents[3]


def publisher(host: str, port: int) -> mqtt.Client:
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"test-pub-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5
    )
    client.max_inflight_messages_set(200)
    client.connect(host, port)
    client.loop_start()
    return client


def publish_all(client: mqtt.Client, items: list[tuple[str, bytes]]) -> None:
    infos = [client.publish(t, p, qos=1) for t, p in items]
    for info in infos:
        info.wait_for_publish(10)


def forget_session(host: str, port: int, client_id: str) -> None:
    """Drop the persistent session a test created, so the broker does not keep it for a week."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 0
    try:
        client.connect(host, port, clean_start=True, properties=props)
        client.loop_start()
        time.sleep(0.2)
        client.disconnect()
        client.loop_stop()
    except OSError:
        pass


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (OperationalError, sqlite3.OperationalError):
            pass  # shared-cache SQLite locks the table while the listener writes: look again
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def run_listener(broker: tuple[str, int]) -> Iterator[Callable[..., Listener]]:
    started: list[tuple[Listener, threading.Thread, str, int]] = []

    def start(host: str = broker[0], port: int = broker[1], client_id: str = "") -> Listener:
        cid = client_id or f"test-listener-{uuid.uuid4().hex[:8]}"
        listener = Listener(
            host=host,
            port=port,
            client_id=cid,
            topic="yiyang/devices/+/events",
            checks_every=0,
            report=lambda line: None,
            batch_wait=0.02,
        )
        thread = threading.Thread(target=listener.run, daemon=True)
        thread.start()
        assert listener.subscribed.wait(10), "listener did not subscribe"
        started.append((listener, thread, host, port))
        return listener

    yield start
    for listener, thread, host, port in started:
        listener.stop.set()
        thread.join(10)
        forget_session(host, port, listener.client._client_id.decode())


@pytest.mark.django_db(transaction=True)
def test_published_events_are_stored(broker: tuple[str, int], run_listener: Callable[..., Listener]) -> None:
    from yiyang.safety.models import Alarm, DeviceEvent, RejectedMessage

    run_listener()
    devices = [make_device() for _ in range(5)]
    items = [
        (topic(d.serial), message(d.serial, "heartbeat", battery=90)) for d in devices for _ in range(20)
    ]
    sos = devices[0]
    items += [(topic(sos.serial), message(sos.serial, "sos")) for _ in range(10)]
    ghost = f"GHOST-{uuid.uuid4().hex[:6]}"
    items += [(topic(ghost), message(ghost)), (topic(devices[1].serial), b"{broken")]
    client = publisher(*broker)
    publish_all(client, items)
    serials = [d.serial for d in devices]
    assert wait_for(lambda: DeviceEvent.objects.filter(device__serial__in=serials).count() == 110)
    assert wait_for(lambda: RejectedMessage.objects.filter(serial=ghost).exists())
    assert RejectedMessage.objects.filter(reason__contains="JSON").exists()
    alarm = Alarm.objects.get(device=sos)
    assert alarm.event_count == 10
    client.disconnect()


@pytest.mark.django_db(transaction=True)
def test_listener_survives_a_broker_restart(run_listener: Callable[..., Listener], tmp_path: Path) -> None:
    from yiyang.safety.models import DeviceEvent

    if not Path("/usr/sbin/mosquitto").exists():
        pytest.skip("needs the mosquitto binary to run a private broker")
    port = _free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {tmp_path}/\n"
    )

    def start_broker() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            ["/usr/sbin/mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        assert wait_for(lambda: _port_open(port), 5), "private broker did not start"
        return proc

    broker_proc = start_broker()
    try:
        listener = run_listener(host="127.0.0.1", port=port)
        device = make_device()
        client = publisher("127.0.0.1", port)
        publish_all(client, [(topic(device.serial), message(device.serial)) for _ in range(10)])
        assert wait_for(lambda: DeviceEvent.objects.filter(device=device).count() == 10)
        client.disconnect()
        broker_proc.send_signal(signal.SIGTERM)
        broker_proc.wait(10)
        assert wait_for(lambda: not listener.connected.is_set(), 10)
        broker_proc = start_broker()
        assert wait_for(lambda: listener.subscribed.is_set(), 40), "listener did not reconnect"
        client = publisher("127.0.0.1", port)
        publish_all(client, [(topic(device.serial), message(device.serial)) for _ in range(10)])
        assert wait_for(lambda: DeviceEvent.objects.filter(device=device).count() == 20)
        assert listener.stats.connects >= 2
        client.disconnect()
    finally:
        broker_proc.terminate()
        broker_proc.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


# -- SIGKILL mid-stream ---------------------------------------------------------------------------------

SEED = """
from yiyang.core.testing import build_areas
from yiyang.safety.models import Device
from yiyang.safety.tests.factories import make_elder
area = build_areas().community_a1
for i in range({homes}):
    elder = make_elder(area=area)
    Device.objects.create(serial=f"{prefix}B{{i:03d}}", kind="sos_button", elder=elder)
    Device.objects.create(serial=f"{prefix}W{{i:03d}}", kind="water_meter", elder=elder)
"""


def test_kill_listener_mid_stream_loses_nothing(broker: tuple[str, int], tmp_path: Path) -> None:
    homes, per_device = 10, 40
    prefix = f"K{uuid.uuid4().hex[:6]}"
    db = tmp_path / "listener.sqlite3"
    env = {**os.environ, "YIYANG_DATABASE_URL": f"sqlite://{db}", "YIYANG_LOG_LEVEL": "ERROR"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT, timeout=300)
    subprocess.run(
        [*manage, "shell", "-c", SEED.format(homes=homes, prefix=prefix)],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    client_id = f"test-kill-{uuid.uuid4().hex[:8]}"
    listen = [
        *manage,
        "devices_listen",
        "--client-id",
        client_id,
        "--batch-size",
        "20",
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
            # Every home presses SOS again and again: still one alarm each.
            items.append(
                (
                    topic(f"{prefix}B{i:03d}"),
                    message(f"{prefix}B{i:03d}", "sos" if n % 4 == 0 else "heartbeat"),
                )
            )
    total = len(items)
    log = open(tmp_path / "listener.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(listen, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: "已连接" in (tmp_path / "listener.log").read_text(errors="replace"), 30), (
            "listener did not connect"
        )
        time.sleep(0.5)  # subscribed
        client = publisher(*broker)
        # First half, then kill while it is still storing; the rest is published while it is dead.
        publish_all(client, items[: total // 2])
        assert wait_for(lambda: count("select count(*) from safety_deviceevent") > 0, 30)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        stored_at_kill = count("select count(*) from safety_deviceevent")
        publish_all(client, items[total // 2 :])
        client.disconnect()
        proc = subprocess.Popen(listen, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        assert wait_for(lambda: count("select count(*) from safety_deviceevent") == total, 60), (
            f"stored {count('select count(*) from safety_deviceevent')} of {total} (at kill: {stored_at_kill})"
        )
        time.sleep(1.0)  # any redelivery still in flight must not add anything
        assert count("select count(*) from safety_deviceevent") == total
        assert count("select count(distinct message_id) from safety_deviceevent") == total
        assert count("select count(*) from safety_alarm") == homes
        assert count("select sum(event_count) from safety_alarm") == homes * per_device // 4
        assert stored_at_kill < total
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        forget_session(broker[0], broker[1], client_id)
        shutil.rmtree(tempfile.gettempdir() + "/nothing", ignore_errors=True)
