"""yiyang restore: the newest backup in BACKUP_DIR (or the files given) into this instance's database
and media folder. The instance must run with the keys of the backed-up one, or nothing decrypts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "从 BACKUP_DIR 恢复最新的数据库和上传文件备份（须使用原实例的密钥）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database-file", help="a database backup in BACKUP_DIR (default: the newest)")
        parser.add_argument("--media-file", help="a media backup in BACKUP_DIR (default: the newest)")
        parser.add_argument("--noinput", action="store_false", dest="interactive", help="do not ask")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BACKUP_DIR.is_dir() or not any(settings.BACKUP_DIR.iterdir()):
            raise CommandError(f"没有找到备份：{settings.BACKUP_DIR}")
        common = {"interactive": options["interactive"], "uncompress": True, "quiet": True}
        db_file = options["database_file"]
        call_command("dbrestore", **common, **({"input_filename": db_file} if db_file else {}))
        media_file = options["media_file"]
        call_command(
            "mediarestore", **common, replace=True, **({"input_filename": media_file} if media_file else {})
        )
        self.stdout.write("恢复完成")
