from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.areas.loader import DivisionDataError, load_district


class Command(BaseCommand):
    help = "从国家统计局五级区划数据载入一个区县的街道、社区 (e.g. --district 320612)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="6-digit GB/T 2260 county code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_district(options["district"])
        except DivisionDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"载入 {options['district']}：新增 {result.created}，更新 {result.updated}")
