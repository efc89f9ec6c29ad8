"""Printed documents too large to make while the user waits: a job per request, built in the
background as the requesting user, with progress, kept for a few days for download.

An app registers a builder per kind of document (:func:`register_document`); its view decides,
by the document's size, whether to print at once or to :func:`document_request` a job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yiyang.core.models import DocumentJob

log = logging.getLogger(__name__)

#: builds the file: (job, progress(done, total)) → PDF bytes
Builder = Callable[[DocumentJob, Callable[[int, int], None]], bytes]

_builders: dict[str, Builder] = {}


def register_document(kind: str, builder: Builder) -> None:
    _builders[kind] = builder


def document_request(
    *, actor: Any, kind: str, title: str, filename: str, area_path: str, params: dict[str, Any]
) -> DocumentJob:
    """Queue a document; the caller has checked that ``actor`` may have it."""
    if kind not in _builders:
        raise KeyError(kind)
    _forget_old_documents()
    job = DocumentJob.objects.create(
        kind=kind, title=title, filename=filename, params=params, actor=actor, area_path=area_path
    )
    transaction.on_commit(lambda: run_document_job.enqueue(job.pk))
    return job


def document_build(job_id: int) -> str:
    """Run one job (the background task's body). A job already started is left alone, so a retried
    task never builds twice; a failure ends the job as failed with its reason, and a killed process
    loses its lease (``core.jobs``)."""
    from yiyang.core.jobs import lease, recover_stale

    recover_stale()
    claimed = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.PENDING).update(
        status=DocumentJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    job = DocumentJob.objects.select_related("actor").get(pk=job_id)
    if not claimed:
        return job.status

    def progress(done: int, total: int) -> None:
        DocumentJob.objects.filter(pk=job_id).update(
            parts_done=done, parts_total=total, heartbeat_at=timezone.now()
        )

    try:
        with lease(DocumentJob, job_id):
            content = _builders[job.kind](job, progress)
    except Exception as exc:  # the page must show the failure, not spin forever
        log.exception("document job %s failed", job_id)
        DocumentJob.objects.filter(pk=job_id).update(
            status=DocumentJob.Status.FAILED,
            message=f"生成失败：{type(exc).__name__}",
            finished_at=timezone.now(),
        )
        return DocumentJob.Status.FAILED
    DocumentJob.objects.filter(pk=job_id).update(
        status=DocumentJob.Status.DONE, content=content, finished_at=timezone.now()
    )
    return DocumentJob.Status.DONE


@task()
def run_document_job(job_id: int) -> str:
    return document_build(job_id)


def _forget_old_documents() -> None:
    cutoff = timezone.now() - timedelta(days=settings.DOCUMENT_RETENTION_DAYS)
    DocumentJob.objects.filter(created_at__lt=cutoff).delete()
