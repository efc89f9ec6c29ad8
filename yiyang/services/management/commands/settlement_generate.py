from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiyang.core.context import unit_of_work
from yiyang.services.actions.settlements import settlement_generate
from yiyang.services.models import Provider


class Command(BaseCommand):
    help = "生成某月的服务结算单（每个服务商、每个街道一张；只计已核验、未结算的服务记录）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default=None, help="YYYY-MM (default: last month)")
        parser.add_argument("--provider", type=int, default=None, help="provider id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = datetime.date.fromisoformat(options["month"] + "-01")
            except ValueError as exc:
                raise CommandError("--month 格式应为 YYYY-MM") from exc
        else:
            month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        provider = Provider.objects.get(pk=options["provider"]) if options["provider"] else None
        started = time.perf_counter()
        with unit_of_work():
            made = settlement_generate(month=month, provider=provider, actor=None)
        seconds = time.perf_counter() - started
        visits = sum(s.visit_count for s in made)
        self.stdout.write(
            self.style.SUCCESS(
                f"{month:%Y-%m}：结算单 {len(made)} 张，服务人次 {visits}，用时 {seconds:.1f} 秒"
            )
        )
