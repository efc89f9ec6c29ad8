from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone

from yiyang.core import audit
from yiyang.core.context import unit_of_work
from yiyang.core.exporting import iter_rows
from yiyang.core.importing.writer import write_rows_xlsx
from yiyang.core.management.base import add_actor_argument, resolve_actor
from yiyang.core.models import AccessLog
from yiyang.people.filtersets import ElderFilterSet
from yiyang.people.models import Elder
from yiyang.people.views import ELDER_EXPORT_COLUMNS


class Command(BaseCommand):
    help = "导出老年人信息为 .xlsx（按操作用户的辖区，身份证号与电话脱敏）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", default="", help="area path/code to export, e.g. 320612001")
        parser.add_argument(
            "--query",
            default="",
            help="elder-list filter query string, e.g. 'age_min=80&living_situation=alone'",
        )
        parser.add_argument(
            "-o", "--output", default="", help="output file (default: 老年人信息-<time>.xlsx)"
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["actor"])
        query = QueryDict(options["query"], mutable=True)
        if options["area"]:
            query["area"] = options["area"]
        request = RequestFactory().get("/", query)
        request.user = actor
        with unit_of_work():
            base = Elder.objects.for_user(actor, "export").select_related("area", "area__parent")
            fs = ElderFilterSet(query, queryset=base, request=request)
            if not fs.is_valid():
                self.stderr.write(f"筛选条件无效：{fs.errors.as_text()}")
                raise SystemExit(2)
            out = Path(options["output"] or f"老年人信息-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
            with out.open("wb") as fh:
                count = write_rows_xlsx(
                    [h for h, _ in ELDER_EXPORT_COLUMNS],
                    iter_rows(fs.qs, ELDER_EXPORT_COLUMNS),
                    fh,
                    sheet_title="老年人信息",
                )
            audit.record_access(
                actor=actor,
                kind=AccessLog.Kind.EXPORT,
                object_type="people.elder",
                row_count=count,
                query=query.urlencode(),
                reason="命令行导出",
            )
        self.stdout.write(f"已导出 {count} 条到 {out}")
