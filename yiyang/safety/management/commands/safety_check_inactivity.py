from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.core.context import unit_of_work
from yiyang.safety import rules


class Command(BaseCommand):
    help = "安全监护定时检查：长时间无用水/未开门告警；加 --all 同时检查超时未接警、未平安签到、设备离线、低电量和超过一个月未测试"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="run every periodic safety check")
        parser.add_argument("--loop", type=float, default=0, help="repeat every this many seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            with unit_of_work():
                result = rules.run_checks() if options["all"] else {"inactivity": rules.check_inactivity()}
            self.stdout.write("，".join(f"{k} {v}" for k, v in result.items()))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
