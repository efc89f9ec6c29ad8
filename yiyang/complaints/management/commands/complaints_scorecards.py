from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiyang.complaints.actions.scoring import scorecards_compute
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "服务商月度考评：按考评规则汇总投诉、服务异常、回访和评价，计算得分与红黑榜（默认上月）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM（默认上月）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = datetime.date.fromisoformat(f"{options['month']}-01")
            except ValueError as exc:
                raise CommandError("月份格式应为 YYYY-MM") from exc
        else:
            month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        with unit_of_work():
            run = scorecards_compute(month=month, actor=None)
        self.stdout.write(f"{run.month:%Y-%m}：{run.providers} 家服务商，记分事件 {run.points} 条")
