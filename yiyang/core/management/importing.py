"""The command-line face of a spreadsheet import: ``yiyang import <registry> FILE``.

The same run as the upload page (one ``Importer`` per kind): every bad cell reported, nothing
written while any row is wrong unless ``--skip-invalid``, and exit status 1 when rows were refused,
so that scripts notice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiyang.core import crypto
from yiyang.core.context import unit_of_work
from yiyang.core.importing.actions import ALLOWED_SUFFIXES, import_batch_create, import_batch_start
from yiyang.core.importing.registry import import_permission, importer_for
from yiyang.core.management.base import add_actor_argument, resolve_actor
from yiyang.core.models import ImportBatch

SHOWN_ISSUES = 50


class ImportCommand(BaseCommand):
    """Subclasses name the importer ``kind`` and what the file is (``what``, for messages)."""

    kind: ClassVar[str]
    what: ClassVar[str]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, skip bad ones"
        )
        parser.add_argument(
            "--area",
            default="",
            help="code of the community (or street) the file is for, when it has no 社区 column",
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        path = Path(options["file"])
        if not path.is_file():
            self.refuse(f"找不到文件 {path}", as_json)
        if not path.name.lower().endswith(ALLOWED_SUFFIXES):
            self.refuse("仅支持 .xlsx、.xls、.csv 文件", as_json)
        if crypto.hash_rotation_pending():
            self.refuse(
                "查找摘要密钥轮换进行中（yiyang keys rotate --hashes），请在轮换完成后再导入", as_json
            )
        actor = resolve_actor(options["actor"])
        if not actor.has_perm(import_permission(self.kind)):
            self.refuse(f"用户 {actor.username} 没有导入{self.what}的权限", as_json)
        area_path = self.area_path(options["area"], actor, as_json)
        with unit_of_work(), path.open("rb") as fh:
            batch = import_batch_create(
                kind=self.kind,
                upload=File(fh),
                filename=path.name,
                actor=actor,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                area_path=area_path,
            )
            result = import_batch_start(batch, background=False)
        assert result is not None
        summary = result.summary()
        if as_json:
            keys = ("rows", "created", "updated", "unchanged", "errors", "rejected", "applied", "status")
            data = {k: summary[k] for k in keys} | {"batch": batch.pk, "message": summary["message"]}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(
                f"批次 #{batch.pk} {batch.get_status_display()}：共 {batch.total_rows} 行，"
                f"新增 {batch.created}，更新 {batch.updated}，未变化 {batch.unchanged}，错误行 {batch.rejected}"
            )
            for issue in result.issues[:SHOWN_ISSUES]:
                self.stdout.write(f"  第{issue.row}行 [{issue.column}] {issue.value!r}：{issue.message}")
            if len(result.issues) > SHOWN_ISSUES and batch.annotated_file:
                self.stdout.write(
                    f"  …共 {len(result.issues)} 处错误，见错误标注文件 {batch.annotated_file.path}"
                )
            if batch.message:
                self.stdout.write(batch.message)
        if batch.status in (ImportBatch.Status.INVALID, ImportBatch.Status.CRASHED) or batch.rejected:
            sys.exit(1)

    def area_path(self, code: str, actor: Any, as_json: bool) -> str:
        """--area as a path the user may import into (statutory codes below a city are their paths)."""
        if not code:
            return ""
        choices = dict(importer_for(self.kind).area_choices(actor))
        if code not in choices:
            self.refuse(f"区划代码 {code} 不是您可以导入{self.what}的街道、社区或网格", as_json)
        return code

    def refuse(self, message: str, as_json: bool) -> NoReturn:
        """Stop before any batch exists; with --json the reason is an error like any other."""
        if as_json:
            error = {"row": None, "column": "", "value": "", "message": message}
            self.stdout.write(
                json.dumps({"rows": 0, "errors": [error], "applied": False}, ensure_ascii=False)
            )
            sys.exit(1)
        raise CommandError(message)
