from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.core.context import unit_of_work
from yiyang.safety.demo import run_safety_demo


class Command(BaseCommand):
    help = "安全监护演示数据：为部分老人（80 岁以上独居优先）安装设备，生成历史告警和几条实时告警"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--homes", type=int, default=300, help="homes to equip (default 300)")
        parser.add_argument("--history-days", type=int, default=150, help="days of handled alarms")
        parser.add_argument("--live", type=int, default=3, help="alarms to raise now, in-process")

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = run_safety_demo(
                homes=options["homes"], history_days=options["history_days"], live=options["live"]
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已为 {r.homes} 户安装 {r.devices} 台设备；历史告警 {r.history_alarms} 条；实时告警 {r.live_alarms} 条"
            )
        )
        self.stdout.write(
            "告警看板：/safety/board/（热线账号 hotline）；更多实时流量：manage.py devices_simulate --inprocess"
        )
        self.stdout.write(
            f"设备平台账号 shebei（只能推送设备事件）：manage.py devices_simulate --http http://127.0.0.1:8000 "
            f"--token {r.platform_token}"
        )
