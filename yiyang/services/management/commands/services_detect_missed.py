from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.core.context import unit_of_work
from yiyang.services.actions.visits import detect_missed_visits


class Command(BaseCommand):
    help = "把预约时段已过仍未签到的工单记为“漏服务”异常（可重复运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            made = detect_missed_visits(actor=None)
        self.stdout.write(self.style.SUCCESS(f"新发现漏服务 {made} 单"))
