"""Background jobs. Each job opens its own unit of work and goes through the same scoping as a page:
the importer is built for the user who submitted the batch."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from yiyang.core.importing.engine import crash_message, run_import
from yiyang.core.importing.registry import importer_for_batch
from yiyang.core.jobs import recover_stale
from yiyang.core.models import ImportBatch

log = logging.getLogger(__name__)


@task()
def run_import_batch(batch_id: int) -> str:
    recover_stale()  # jobs a killed worker left running end before this one starts
    # Claimed once: a retried task, or a second worker, never imports the same batch twice.
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.RUNNING, heartbeat_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("actor").get(pk=batch_id)
    if not claimed:
        return batch.status
    try:
        importer = importer_for_batch(batch)
    except Exception as exc:  # the page must show the failure, not spin forever
        log.exception("import batch %s could not start", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.CRASHED, message=crash_message(exc, batch), finished_at=timezone.now()
        )
        return ImportBatch.Status.CRASHED
    return run_import(batch, importer).batch.status
