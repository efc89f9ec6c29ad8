"""``manage.py imports_purge``: delete uploaded import files past ``IMPORT_FILE_RETENTION_DAYS`` (nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiyang.core.importing.retention import import_files_purge


class Command(BaseCommand):
    help = "Delete uploaded import files (and annotated copies) past the retention period"

    def handle(self, *args: Any, **options: Any) -> None:
        purged = import_files_purge()
        self.stdout.write(f"已删除 {purged} 个导入批次的上传文件")
