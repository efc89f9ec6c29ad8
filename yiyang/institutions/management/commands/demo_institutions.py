from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.institutions import demo


class Command(BaseCommand):
    help = "演示数据：养老机构（种子文件 004 的 11 家机构）、床位、责任保险和机构工作人员账号（在 demo 之后运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="320612")
        parser.add_argument("--seed", type=int, default=16)

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo.build(district_code=options["district"], seed=options["seed"])
        self.stdout.write(demo.summary_line(result))
        self.stdout.write(f"机构工作人员账号：{demo.STAFF_USERNAME}（爱心养老院）")
