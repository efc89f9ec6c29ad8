from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from yiyang.safety.listener import Listener


class Command(BaseCommand):
    help = (
        "接收智能设备的 MQTT 消息并入库、触发告警（长期运行；断线自动重连）"
        " (long-running MQTT listener: QoS 1, persistent session, ack after commit)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SAFETY_MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.SAFETY_MQTT_PORT)
        parser.add_argument(
            "--client-id",
            default=settings.SAFETY_MQTT_CLIENT_ID,
            help="fixed client id: the broker keeps this session's messages while it is down",
        )
        parser.add_argument("--topic", default=settings.SAFETY_MQTT_TOPIC)
        parser.add_argument(
            "--share",
            default=settings.SAFETY_MQTT_SHARE_GROUP,
            metavar="GROUP",
            help="run beside other listeners: MQTT shared subscription $share/GROUP/<topic>, clean sessions, "
            "acknowledgements to the devices on <prefix>/acks",
        )
        parser.add_argument("--protocol", choices=["5", "3.1.1"], default="5")
        parser.add_argument("--batch-size", type=int, default=500, help="most messages per transaction")
        parser.add_argument(
            "--batch-wait",
            type=float,
            default=0.05,
            help="seconds to wait for a fuller batch after its first message (bounds the added latency)",
        )
        parser.add_argument(
            "--checks-every",
            type=float,
            default=5.0,
            help="seconds between escalation checks (0 = none); full checks every minute",
        )
        parser.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
        parser.add_argument("--report-every", type=float, default=10.0)

    def _report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        listener = Listener(
            host=options["host"],
            port=options["port"],
            client_id=options["client_id"],
            topic=options["topic"],
            protocol=options["protocol"],
            username=settings.SAFETY_MQTT_USERNAME,
            password=settings.SAFETY_MQTT_PASSWORD,
            batch_size=options["batch_size"],
            batch_wait=options["batch_wait"],
            checks_every=options["checks_every"],
            report=self._report,
            report_every=options["report_every"],
            share=options["share"],
        )

        def stop(signum: int, frame: Any) -> None:
            listener.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            f"监听 {listener.subscription} @ {options['host']}:{options['port']}（客户端 {listener.client_id}，QoS 1）"
        )
        stats = listener.run(options["seconds"])
        self.stdout.write(self.style.SUCCESS("已停止：" + stats.line()))
