from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiyang.volunteers import checks


class Command(BaseCommand):
    help = "时间银行月末核对：证明账户余额与流水一致、全部余额合计为零、无账户超出存储上限（默认上月）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM，默认上月")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = datetime.datetime.strptime(options["month"], "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("--month 应为 YYYY-MM，例如 2026-03") from exc
        else:
            month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        check = checks.run_check(month=month, actor=None)
        if options["json"]:
            self.stdout.write(json.dumps({"month": f"{month:%Y-%m}", "ok": check.ok, "movements": check.movements,
                                          "accounts": check.accounts, "total_minutes": check.total_minutes,
                                          "cap_hours": check.cap_hours, "problems": check.problems,
                                          "seconds": check.seconds}, ensure_ascii=False))  # fmt: skip
        else:
            verdict = "通过" if check.ok else f"发现 {len(check.problems)} 个问题"
            self.stdout.write(f"{month:%Y-%m} 月末核对{verdict}：流水 {check.movements} 笔，账户 {check.accounts} 个，"
                              f"余额合计 {check.total_minutes} 分钟，上限 {check.cap_hours} 小时，耗时 {check.seconds} 秒")  # fmt: skip
        if not check.ok:
            raise CommandError("月末核对未通过")
