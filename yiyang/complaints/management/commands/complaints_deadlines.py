from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.complaints.actions.deadlines import run
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "投诉信访时限：到期前提醒承办单位，超期未答复的件提级督办（定时任务，每几分钟运行一次）"

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = run()
        self.stdout.write(
            f"到期提醒 {r.reminded} 件；超期督办 {r.escalated} 件；保护性跟进环节超时督办 {r.protective_escalated} 项"
        )
