"""List elders whose capability assessment expires soon or has expired, per area: the reminder job.

Run daily, e.g. ``manage.py assessments_due --days 30 --area 320612``. Names are printed with masked
ID numbers; the listing is recorded in the access log.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiyang.areas.models import Area
from yiyang.assessments.models import Assessment
from yiyang.assessments.selectors import due_for_reassessment, rules_in_force
from yiyang.core import audit
from yiyang.core.context import unit_of_work
from yiyang.core.models import AccessLog


class Command(BaseCommand):
    help = "列出能力评估即将到期或已过期的老人（按街道/社区汇总），用于复评提醒"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="到期天数内（默认取评估规则配置的提前提醒天数，30 天）"
        )
        parser.add_argument("--area", default="", help="区划代码（区、街道或社区），默认全部")
        parser.add_argument("--expired", action="store_true", help="只列已过期")
        parser.add_argument("--summary", action="store_true", help="只输出各区域汇总")
        parser.add_argument("--csv", action="store_true", help="CSV 输出（明细）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        path = ""
        if options["area"]:
            area = Area.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"未知的区划代码 {options['area']}")
            path = area.path
        days = options["days"]
        if days is None:
            days = rules_in_force(path, today).reminder_days
        qs = Assessment.objects.select_related("elder", "elder__area", "elder__area__parent")
        if path:
            qs = qs.filter(elder__area_path__startswith=path)
        qs = due_for_reassessment(qs, today, within_days=days, expired=True if options["expired"] else None)
        rows = list(qs.order_by("elder__area_path", "valid_to"))
        with unit_of_work():
            audit.record_access(
                actor=None,
                kind=AccessLog.Kind.EXPORT,
                object_type="assessments.assessment",
                area_path=path,
                row_count=len(rows),
                query=f"assessments_due days={days} expired={options['expired']}",
            )
        if options["csv"]:
            writer = csv.writer(self.stdout)
            writer.writerow(
                ["街道", "社区", "姓名", "身份证号", "能力等级", "评估日期", "有效期至", "剩余天数"]
            )
            for a in rows:
                e = a.elder
                writer.writerow(
                    [
                        e.area.parent.name if e.area.parent else "",
                        e.area.name,
                        e.name,
                        e.id_number_masked,
                        a.final_level_short,
                        f"{a.assessed_on:%Y-%m-%d}",
                        f"{a.valid_to:%Y-%m-%d}",
                        (a.valid_to - today).days if a.valid_to else "",
                    ]
                )
            return
        # Group by street and community (a grid's elders count under its community).
        prefixes = {a.elder.area_path[:n] for a in rows for n in (9, 12)}
        names = dict(Area.objects.filter(path__in=prefixes).values_list("path", "name"))
        groups: dict[str, list[Assessment]] = defaultdict(list)
        for a in rows:
            p = a.elder.area_path
            groups[" ".join(filter(None, (names.get(p[:9], ""), names.get(p[:12], ""))))].append(a)
        expired = sum(1 for a in rows if a.valid_to and a.valid_to < today)
        self.stdout.write(
            f"{today:%Y-%m-%d}：{days} 天内到期或已过期的能力评估 {len(rows)} 人（其中已过期 {expired} 人）"
        )
        for name, items in groups.items():
            late = sum(1 for a in items if a.valid_to and a.valid_to < today)
            self.stdout.write(f"\n{name}：{len(items)} 人（已过期 {late}）")
            if options["summary"]:
                continue
            for a in items:
                assert a.valid_to is not None
                left = (a.valid_to - today).days
                state = f"已过期 {-left} 天" if left < 0 else f"还剩 {left} 天"
                self.stdout.write(
                    f"  {a.elder.name}  {a.elder.id_number_masked}  {a.final_level_short}  "
                    f"有效期至 {a.valid_to:%Y-%m-%d}（{state}）"
                )
