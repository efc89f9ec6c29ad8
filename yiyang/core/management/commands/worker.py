"""``manage.py worker``: the background worker (django-tasks' database worker) that first ends the jobs
a killed or restarted worker left running (``core.jobs``), so none stays "in progress" forever."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from yiyang.core.jobs import recover_stale


class Command(DbWorkerCommand):
    help = "Run the background worker, after ending the jobs whose process died"

    def handle(self, *args: Any, **options: Any) -> None:
        from yiyang.core.importing.retention import import_files_purge

        ended = recover_stale()
        import_files_purge()  # and forgets uploaded files past their retention
        if ended:
            self.stderr.write(f"{ended} job(s) whose process had stopped ended as failed")
        super().handle(*args, **options)
