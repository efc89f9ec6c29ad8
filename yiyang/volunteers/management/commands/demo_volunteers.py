from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.volunteers import demo


class Command(BaseCommand):
    help = "演示数据：志愿者信息台账、志愿服务队、老年人才库（在 demo 之后运行；重复运行会替换）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="320612")
        parser.add_argument("--seed", type=int, default=14)

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo.build(district_code=options["district"], seed=options["seed"])
        self.stdout.write(demo.summary_line(result))
