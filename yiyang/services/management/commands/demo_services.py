from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiyang.core.context import unit_of_work
from yiyang.services.demo import run_services_demo


class Command(BaseCommand):
    help = "居家社区服务演示数据：服务项目、服务商与网点、助老员、协议、服务计划、一个月的工单/上门记录/异常和结算"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--orders-per-day", type=int, default=40)

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = run_services_demo(seed=options["seed"], orders_per_day=options["orders_per_day"])
        self.stdout.write(
            self.style.SUCCESS(
                f"服务项目 {r.items} 项；服务商 {r.providers} 家；服务网点 {r.points} 个；助老员 {r.workers} 名；"
                f"服务计划 {r.plans} 个；工单 {r.orders} 张（上门记录 {r.visits} 条，异常 {r.exceptions} 条）；"
                f"结算单 {r.settlements} 张；今日演示工单 {r.today_orders} 张"
            )
        )
        self.stdout.write(
            "助老员手机页：账号 zhulaoyuan（密码同演示账号）→ /services/visits/；热线受理：hotline → /services/work-orders/add/"
        )
