"""Safety ingestion benchmark: device events through the MQTT broker into stored events and alarms.

    .venv/bin/python bench/safety_throughput.py [--duration 120] [--rate 1000] [--devices 100000]
    .venv/bin/python bench/safety_throughput.py --memory-minutes 10 [--rate 1000]   # listener RSS

* Baseline, same broker, same rate: a bare QoS 1 publish → subscribe round trip (no database).
* Main run: a publisher process simulates ``--devices`` devices (heartbeats, water, doors, faults,
  duplicates, and an SOS every 0.2 s) at ``--rate`` messages/s; ``manage.py devices_listen`` runs as
  its own process against a dedicated PostgreSQL database (created and dropped here). Reported:
  stored rate per 10 s window, messages lost, drain time after the publisher stops, p50/p99
  event-to-alarm latency, listener RSS samples over the run. Latency is reported twice: to the
  alarm's ``raised_at`` (stamped when the listener's batch began), and as *observed*: a thread here
  polls the alarm table every 50 ms, as the hotline board would, and takes the time it first sees
  the row (committed and visible) minus the device's timestamp — the end-to-end figure.
* ``--memory-minutes N``: the same set-up, publishing at ``--rate`` for N minutes while the
  listener's RSS is sampled every 10 s; reports first/last/max and the least-squares slope.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432/"
KINDS = ["sos_button", "door", "water_meter", "smoke"]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (t, y) points, per unit of t."""
    if len(points) < 2:
        return 0.0
    mt = statistics.fmean(t for t, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / den if den else 0.0


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time a process has used so far (0 when it is gone)."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- baseline: bare round trip -------------------------------------------------------------------------


def baseline(host: str, port: int, rate: float, seconds: float) -> dict[str, float]:
    import json

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    latencies: list[float] = []
    received = [0]
    root = f"bench/rt/{uuid.uuid4().hex[:6]}"

    def on_message(c: mqtt.Client, u: object, msg: mqtt.MQTTMessage) -> None:
        received[0] += 1
        latencies.append(time.time() - json.loads(msg.payload)["t"])

    sub = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"bench-sub-{uuid.uuid4().hex[:6]}", protocol=mqtt.MQTTv5
    )
    sub.on_message = on_message
    sub.connect(host, port)
    sub.subscribe(f"{root}/#", qos=1)
    sub.loop_start()
    pub = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}", protocol=mqtt.MQTTv5
    )
    pub.max_inflight_messages_set(1000)
    pub.connect(host, port)
    pub.loop_start()
    time.sleep(0.5)
    sent = 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        target = int((time.monotonic() - began) * rate)
        while sent < target:
            pub.publish(f"{root}/{sent % 1000}", json.dumps({"t": time.time(), "n": sent}), qos=1)
            sent += 1
        time.sleep(0.005)
    deadline = time.monotonic() + 10
    while received[0] < sent and time.monotonic() < deadline:
        time.sleep(0.05)
    pub.disconnect()
    sub.disconnect()
    pub.loop_stop()
    sub.loop_stop()
    return {
        "sent": sent,
        "received": received[0],
        "rate": sent / seconds,
        "p50_ms": 1000 * pct(latencies, 50),
        "p99_ms": 1000 * pct(latencies, 99),
    }


# -- the publisher process ------------------------------------------------------------------------------


def publish(host: str, port: int, devices: int, rate: float, seconds: float, out: mp.Queue) -> None:
    from yiyang.safety.simulator import MqttSink, Simulator, run

    homes = [[(f"BN{h:06d}{k}", kind) for k, kind in enumerate(KINDS)] for h in range(devices // len(KINDS))]
    sim = Simulator(homes, seed=3)
    sink = MqttSink(host, port)
    counters = run(sim, sink, rate=rate, duration=seconds, sos_every=0.2, tick=0.05)
    sink.close(120)
    out.put(dict(counters.by_type, sent=counters.sent, acked=sink.acked))


# -- set-up ---------------------------------------------------------------------------------------------


def private_broker() -> tuple[subprocess.Popen[bytes], int]:
    import socket
    import tempfile

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    conf = Path(tempfile.mkdtemp(prefix="yiyang-bench-mqtt-")) / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\n"
        "max_queued_messages 200000\npersistence false\n"
        f"log_dest file {conf.parent}/mosquitto.log\nlog_type error\nlog_type warning\nlog_type notice\n"
    )
    proc = subprocess.Popen(
        ["/usr/sbin/mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(0.5)
    return proc, port


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(devices: int) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from yiyang.core.testing import build_areas
    from yiyang.people.models import Elder
    from yiyang.safety.models import Device

    areas = build_areas()
    communities = [areas.community_a1, areas.community_a2, areas.community_b1, areas.community_b2]
    homes = devices // len(KINDS)
    today = timezone.localdate()
    elders = [
        Elder(
            id_number_enc="bench",
            id_number_hash=f"bench{h}",
            id_number_masked="320612********0000",
            id_tail="0000",
            name=f"老人{h}",
            sex="F",
            birth_date=today.replace(year=today.year - 82),
            area=communities[h % 4],
            area_path=communities[h % 4].path,
            living_situation="alone",
        )
        for h in range(homes)
    ]
    Elder.objects.bulk_create(elders, batch_size=5000)
    ids = list(Elder.objects.order_by("id").values_list("id", flat=True))
    now = timezone.now()
    Device.objects.bulk_create(
        [
            Device(serial=f"BN{h:06d}{k}", kind=kind, elder_id=ids[h], last_seen_at=now, last_activity_at=now)
            for h in range(homes)
            for k, kind in enumerate(KINDS)
        ],
        batch_size=10000,
    )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # as in production, where autovacuum keeps statistics: plan on real sizes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=120, help="seconds of sustained load (target 600)")
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--db", default="yiyang_bench_safety")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--memory-minutes",
        type=float,
        default=0,
        help="memory mode: publish at --rate for this many minutes, sample the listener's RSS every 10 s",
    )
    parser.add_argument(
        "--shared-broker",
        action="store_true",
        help="use the broker at --host/--port as configured (mosquitto defaults: 20 messages in flight per "
        "client, 1000 queued); default: start a private mosquitto with production settings on a free port",
    )
    args = parser.parse_args()
    if args.memory_minutes:
        args.duration = args.memory_minutes * 60
    broker = None
    if not args.shared_broker:
        broker, args.port = private_broker()
        print(
            f"== private mosquitto on port {args.port}: max_inflight_messages 1000, max_queued_messages 200000"
        )

    url = PG + args.db
    os.environ["YIYANG_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["YIYANG_DEBUG"] = "0"
    os.environ["YIYANG_LOG_LEVEL"] = "ERROR"

    b = {"p50_ms": float("nan"), "p99_ms": float("nan")}
    if args.baseline_seconds > 0:
        print(
            f"== baseline: bare QoS 1 publish→subscribe round trip, {args.rate:.0f}/s for {args.baseline_seconds:.0f} s"
        )
        b = baseline(args.host, args.port, args.rate, args.baseline_seconds)
        print(
            f"   sent {b['sent']}, received {b['received']}, {b['rate']:.0f}/s, latency p50 {b['p50_ms']:.1f} ms, p99 {b['p99_ms']:.1f} ms"
        )

    print(f"== set-up: database {args.db}, {args.devices:,} devices")
    t = time.monotonic()
    create_database(args.db)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"], check=True, cwd=ROOT
    )
    seed(args.devices)
    print(f"   ready in {time.monotonic() - t:.0f} s")

    from django.db import connection

    from yiyang.safety.models import Alarm, DeviceEvent, RejectedMessage

    def stored() -> int:
        with connection.cursor() as cur:
            cur.execute(
                "select (select count(*) from safety_deviceevent) + (select count(*) from safety_rejectedmessage)"
            )
            return int(cur.fetchone()[0])

    client_id = f"bench-listener-{uuid.uuid4().hex[:6]}"
    log = open(ROOT / "var" / "bench_safety_listener.log", "w")  # noqa: SIM115
    listener = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "devices_listen",
            "--client-id",
            client_id,
            "--checks-every",
            "5",
            "--report-every",
            "30",
            "--host",
            args.host,
            "--port",
            str(args.port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Publish only once the listener has subscribed: its session does not exist before, and the
    # broker does not keep messages for a subscription it has not seen (a loaded machine can take
    # many seconds to start Django).
    deadline = time.monotonic() + 120
    while "已订阅" not in (ROOT / "var" / "bench_safety_listener.log").read_text(errors="replace"):
        if time.monotonic() > deadline or listener.poll() is not None:
            raise SystemExit("the listener did not subscribe; see var/bench_safety_listener.log")
        time.sleep(0.2)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    pub = ctx.Process(
        target=publish, args=(args.host, args.port, args.devices, args.rate, args.duration, out)
    )
    print(
        f"== main: {args.rate:.0f} msg/s for {args.duration:.0f} s through mosquitto → devices_listen → PostgreSQL"
    )
    began = time.monotonic()
    pub.start()
    samples: list[tuple[float, int, int]] = []
    stop = threading.Event()

    def backends() -> list[int]:
        with connection.cursor() as cur:
            cur.execute(
                "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
            )
            return [int(r[0]) for r in cur.fetchall()]

    def cpu() -> dict[str, float]:
        # Who used the CPU: on a shared machine, a stalled rate with idle processes means starvation.
        return {
            "listener": cpu_seconds(listener.pid),
            "its db": sum(cpu_seconds(p) for p in backends()),
            "publisher": cpu_seconds(pub.pid),
            "broker": cpu_seconds(broker.pid if broker else None),
        }

    def sample() -> None:
        last_cpu, last_t = cpu(), time.monotonic()
        while not stop.wait(10):
            samples.append((time.monotonic() - began, stored(), rss_kb(listener.pid)))
            s = samples[-1]
            now_cpu, now_t = cpu(), time.monotonic()
            shares = ", ".join(
                f"{k} {100 * max(now_cpu[k] - last_cpu.get(k, 0), 0) / (now_t - last_t):.0f}%"
                for k in now_cpu
            )
            last_cpu, last_t = now_cpu, now_t
            load = os.getloadavg()[0]
            print(
                f"   t={s[0]:5.0f}s stored {s[1]:>8,}  listener RSS {s[2] / 1024:.1f} MiB  "
                f"CPU: {shares}; load {load:.1f}",
                flush=True,
            )

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    observed: list[float] = []

    def watch_alarms() -> None:
        """The hotline board's view: when does a new alarm become visible to another connection?"""
        import psycopg

        last = 0
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.wait(0.05):
                seen = time.time()
                rows = conn.execute(
                    "select id, extract(epoch from event_ts) from safety_alarm where id > %s and event_ts is not null",
                    [last],
                ).fetchall()
                for pk, ts in rows:
                    last = max(last, pk)
                    observed.append(seen - float(ts))

    watcher = threading.Thread(target=watch_alarms, daemon=True)
    watcher.start()
    pub.join()
    published_at = time.monotonic()
    counts = out.get()
    sent = counts["sent"]
    acked = counts.get("acked", sent)
    dupes = counts.get("duplicate", 0)
    expected = acked - dupes  # what the broker took responsibility for must all be stored
    while stored() < expected and time.monotonic() - published_at < 120:
        time.sleep(0.2)
    drain = time.monotonic() - published_at
    time.sleep(0.2)  # the alarm watcher's last look
    stop.set()
    watcher.join(5)
    final = stored()
    listener.terminate()
    listener.wait(30)
    log.close()

    latencies = [
        (raised - ts).total_seconds()
        for raised, ts in Alarm.objects.filter(event_ts__isnull=False).values_list("raised_at", "event_ts")
        if ts is not None
    ]
    windows = [
        (b[1] - a[1]) / (b[0] - a[0]) for a, b in itertools.pairwise(samples) if b[0] <= args.duration + 1
    ]
    print("== results")
    print(
        f"   published {sent:,} ({sent / args.duration:.0f}/s; {dupes} deliberate duplicates; "
        f"{acked:,} acknowledged by the broker), "
        f"stored {DeviceEvent.objects.count():,} events + {RejectedMessage.objects.count():,} rejected = {final:,}; "
        f"lost after the broker acknowledged {max(expected - final, 0):,}"
        + (f" (never reached the broker: {sent - acked:,})" if acked < sent else "")
    )
    if windows:
        print(
            f"   stored rate per 10 s window: median {statistics.median(windows):.0f}/s, min {min(windows):.0f}/s, max {max(windows):.0f}/s"
        )
    print(f"   drain after the publisher stopped: {drain:.1f} s")
    print(
        f"   alarms {len(latencies)} (open {Alarm.objects.filter(closed_at__isnull=True).count()}); event→alarm latency "
        f"p50 {1000 * pct(latencies, 50):.0f} ms, p99 {1000 * pct(latencies, 99):.0f} ms, max {1000 * max(latencies or [0]):.0f} ms"
    )
    print(
        f"   observed by a 50 ms poller (committed and visible): {len(observed)} alarms, "
        f"p50 {1000 * pct(observed, 50):.0f} ms, p99 {1000 * pct(observed, 99):.0f} ms, max {1000 * max(observed or [0]):.0f} ms"
    )
    print(
        f"   baseline round trip p50 {b['p50_ms']:.1f} ms, p99 {b['p99_ms']:.1f} ms → ratio of observed p99 "
        f"{1000 * pct(observed, 99) / b['p99_ms']:.1f}×"
    )
    rss = [(s[0], s[2] / 1024) for s in samples if s[0] <= args.duration + 1]
    if rss:
        print("   listener RSS MiB: " + ", ".join(f"{r:.1f}" for _t, r in rss))
        mib = [r for _t, r in rss]
        print(
            f"   RSS first {mib[0]:.1f} MiB, last {mib[-1]:.1f} MiB, max {max(mib):.1f} MiB, "
            f"slope {slope(rss) * 60:+.2f} MiB/min over {rss[-1][0] - rss[0][0]:.0f} s "
            f"(second half only: {slope(rss[len(rss) // 2 :]) * 60:+.2f} MiB/min)"
        )
    connection.close()
    if not args.keep:
        drop_database(args.db)
    if broker is not None:
        broker.terminate()
        broker.wait(10)


if __name__ == "__main__":
    main()
