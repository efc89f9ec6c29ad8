from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.cards.demo import build
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "优待证与银龄安康演示数据：两个街道批量发证、补办一张；今年和去年的参保名单与理赔（可重复运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = build()
        self.stdout.write(
            self.style.SUCCESS(f"有效优待证 {r.cards} 张，今年参保 {r.enrolled} 人，理赔 {r.claims} 件")
        )
        self.stdout.write("优待证：/cards/；银龄安康参保率：/cards/insurance/coverage/")
