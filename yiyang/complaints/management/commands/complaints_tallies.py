from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from yiyang.complaints.tallies import rebuild
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "办结率统计：按投诉信访件重新计算每日、每区域、每承办单位的计数（批量导入或恢复数据后运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        with unit_of_work():
            cells = rebuild()
        self.stdout.write(f"办结率统计 {cells} 格，用时 {time.perf_counter() - start:.1f} 秒")
