"""Uploaded import files do not stay forever: ``IMPORT_FILE_RETENTION_DAYS`` after a batch was
submitted, its spreadsheet and annotated copy are deleted from the media folder. The batch row stays
(counts, masked errors, who and when), so the history of imports is kept without the clear data."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from yiyang.core.models import ImportBatch

log = logging.getLogger(__name__)


def import_files_purge(*, now: object = None) -> int:
    """Delete the files of finished batches past the retention period; returns how many batches."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)  # type: ignore[operator]
    old = (
        ImportBatch.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=[ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING])
        .exclude(file="", annotated_file="")
    )
    purged = 0
    for batch in old.iterator(chunk_size=500):
        for field in (batch.file, batch.annotated_file):
            if field:
                field.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="", annotated_file="")
        purged += 1
    if purged:
        log.info("deleted the uploaded files of %d import batches past retention", purged)
    return purged
