from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.core.context import unit_of_work
from yiyang.visits.demo import run_visits_demo


class Command(BaseCommand):
    help = "走访慰问演示数据：走访频次规则、网格员、上月与本月的走访任务和部分走访记录"

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = run_visits_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"走访频次规则 {r.rules} 条；新生成走访任务 {r.tasks} 条；走访记录 {r.records} 条"
            )
        )
        self.stdout.write(f"网格员账号 {r.worker}（手机打开 /visits/today/）；街道督办：/visits/overdue/")
        if r.campaign:
            self.stdout.write(
                f"节日慰问「{r.campaign}」：新增慰问对象 {r.recipients} 人，慰问登记 {r.contributions} 条；"
                "部门账号 gonghui（工会）、fulian（妇联）；查重：/visits/campaigns/"
            )
