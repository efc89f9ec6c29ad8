from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def database_in_use() -> bool:
    """Whether someone already works in this database: it has user accounts (every demo and every
    deployment creates them; ``migrate`` alone does not)."""
    return get_user_model().objects.exists()


class Command(BaseCommand):
    help = (
        "生成完整演示数据：先登记台账，再依次生成各业务模块的演示数据 (settings.DEMO_STEPS)。"
        "数据库已有数据时拒绝运行，除非加 --reset（重建）或 --if-empty（跳过）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--elders", type=int, default=None, help="passed to the registry demo")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="rebuild over existing data: the registry and everything pointing at it is emptied first",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (exit 0) when the database already holds data; what `make run` uses",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A restart must never touch data: reloading renumbers published rolls and doubles records.
        if not options["reset"] and database_in_use():
            if options["if_empty"]:
                self.stdout.write("演示数据已载入，未作改动（如需重建请运行 make demo，即 demo_all --reset）")
                return
            raise CommandError(
                "数据库中已有数据，演示数据不会覆盖它。如需清空重建，请加 --reset（会清空台账及其关联数据）"
            )
        known = get_commands()
        if options["reset"]:
            self.empty_in_reverse(known)
        for step in settings.DEMO_STEPS:
            if step not in known:
                continue  # a module that is not installed in this deployment
            kwargs: dict[str, Any] = {}
            if step == "demo":
                if options["elders"] is not None:
                    kwargs["elders"] = options["elders"]
                kwargs["reset"] = options["reset"]
            started = time.perf_counter()
            self.stdout.write(f"== {step}")
            call_command(step, stdout=self.stdout, stderr=self.stderr, **kwargs)
            # Fresh planner statistics after a bulk load: without them SQLite picks the wrong
            # index for the roll's correlated look-ups (14 s instead of 10 ms per roll).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"   {step}: {time.perf_counter() - started:.1f} 秒")

    def empty_in_reverse(self, known: dict[str, str]) -> None:
        """Before a rebuild, the steps that say how (``Command.empty_demo``) empty their data, last step
        first: a later module's records may refuse to be deleted with an earlier module's (approved
        post subsidies keep their care worker, and so the care home she works in), so each module's
        own reset must not be the first to reach them."""
        for step in reversed(settings.DEMO_STEPS):
            if step not in known:
                continue
            command = load_command_class(known[step], step)
            empty = getattr(command, "empty_demo", None)
            if empty is not None:
                self.stdout.write(f"== {step}：清空")
                empty()
