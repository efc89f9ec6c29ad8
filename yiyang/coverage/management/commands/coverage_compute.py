from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.coverage.actions import coverage_compute
from yiyang.coverage.compute import CircleRule
from yiyang.coverage.selectors import default_rule


class Command(BaseCommand):
    help = "重算一刻钟服务圈覆盖率（每位老人到各类服务点的最近距离，按社区、街道、区汇总）"

    def add_arguments(self, parser: CommandParser) -> None:
        base = default_rule()
        parser.add_argument("--detour", type=float, default=base.detour_factor, help="绕行系数（默认 1.3）")
        parser.add_argument(
            "--walk", type=float, default=base.walk_metres, help="15 分钟步行距离，米（默认 1000）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = coverage_compute(rule=CircleRule(options["detour"], options["walk"]))
        points = "，".join(f"{run.kind_labels.get(k, k)} {n}" for k, n in run.point_counts.items()) or "无"
        self.stdout.write(
            f"已计算：{run.elder_count} 名老人（无坐标 {run.unlocated}），服务点：{points}，耗时 {run.seconds:.2f} 秒"
        )
