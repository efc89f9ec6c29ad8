from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone

from yiyang.core import audit
from yiyang.core.context import unit_of_work
from yiyang.core.exporting import Sheet, clear_fields, xlsx_bytes
from yiyang.core.management.base import add_actor_argument, resolve_actor
from yiyang.core.models import AccessLog
from yiyang.people.exports import CLEAR_EXPORT, ELDER_AREAS, ELDER_EXPORT_COLUMNS
from yiyang.people.filtersets import ElderFilterSet
from yiyang.people.models import Elder


class Command(BaseCommand):
    help = "导出老年人信息为 .xlsx（按操作用户的辖区；身份证号与电话脱敏，有权限者可用 --clear 导出明文）"

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
        parser.add_argument(
            "--clear",
            action="store_true",
            help="ID numbers and phones in clear (needs --reason and the right)",
        )
        parser.add_argument("--reason", default="", help="why the data is exported in clear (logged)")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_actor(options["actor"])
        reason = options["reason"].strip()
        if options["clear"]:
            if not actor.has_perm(CLEAR_EXPORT):
                raise CommandError(f"用户 {actor.username} 没有导出明文的权限")
            if not reason:
                raise CommandError("导出明文须用 --reason 填写事由")
        query = QueryDict(options["query"], mutable=True)
        if options["area"]:
            query["area"] = options["area"]
        request = RequestFactory().get("/", query)
        request.user = actor
        with unit_of_work():
            base = Elder.objects.for_user(actor, "export").select_related(*ELDER_AREAS)
            fs = ElderFilterSet(query, queryset=base, request=request)
            if not fs.is_valid():
                self.stderr.write(f"筛选条件无效：{fs.errors.as_text()}")
                raise SystemExit(2)
            content, count = xlsx_bytes(
                [Sheet("老年人信息", ELDER_EXPORT_COLUMNS, fs.qs)], clear=options["clear"]
            )
            out = Path(options["output"] or f"老年人信息-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
            out.write_bytes(content)
            audit.record_access(
                actor=actor,
                kind=AccessLog.Kind.EXPORT,
                object_type="people.elder",
                fields=clear_fields(ELDER_EXPORT_COLUMNS) if options["clear"] else (),
                row_count=count,
                query=query.urlencode(),
                reason=f"命令行导出：{reason}" if reason else "命令行导出",
            )
        self.stdout.write(f"已导出 {count} 条到 {out}")
