from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.coverage.actions import coverage_compute
from yiyang.meals import demo


class Command(BaseCommand):
    help = "演示数据：助餐点、一周菜单、一个月助餐记录与送餐单，并计算一刻钟服务圈覆盖率（在 demo 之后运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="320612")
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo.build(district_code=options["district"], seed=options["seed"], days=options["days"])
        self.stdout.write(demo.summary_line(result))
        run = coverage_compute()
        self.stdout.write(
            f"服务圈：{run.elder_count} 名老人，服务点 {run.point_counts}，耗时 {run.seconds:.2f} 秒"
        )
