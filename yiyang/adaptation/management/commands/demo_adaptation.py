from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.adaptation.demo import build
from yiyang.core.context import unit_of_work


class Command(BaseCommand):
    help = "适老化改造演示数据：项目目录与每户上限、施工单位、第一个街道的改造对象及各环节的项目"

    def handle(self, *args: Any, **options: Any) -> None:
        with unit_of_work():
            r = build()
        self.stdout.write(
            self.style.SUCCESS(
                f"适老化改造：新纳入 {r.enrolled} 户，共 {r.projects} 个项目，已付款 {r.paid} 个"
            )
        )
        self.stdout.write(
            "适老化改造：/adaptation/projects/（施工单位账号 contractor 只看到指派给本单位的项目）"
        )
