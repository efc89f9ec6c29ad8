from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from yiyang.areas.models import Area
from yiyang.benefits import actions
from yiyang.benefits.dates import parse_month
from yiyang.benefits.models import Programme
from yiyang.core.context import unit_of_work
from yiyang.core.errors import error_text
from yiyang.core.management.base import add_actor_argument, resolve_actor


class Command(BaseCommand):
    help = "生成发放花名册 (generate a monthly payment roll), e.g. --programme 高龄津贴 --month 2026-12 --area 320612"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, help="项目名称或代码")
        parser.add_argument("--month", required=True, help="2026-12")
        parser.add_argument("--area", required=True, help="街道或区县代码")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(
            Q(code=options["programme"]) | Q(name=options["programme"])
        ).first()
        if programme is None:
            raise CommandError(f"没有项目 {options['programme']}")
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"没有区域 {options['area']}")
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        actor = resolve_actor(options["actor"])
        try:
            with unit_of_work():
                roll = actions.payment_roll_generate(programme=programme, area=area, month=month, actor=actor)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{actor} 无权为该区域生成花名册") from exc
        c = roll.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"{roll}：{roll.line_count} 人，{roll.total_amount} 元；新增 {c.get('new', 0)}，续发 {c.get('continued', 0)}，"
                f"变更 {c.get('changed', 0)}，补发 {c.get('arrears', 0)}，停发 {c.get('stopped', 0)}；"
                f"{roll.generation_seconds:.1f} 秒（编号 {roll.pk}）"
            )
        )
