import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from yiyang.people import stats
from yiyang.people.certifications import refresh_categories
from yiyang.people.models import ElderStatState


class Command(BaseCommand):
    help = (
        "重算经济类别与统计汇总：老人会变老、认定会到期，每晚运行一次 "
        "(nightly: refresh categories from certifications in force, rebuild all statistics)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="compute as of this day (YYYY-MM-DD, default today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["date"] or timezone.localdate()
        started = time.perf_counter()
        # under the state row's lock, as the worker's rebuild (stats_rebuild_task): never two at once
        with transaction.atomic():
            ElderStatState.objects.select_for_update().first()
            changed = refresh_categories(today=day)
            categories_done = time.perf_counter()
            cells = stats.rebuild(today=day)
        if connection.vendor == "sqlite":
            # The embedded database has no autovacuum to keep planner statistics current.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA optimize")
        finished = time.perf_counter()
        self.stdout.write(
            self.style.SUCCESS(
                f"{day:%Y-%m-%d}：经济类别更新 {changed} 人（{categories_done - started:.1f} 秒），"
                f"统计汇总 {cells} 格（{finished - categories_done:.1f} 秒），共 {finished - started:.1f} 秒"
            )
        )
