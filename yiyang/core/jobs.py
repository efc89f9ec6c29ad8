"""Jobs that cannot get stuck: one lease mechanism for every job row (imports, printed documents).

A process working on a job holds its lease: :func:`lease` starts a heartbeat thread that renews
``heartbeat_at`` every ``JOB_HEARTBEAT_SECONDS`` on its own database connection, so the beat is seen
even while the job's own long transaction (an import's apply) is still open. A process that is killed,
or a worker that is restarted, stops beating; once the row is silent for ``JOB_LEASE_SECONDS`` the job
is stale (``LeasedJob.is_stale``) and :func:`recover_stale` ends it as failed with the reason, and
fails the queue's record of the task that was running it. A worker recovers when it starts
(``manage.py worker``) and before each job it runs; a job's page settles its own row
(:func:`settle_if_stale`), so a reader never watches a dead job "in progress".

Nothing is requeued: an import applies in one transaction, so a killed one wrote nothing and the
uploader starts it again; the message says so.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from yiyang.core.models import DocumentJob, ImportBatch, LeasedJob

log = logging.getLogger(__name__)

#: job rows with a lease, and the background task that runs each
LEASED: tuple[tuple[type[LeasedJob], str], ...] = (
    (ImportBatch, "yiyang.core.tasks.run_import_batch"),
    (DocumentJob, "yiyang.core.documents.run_document_job"),
)


def beat(model: type[LeasedJob], pk: int) -> None:
    model._default_manager.filter(pk=pk).update(heartbeat_at=timezone.now())


class _Heart(threading.Thread):
    def __init__(self, model: type[LeasedJob], pk: int, interval: float) -> None:
        super().__init__(name=f"lease-{model._meta.label_lower}-{pk}", daemon=True)
        self.model, self.pk, self.interval = model, pk, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    beat(self.model, self.pk)
                except DatabaseError:  # SQLite busy under the job's own write: the next beat will do
                    log.warning("heartbeat of %s #%s missed", self.model.__name__, self.pk)
        finally:
            connections.close_all()  # this thread's own connections


@contextlib.contextmanager
def lease(model: type[LeasedJob], pk: int) -> Iterator[None]:
    """Hold the job's lease while the body runs: beat now, then every ``JOB_HEARTBEAT_SECONDS``."""
    beat(model, pk)
    interval = settings.JOB_HEARTBEAT_SECONDS
    heart = _Heart(model, pk, interval) if interval > 0 else None
    if heart is not None:
        heart.start()
    try:
        yield
    finally:
        if heart is not None:
            heart.stopped.set()
            heart.join(timeout=5)


def settle_if_stale(job: LeasedJob) -> bool:
    """End this one job as failed if its lease ran out; True if it did."""
    if not job.is_stale:
        return False
    model = type(job)
    ended = _end(model, model._default_manager.filter(pk=job.pk))
    job.refresh_from_db()
    return bool(ended)


def recover_stale() -> int:
    """End every job whose lease ran out as failed with the reason; returns how many."""
    ended = 0
    for model, task_path in LEASED:
        rows: Any = model._default_manager.all()
        cutoff = timezone.now() - model.STALE_AFTER
        # rows from before leases existed (no beat yet) count from their submission
        stale = rows.filter(status="running").filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            continue
        ended += _end(model, rows.filter(pk__in=ids, status="running"))
        _fail_tasks(task_path, ids, model.LEASE_LOST_MESSAGE)
    return ended


def _end(model: type[LeasedJob], rows: object) -> int:
    count: int = rows.update(  # type: ignore[attr-defined]
        status=model.LEASE_LOST_STATUS, message=model.LEASE_LOST_MESSAGE, finished_at=timezone.now()
    )
    if count:
        log.warning("%s: %d job(s) whose process stopped ended as failed", model.__name__, count)
    return count


def _fail_tasks(task_path: str, ids: list[int], reason: str) -> None:
    """The queue's records of those jobs' tasks, left "running" by the dead worker, end as failed."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.running().filter(
        task_path=task_path, started_at__lt=timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS)
    )
    for result in running:
        args = result.args_kwargs.get("args") or []
        if args and args[0] in ids:
            with contextlib.suppress(DatabaseError):
                result.set_failed(RuntimeError(reason))
