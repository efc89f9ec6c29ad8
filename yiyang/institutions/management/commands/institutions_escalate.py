from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.institutions.actions.safety import findings_escalate_overdue


class Command(BaseCommand):
    help = "督办：把已过整改期限仍未整改的监督检查问题标为逾期督办（每日由 cron 运行，重复运行不会重复督办）"

    def handle(self, *args: Any, **options: Any) -> None:
        count = findings_escalate_overdue()
        self.stdout.write(f"逾期督办 {count} 项")
