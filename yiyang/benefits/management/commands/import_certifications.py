"""``yiyang import certifications FILE``: the civil-affairs certification list from the command line.

The same run as the upload page (``benefits.certification`` importer): every bad cell reported, and
nothing written while any row is wrong unless ``--skip-invalid``. Exits 1 when rows were refused.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.core.context import unit_of_work
from yiyang.core.importing.actions import ALLOWED_SUFFIXES, import_batch_create, import_batch_start
from yiyang.core.importing.views import import_permission
from yiyang.core.management.base import add_actor_argument, resolve_actor
from yiyang.core.models import ImportBatch

KIND = "benefits.certification"


class Command(BaseCommand):
    help = "导入经济类别认定名单（.xlsx/.xls/.csv）：按身份证号+类别+起始日期更新或新增，有错误行时默认不导入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, skip bad ones"
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        if not path.name.lower().endswith(ALLOWED_SUFFIXES):
            raise CommandError("仅支持 .xlsx、.xls、.csv 文件")
        actor = resolve_actor(options["actor"])
        if not actor.has_perm(import_permission(KIND)):
            raise CommandError(f"用户 {actor.username} 没有导入认定名单的权限")
        with unit_of_work(), path.open("rb") as fh:
            batch = import_batch_create(
                kind=KIND,
                upload=File(fh),
                filename=path.name,
                actor=actor,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
            result = import_batch_start(batch, background=False)
        assert result is not None
        if options["json"]:
            summary = result.summary()
            keys = ("rows", "created", "updated", "unchanged", "rejected", "applied", "errors")
            self.stdout.write(
                json.dumps({k: summary[k] for k in keys} | {"batch": batch.pk}, ensure_ascii=False)
            )
        else:
            self.stdout.write(
                f"批次 #{batch.pk} {batch.get_status_display()}：共 {batch.total_rows} 行，"
                f"新增 {batch.created}，更新 {batch.updated}，未变化 {batch.unchanged}，错误行 {batch.rejected}"
            )
            for issue in result.issues[:50]:
                self.stdout.write(f"  第{issue.row}行 [{issue.column}] {issue.value!r}：{issue.message}")
            if batch.message:
                self.stdout.write(batch.message)
        if batch.status in (ImportBatch.Status.INVALID, ImportBatch.Status.CRASHED) or batch.rejected:
            sys.exit(1)
