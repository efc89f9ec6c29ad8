"""yiyang audit archive: rows older than AUDIT_RETENTION_DAYS go to signed files, then leave the table."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yiyang.core import audit_chain


class Command(BaseCommand):
    help = "把超过保存期限（AUDIT_RETENTION_DAYS）的变更日志归档为带签名的文件，再从数据库移除"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chunk", type=int, default=100_000, help="rows per archive file")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_chain.verify()
        if not verdict.ok:  # never archive (and so delete) a chain that no longer holds
            raise CommandError(
                f"审计链校验失败，未归档 chain broken at seq {verdict.broken_seq}: {verdict.reason}"
            )
        done = audit_chain.archive(chunk=options["chunk"])
        for item in done:
            check = audit_chain.verify_archive(item.path)
            if not check.ok:
                raise CommandError(f"归档文件校验失败 {item.path}: {check.reason}")
            self.stdout.write(f"{item.path}: {item.rows} 条 rows (seq {item.first_seq}–{item.last_seq})")
        self.stdout.write(
            f"归档完成 archived {sum(i.rows for i in done)} 条 rows older than "
            f"{settings.AUDIT_RETENTION_DAYS} days to {settings.AUDIT_ARCHIVE_DIR}"
        )
