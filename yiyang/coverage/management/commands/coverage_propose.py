from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.areas.models import Area, AreaLevel
from yiyang.coverage.actions import site_proposal_create
from yiyang.coverage.compute import CircleRule
from yiyang.coverage.exports import proposal_workbook
from yiyang.coverage.selectors import default_rule


class Command(BaseCommand):
    help = "设施布局规划：提出下 K 个服务点位置，使圈外老人新增覆盖最多"

    def add_arguments(self, parser: CommandParser) -> None:
        base = default_rule()
        parser.add_argument("--kind", default="any", help="服务点类型（如 meal、any）")
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--area", default="", help="区域代码（默认：第一个区/县）")
        parser.add_argument("--candidates", default="both", choices=["both", "community", "grid"])
        parser.add_argument("--detour", type=float, default=base.detour_factor)
        parser.add_argument("--walk", type=float, default=base.walk_metres)
        parser.add_argument("--xlsx", default="", help="同时导出 .xlsx 到此路径")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["area"]:
            area = Area.objects.filter(code=options["area"]).first()
        else:
            area = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
        if area is None:
            raise CommandError("找不到区域")
        try:
            proposal = site_proposal_create(
                area=area,
                kind=options["kind"],
                k=options["k"],
                actor=None,
                rule=CircleRule(options["detour"], options["walk"]),
                candidate_mode=options["candidates"],
            )
        except Exception as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{area.name}：圈外老人 {proposal.uncovered_before} 人，建议 {len(proposal.sites)} 个站点可新增覆盖 "
            f"{proposal.newly_covered} 人（耗时 {proposal.seconds:.2f} 秒）"
        )
        for s in proposal.sites:
            self.stdout.write(
                f"  {s['rank']:>2}. {s['near_area']}附近（{s['latitude']:.5f}, {s['longitude']:.5f}，{s['source']}）"
                f" 新增 {s['gain']} 人，累计 {s['cumulative']} 人"
            )
        if options["xlsx"]:
            with open(options["xlsx"], "wb") as fh:
                fh.write(proposal_workbook(proposal))
            self.stdout.write(f"已导出：{options['xlsx']}")
