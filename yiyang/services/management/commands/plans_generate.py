from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from yiyang.core.context import unit_of_work
from yiyang.services.actions.work_orders import plans_generate


class Command(BaseCommand):
    help = "按服务计划提前生成工单（可重复运行，不会重复生成）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args: Any, **options: Any) -> None:
        start = options["start"] or timezone.localdate()
        with unit_of_work():
            made = plans_generate(start=start, days=options["days"], actor=None)
        self.stdout.write(
            self.style.SUCCESS(f"{start:%Y-%m-%d} 起 {options['days']} 天：新生成工单 {made} 张")
        )
