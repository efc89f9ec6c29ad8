"""yiyang backup: the database and the uploaded files, compressed, into BACKUP_DIR (django-dbbackup:
pg_dump on PostgreSQL, a dump of the file on SQLite). The keys are not included: keep them apart."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "备份数据库和上传文件到 BACKUP_DIR（不含密钥：密钥须另行保管）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--clean", action="store_true", help="keep only the newest YIYANG_BACKUP_KEEP backups"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
        settings.BACKUP_DIR.chmod(0o700)
        call_command("dbbackup", compress=True, clean=options["clean"], interactive=False, quiet=True)
        settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
        call_command("mediabackup", compress=True, clean=options["clean"], interactive=False, quiet=True)
        for path in settings.BACKUP_DIR.iterdir():
            path.chmod(0o600)
        self.stdout.write(f"备份完成：{settings.BACKUP_DIR}")
