"""Background jobs. Each job opens its own unit of work and goes through the same scoping as a page:
the importer is built for the user who submitted the batch."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from yiyang.core.importing.engine import run_import
from yiyang.core.importing.registry import importer_for_batch
from yiyang.core.models import ImportBatch

log = logging.getLogger(__name__)


@task()
def run_import_batch(batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("actor").get(pk=batch_id)
    if batch.is_finished:
        return batch.status  # a retried job must not import twice
    try:
        run_import(batch, importer_for_batch(batch))
    except Exception as exc:  # the page must show the failure, not spin forever
        log.exception("import batch %s crashed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.CRASHED, message=f"处理失败：{exc}", finished_at=timezone.now()
        )
        raise
    return ImportBatch.objects.get(pk=batch_id).status
