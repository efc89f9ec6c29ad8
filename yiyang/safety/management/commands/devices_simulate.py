from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.safety.models import Device
from yiyang.safety.simulator import HttpSink, InProcessSink, MqttSink, Simulator, run


def homes_from_db(n: int) -> list[list[tuple[str, str]]]:
    """The first ``n`` homes with active devices, each as its devices' (serial, kind)."""
    homes: dict[int, list[tuple[str, str]]] = {}
    rows = (
        Device.objects.filter(status="active")
        .order_by("elder_id", "id")
        .values_list("elder_id", "serial", "kind")
    )
    for elder_id, serial, kind in rows.iterator(chunk_size=5000):
        if elder_id not in homes and len(homes) >= n:
            break
        homes.setdefault(elder_id, []).append((serial, kind))
    return list(homes.values())


class Command(BaseCommand):
    help = (
        "模拟智能设备流量（心跳、用水、开门、SOS、跌倒、低电量，以及故障和畸形报文），"
        "发送到 MQTT 代理、HTTP 接口或直接入库"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--homes", type=int, default=100, help="homes (with installed devices) to simulate"
        )
        parser.add_argument("--rate", type=float, default=10, help="messages per second")
        parser.add_argument(
            "--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)"
        )
        parser.add_argument(
            "--sos-every", type=float, default=None, help="an SOS press every this many seconds"
        )
        parser.add_argument("--http", metavar="URL", help="POST to URL/api/v1/safety/events/ instead of MQTT")
        parser.add_argument(
            "--token", default=os.environ.get("YIYANG_DEVICE_TOKEN", ""), help="API token for --http"
        )
        parser.add_argument(
            "--inprocess", action="store_true", help="call ingest directly (no broker, no server)"
        )
        parser.add_argument("--host", default=settings.SAFETY_MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.SAFETY_MQTT_PORT)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        homes = homes_from_db(options["homes"])
        if not homes:
            raise CommandError("没有已安装设备的老人：请先运行 manage.py demo_safety")
        sim = Simulator(homes, seed=options["seed"])
        sink: Any
        if options["inprocess"]:
            sink, where = InProcessSink(), "直接入库"
        elif options["http"]:
            if not options["token"]:
                raise CommandError("--http 需要 --token（或环境变量 YIYANG_DEVICE_TOKEN）")
            sink, where = HttpSink(options["http"], options["token"]), options["http"]
        else:
            try:
                sink = MqttSink(options["host"], options["port"])
            except OSError as exc:
                raise CommandError(
                    f"无法连接 MQTT 代理 {options['host']}:{options['port']}（{exc}）；"
                    "没有代理时可用 --inprocess 或 --http"
                ) from exc
            where = f"mqtt://{options['host']}:{options['port']}"
        self.stdout.write(
            f"模拟 {len(homes)} 户、{sum(len(h) for h in homes)} 台设备，每秒 {options['rate']} 条 → {where}"
        )
        try:
            counters = run(
                sim,
                sink,
                rate=options["rate"],
                duration=options["duration"],
                sos_every=options["sos_every"],
                report=lambda line: self.stdout.write(line),
            )
        except KeyboardInterrupt:
            counters = sim.counters
        finally:
            if isinstance(sink, MqttSink):
                sink.close()
        detail = "，".join(f"{k} {v}" for k, v in sorted(counters.by_type.items()))
        self.stdout.write(self.style.SUCCESS(f"共发送 {counters.sent} 条：{detail}"))
