from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.context import unit_of_work
from yiyang.visits import actions


class Command(BaseCommand):
    help = "生成走访任务（每日可重复运行：已有任务不会重复）并把逾期任务上报街道"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="月份，例如 2026-12（默认本月）")
        parser.add_argument("--area", help="区划代码（默认所有区/县）")

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or f"{timezone.localdate():%Y-%m}"
        areas = (
            Area.objects.filter(code=options["area"])
            if options["area"]
            else Area.objects.filter(level=AreaLevel.DISTRICT)
        )
        if not areas.exists():
            raise CommandError("没有找到该区域")
        with unit_of_work():
            for area in areas:
                made = actions.tasks_generate(area=area, month=month, actor=None)
                self.stdout.write(f"{area.name} {month}：新生成走访任务 {made.total} 条")
            escalated = actions.escalate_overdue()
        self.stdout.write(f"逾期上报街道 {escalated} 条")
