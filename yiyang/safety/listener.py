"""The long-running MQTT listener (``manage.py devices_listen``, ``yiyang devices listen``).

Delivery guarantee: at least once from the broker, exactly once in the database.

* A fixed client id with a persistent session (MQTT 5: ``clean_start=False`` and a session expiry;
  MQTT 3.1.1: ``clean_session=False``) and QoS 1 subscriptions: while the listener is down the broker
  keeps the messages for it.
* Manual acknowledgement: a message is acknowledged only after the transaction that stored it has
  committed. Killed in between, the broker redelivers it, and the unique message id makes the second
  copy a no-op. Nothing is lost, nothing is counted twice.
* paho's network thread reconnects with a growing delay (1 s … 30 s) when the broker restarts.
* Messages wait in a bounded queue and are stored in batches: up to ``batch_size`` messages, or what
  arrived within ``batch_wait`` seconds of the first, per transaction. A batch costs a fixed handful
  of statements (``ingest.ingest_batch``), so throughput grows with load while the wait bounds the
  latency. No list grows with the number of messages and the device cache is bounded
  (``directory.DeviceDirectory``), so memory stays flat however long it runs.
* A batch that fails for its data rather than for a database outage is stored message by message,
  and a message that still fails is kept as a rejected message: one poison message never blocks the
  session (it would be redelivered for ever).

Several listeners side by side (``share``, ``--share GROUP``): they subscribe to
``$share/GROUP/<topic>`` and the broker hands each message to one of them. A broker keeps the
messages it gave a member that then died in *that member's* session (Mosquitto does not hand them to
another member), so a persistent session would hold them until the dead member came back. Shared
listeners therefore connect with a clean session, each with a client id of its own, and the guarantee
moves to the device: after the transaction that stored a message has committed, the listener publishes
``{"id": …, "status": …}`` to ``<topic prefix>/acks`` (``yiyang/devices/<serial>/acks``), and a device
sends a message again until it sees that acknowledgement (docs/device-payload.md). The broker gives
the new copy to a live member; the message id makes it a duplicate if the first copy was stored.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    reset_queries,
    transaction,
)
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from yiyang.core.context import unit_of_work
from yiyang.safety import rules
from yiyang.safety.directory import DeviceDirectory
from yiyang.safety.ingest import IngestResult, ingest_batch
from yiyang.safety.models import RejectedMessage
from yiyang.safety.payload import MAX_RAW

log = logging.getLogger(__name__)

SESSION_EXPIRY = 7 * 24 * 3600  # the broker keeps a stopped listener's messages for a week
RECEIVE_MAXIMUM = 1000  # unacknowledged messages the broker may have in flight to us (MQTT 5)


def _message_id(payload: bytes) -> str:
    try:
        data = json.loads(payload[:MAX_RAW])
    except (ValueError, RecursionError):
        return ""
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _outage(exc: BaseException) -> bool:
    """The database is unreachable or the transaction lost a race (deadlock, serialization): worth
    retrying the same batch. Anything else is about the data."""
    return isinstance(exc, OperationalError | InterfaceError)


@dataclass
class Stats:
    received: int = 0
    acked: int = 0
    stored: int = 0
    duplicate: int = 0
    rejected: int = 0
    alarms: int = 0
    batches: int = 0
    connects: int = 0
    disconnects: int = 0
    errors: int = 0
    last: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"收到 {self.received}，已确认 {self.acked}；"
            f"已存储 {self.stored}，重复 {self.duplicate}，拒收 {self.rejected}，新告警 {self.alarms}，"
            f"批次 {self.batches}，连接 {self.connects} 次，断开 {self.disconnects} 次"
        )


@dataclass(frozen=True)
class Item:
    generation: int
    mid: int
    qos: int
    payload: bytes
    topic: str


class Listener:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        client_id: str,
        topic: str,
        protocol: str = "5",
        username: str = "",
        password: str = "",
        batch_size: int = 500,
        batch_wait: float = 0.05,
        checks_every: float = 5.0,
        full_checks_every: float = 60.0,
        report: Callable[[str], None] = print,
        report_every: float = 10.0,
        share: str = "",
        device_acks: bool | None = None,
    ) -> None:
        self.host, self.port, self.topic = host, port, topic
        self.share = share
        self.device_acks = bool(share) if device_acks is None else device_acks
        if share:
            # one client id per member: two members with one id would throw each other off the broker
            client_id = f"{client_id}-{socket.gethostname()}-{os.getpid()}"
        self.client_id = client_id
        self.batch_size, self.batch_wait = batch_size, batch_wait
        self.checks_every, self.full_checks_every = checks_every, full_checks_every
        self.report, self.report_every = report, report_every
        self.stats = Stats()
        self.directory = DeviceDirectory()
        self.stop = threading.Event()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.generation = 0
        self.queue: queue.Queue[Item] = queue.Queue(maxsize=max(4 * batch_size, RECEIVE_MAXIMUM * 2))
        self.v5 = protocol == "5"
        if self.v5:
            self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        else:
            self.client = mqtt.Client(
                CallbackAPIVersion.VERSION2,
                client_id=client_id,
                protocol=mqtt.MQTTv311,
                clean_session=bool(share),
            )
        if username:
            self.client.username_pw_set(username, password or None)
        self.client.manual_ack_set(True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    # -- paho callbacks (network thread) -------------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            self.report(f"MQTT 连接被拒绝：{reason}")
            return
        self.generation += 1
        self.stats.connects += 1
        self.connected.set()
        self.report(
            f"已连接 MQTT 代理 {self.host}:{self.port}（会话{'已保留' if flags.session_present else '新建'}）"
        )
        client.subscribe(self.subscription, qos=1)

    @property
    def subscription(self) -> str:
        return f"$share/{self.share}/{self.topic}" if self.share else self.topic

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, props: Any) -> None:
        self.subscribed.set()
        self.report(f"已订阅 {self.subscription}")

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self.connected.clear()
        self.subscribed.clear()
        self.stats.disconnects += 1
        if not self.stop.is_set():
            self.report(f"与 MQTT 代理断开（{reason}），将自动重连")

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self.stats.received += 1
        item = Item(self.generation, msg.mid, msg.qos, bytes(msg.payload), msg.topic)
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.5)  # bounded: back-pressure instead of growing memory
                return
            except queue.Full:
                continue

    # -- main thread ---------------------------------------------------------------------------------
    def start(self) -> None:
        if self.v5:
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = 0 if self.share else SESSION_EXPIRY
            props.ReceiveMaximum = RECEIVE_MAXIMUM
            self.client.connect_async(
                self.host, self.port, keepalive=30, clean_start=bool(self.share), properties=props
            )
        else:
            self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def _take_batch(self) -> list[Item]:
        try:
            first = self.queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.batch_wait
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self.queue.get(timeout=max(remaining, 0)) if remaining > 0 else self.queue.get_nowait()
                )
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[Item]) -> None:
        delay = 0.5
        one_by_one = False
        while True:
            try:
                results = [self._one(item) for item in batch] if one_by_one else self._ingest(batch)
                break
            except Exception as exc:
                self.stats.errors += 1
                self.directory.clear()  # e.g. a device deleted under the cache fails the insert: re-read
                connection.close()
                if not _outage(exc) and not one_by_one:
                    # Not the database going away but something in the data: store the batch one
                    # message at a time, so that one bad message cannot hold up the rest for ever.
                    log.exception("a batch of %d messages failed; storing them one by one", len(batch))
                    one_by_one = True
                    continue
                # The database went away: keep the batch, retry, acknowledge nothing meanwhile.
                log.exception("storing a batch of %d messages failed; retrying", len(batch))
                self.report(f"数据库写入失败，{delay:.1f} 秒后重试")
                if self.stop.wait(delay):
                    return
                delay = min(delay * 2, 30)
        for r in results:
            if r.status == "stored":
                self.stats.stored += 1
                self.stats.alarms += int(r.alarm_created)
            elif r.status == "duplicate":
                self.stats.duplicate += 1
            else:
                self.stats.rejected += 1
        self.stats.batches += 1
        if self.device_acks:
            self._ack_devices(batch, results)
        generation = self.generation
        for item in batch:
            # A message received on an earlier connection is redelivered on this one (and then
            # recognised as a duplicate); acknowledging its old packet id here could hit another.
            if item.qos > 0 and item.generation == generation:
                self.client.ack(item.mid, item.qos)
                self.stats.acked += 1

    def _ack_devices(self, batch: list[Item], results: list[IngestResult]) -> None:
        """Tell each device its message is stored (or was already, or was refused): it stops resending.
        Published after the commit, so an acknowledged message is never one the database lacks."""
        for item, result in zip(batch, results, strict=True):
            message_id = result.message_id or _message_id(item.payload)
            if not message_id or not item.topic.endswith("/events"):
                continue
            body = json.dumps({"id": message_id, "status": result.status}, ensure_ascii=False)
            self.client.publish(item.topic[: -len("/events")] + "/acks", body, qos=1)

    def _ingest(self, batch: list[Item]) -> list[IngestResult]:
        with unit_of_work():
            return ingest_batch(
                [(i.payload, i.topic) for i in batch], timezone.now(), directory=self.directory
            )

    def _one(self, item: Item) -> IngestResult:
        """One message on its own; if even that fails for its data, it is kept as rejected (raw text
        and the error) rather than redelivered for ever. A database outage still raises: retry later."""
        try:
            return self._ingest([item])[0]
        except Exception as exc:
            if _outage(exc):
                raise
            log.exception("a message failed on its own; keeping it as rejected")
            connection.close()
            with unit_of_work(), transaction.atomic():
                RejectedMessage.objects.create(
                    topic=item.topic[:200],
                    reason=f"入库失败：{type(exc).__name__}"[:200],
                    raw=item.payload[:MAX_RAW].decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
                )
            return IngestResult("rejected", "入库失败")

    def _checks_loop(self) -> None:
        """Escalation every few seconds, the other checks every minute, in a thread of their own so
        that a slow check never holds up ingestion (it has its own database connection)."""
        next_full = time.monotonic() + min(self.full_checks_every, 5.0)
        while not self.stop.wait(self.checks_every):
            full = time.monotonic() >= next_full
            try:
                with unit_of_work():
                    if full:
                        rules.run_checks()
                        next_full = time.monotonic() + self.full_checks_every
                    else:
                        rules.escalate_unacknowledged()
            except Exception:
                log.exception("periodic safety checks failed")
            finally:
                close_old_connections()
        connection.close()

    def run(self, seconds: float | None = None) -> Stats:
        self.start()
        began = time.monotonic()
        next_report = began + self.report_every
        checker = threading.Thread(target=self._checks_loop, name="safety-checks", daemon=True)
        if self.checks_every > 0:
            checker.start()
        try:
            while not self.stop.is_set():
                if seconds is not None and time.monotonic() - began >= seconds:
                    break
                batch = self._take_batch()
                if batch:
                    self._store(batch)
                now = time.monotonic()
                if now >= next_report:
                    reset_queries()
                    close_old_connections()
                    self.report(self.stats.line())
                    next_report = now + self.report_every
        finally:
            self.stop.set()
            if checker.is_alive():
                checker.join(30)
            self.client.disconnect()
            self.client.loop_stop()
        return self.stats
