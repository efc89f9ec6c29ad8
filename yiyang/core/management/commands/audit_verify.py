"""yiyang audit verify: walk the audit chain (or an archive file) and report the first row that fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiyang.core import audit_chain


class Command(BaseCommand):
    help = "校验变更日志链和个人信息访问日志链（或归档文件），报告第一条被改动、插入或删除的记录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--archive", type=Path, nargs="*", help="verify these archive files instead")
        parser.add_argument("--batch", type=int, default=audit_chain.BATCH, help="rows read at a time")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["archive"]:
            for path in options["archive"]:
                verdict = audit_chain.verify_archive(path)
                self._report(verdict, str(path))
            return
        for ledger in audit_chain.LEDGERS:  # the audit trail, then the personal-data access log
            verdict = audit_chain.verify(batch=options["batch"], ledger=ledger)
            self._report(verdict, ledger.table)

    def _report(self, verdict: audit_chain.Verdict, where: str) -> None:
        if not verdict.ok:
            raise CommandError(
                f"审计链校验失败 audit chain broken in {where}: seq={verdict.broken_seq} "
                f"id={verdict.broken_id}: {verdict.reason} (之前 {verdict.checked} 条完好 rows before it hold)"
            )
        extra = f"，{verdict.unsealed} 条待封链 unsealed" if verdict.unsealed else ""
        self.stdout.write(f"审计链完好 audit chain holds: {where}, {verdict.checked} 条 rows{extra}")
