from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.complaints.demo import build
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "投诉信访演示数据：半年来各渠道的投诉信访件，多数已办结，少数超期督办"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--per-thousand", type=float, default=2.0, help="cases a month per 1,000 elders")

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = build(months=options["months"], per_thousand=options["per_thousand"])
        self.stdout.write(
            self.style.SUCCESS(f"投诉信访件 {r.cases} 件，已办结 {r.closed} 件，超期督办 {r.escalated} 件")
        )
        self.stdout.write(
            "投诉信访：/complaints/cases/（热线账号 hotline；服务商账号 provider 只看到交给本服务商的件）"
        )
