from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.assessments import demo
from yiyang.assessments.scoring import LEVEL_SHORT
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "为演示老人生成已确认的能力评估（GB/T 42195），并同步能力等级 (demo capability assessments)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--share", type=float, default=0.15, help="share of living elders (default 0.15)")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        share = options["share"]
        if not 0 <= share <= 1:
            raise CommandError("--share 应在 0 与 1 之间")
        with unit_of_work():
            ids = demo.pick_demo_elders(share, seed=options["seed"])
            result = demo.load_demo_assessments(ids, seed=options["seed"])
        levels = "，".join(f"{LEVEL_SHORT[k]} {v}" for k, v in result.by_level.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成能力评估 {result.created} 条（{levels}）；跳过已有评估 {result.skipped} 人"
            )
        )
