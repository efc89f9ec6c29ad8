from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.workforce import demo


class Command(BaseCommand):
    help = "演示数据：养老服务人才台账、职业技能等级证书、培训班、岗位补贴花名册（在 demo 之后运行；重复运行会替换）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="320612")
        parser.add_argument("--seed", type=int, default=17)

    def empty_demo(self) -> None:
        """What ``demo_all --reset`` runs before any module rebuilds: the rolls (approved ones
        included, deleted as rolls), then the workers, so that the employers' own resets find none."""
        demo.reset()

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo.build(district_code=options["district"], seed=options["seed"])
        self.stdout.write(demo.summary_line(result))
