"""Submitting an import: from an uploaded file to a batch that runs now or as a background job."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction

from yiyang.core.context import current_request_id
from yiyang.core.importing.engine import ImportResult, run_import
from yiyang.core.importing.registry import importer_for, importer_for_batch
from yiyang.core.models import ImportBatch
from yiyang.core.scoping import home_path

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".ods")


def import_batch_create(
    *,
    kind: str,
    upload: File[Any],
    filename: str,
    actor: Any,
    dry_run: bool,
    skip_invalid: bool = False,
    area_path: str = "",
) -> ImportBatch:
    """``area_path``: the community or street the uploader chose (checked against their scope when the
    batch runs); without one, the importer's default for this user (their only community)."""
    batch = ImportBatch(
        target_path=area_path or importer_for(kind).default_area(actor),
        kind=kind,
        filename=filename[:255],
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        actor=actor,
        actor_name=actor.get_full_name() or actor.get_username(),
        area_path=home_path(actor),
        request_id=current_request_id(),
    )
    batch.file.save(filename, upload, save=False)
    batch.save()
    return batch


def estimated_rows(batch: ImportBatch) -> int:
    """Cheap size guess: roughly 120 bytes a row in CSV and 40 in compressed xlsx."""
    size = batch.file.size
    return size // (120 if batch.filename.lower().endswith((".csv", ".txt")) else 40)


def import_batch_start(batch: ImportBatch, *, background: bool | None = None) -> ImportResult | None:
    """Run small files now (the answer is on the next page); queue large ones for a worker."""
    if background is None:
        background = estimated_rows(batch) > settings.IMPORT_INLINE_MAX_ROWS
    if background:
        from yiyang.core.tasks import run_import_batch

        transaction.on_commit(lambda: run_import_batch.enqueue(batch.pk))
        return None
    return run_import(batch, importer_for_batch(batch))
