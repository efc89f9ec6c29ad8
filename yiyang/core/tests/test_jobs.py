"""Jobs that cannot get stuck: a crashed or killed import ends as failed with its reason, a worker
recovers what a dead one left running, and the next job runs."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core import jobs
from yiyang.core.importing.actions import import_batch_create
from yiyang.core.models import DocumentJob, ImportBatch
from yiyang.core.tasks import run_import_batch
from yiyang.core.testing import World, new_id_number
from yiyang.people import imports
from yiyang.people.models import Elder
from yiyang.people.tests.test_imports import run, workbook

pytestmark = pytest.mark.django_db


def _row(n: int, id_number: str) -> list[Any]:
    return [n, "张三", "男", id_number, None, "13812345678", "东市社区", "独居"]


def _batch(world: World, content: bytes, **fields: Any) -> ImportBatch:
    batch = import_batch_create(
        kind="people.elder", upload=ContentFile(content), filename="台账.xlsx", actor=world.bob, dry_run=False
    )
    if fields:
        ImportBatch.objects.filter(pk=batch.pk).update(**fields)
        batch.refresh_from_db()
    return batch


def test_an_inline_import_that_raises_ends_crashed_with_a_reason_that_quotes_no_cell(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    id_number = new_id_number()

    def explode(self: Any, batch: ImportBatch, skip_rows: set[int]) -> None:
        raise ValueError(f"value too long: '{id_number}'")  # as a database error quotes the value

    monkeypatch.setattr(imports.ElderImporter, "apply", explode)
    batch = run(world, workbook([_row(1, id_number)]))
    assert batch.status == ImportBatch.Status.CRASHED
    assert batch.is_finished and batch.finished_at is not None
    assert "ValueError" in batch.message and str(batch.request_id) in batch.message
    assert id_number not in batch.message and id_number[-6:] not in batch.message
    assert not Elder.objects.filter(id_number_hash__isnull=False, name="张三").exists()


def test_a_background_import_that_raises_ends_crashed_and_the_next_one_runs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.ElderImporter, "apply", lambda *a: 1 / 0)
    broken = _batch(world, workbook([_row(1, new_id_number())]))
    assert run_import_batch.call(broken.pk) == ImportBatch.Status.CRASHED
    broken.refresh_from_db()
    assert "ZeroDivisionError" in broken.message
    assert run_import_batch.call(broken.pk) == ImportBatch.Status.CRASHED  # a retry imports nothing
    monkeypatch.undo()
    good = _batch(world, workbook([_row(1, new_id_number())]))
    assert run_import_batch.call(good.pk) == ImportBatch.Status.APPLIED


def test_a_batch_whose_process_was_killed_ends_failed_when_a_worker_starts(world: World) -> None:
    silent = timezone.now() - ImportBatch.STALE_AFTER - datetime.timedelta(seconds=1)
    killed = _batch(world, b"x", status=ImportBatch.Status.RUNNING, heartbeat_at=silent)
    alive = _batch(world, b"x", status=ImportBatch.Status.RUNNING, heartbeat_at=timezone.now())
    doc = DocumentJob.objects.create(
        kind="k", title="t", filename="t.pdf", area_path="3206", status="running", heartbeat_at=silent
    )
    assert killed.is_stale and killed.is_finished and not alive.is_stale
    assert jobs.recover_stale() == 2
    killed.refresh_from_db()
    alive.refresh_from_db()
    doc.refresh_from_db()
    assert killed.status == ImportBatch.Status.CRASHED and "处理中断" in killed.message
    assert killed.finished_at is not None
    assert alive.status == ImportBatch.Status.RUNNING  # its process still beats: left alone
    assert doc.status == DocumentJob.Status.FAILED and "生成中断" in doc.message
    assert jobs.recover_stale() == 0  # repeats end nothing twice
    # and the queue moves on: the next batch imports
    nxt = _batch(world, workbook([_row(1, new_id_number())]))
    assert run_import_batch.call(nxt.pk) == ImportBatch.Status.APPLIED


def test_the_page_of_a_dead_batch_shows_the_failure_and_stops_polling(world: World) -> None:
    silent = timezone.now() - ImportBatch.STALE_AFTER - datetime.timedelta(minutes=1)
    killed = _batch(world, b"x", status=ImportBatch.Status.RUNNING, heartbeat_at=silent)
    client = Client()
    client.force_login(world.bob)
    page = client.get(reverse("core:importbatch_detail", args=[killed.pk])).content.decode()
    assert "处理中断" in page and "every 1s" not in page
    killed.refresh_from_db()
    assert killed.status == ImportBatch.Status.CRASHED


def test_the_worker_recovers_before_it_runs_jobs(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from django_tasks_db.management.commands.db_worker import Command as DbWorker

    from yiyang.core.management.commands.worker import Command

    silent = timezone.now() - ImportBatch.STALE_AFTER - datetime.timedelta(seconds=1)
    killed = _batch(world, b"x", status=ImportBatch.Status.RUNNING, heartbeat_at=silent)
    ran: list[str] = []
    monkeypatch.setattr(
        DbWorker,
        "handle",
        lambda self, *a, **kw: ran.append(killed.__class__.objects.get(pk=killed.pk).status),
    )
    Command().handle()
    assert ran == [ImportBatch.Status.CRASHED]


@pytest.mark.django_db(transaction=True)
def test_the_lease_beats_while_the_job_runs_and_stops_after(world: World, settings: Any) -> None:
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    batch = _batch(world, b"x", status=ImportBatch.Status.RUNNING)
    with jobs.lease(ImportBatch, batch.pk):
        first = ImportBatch.objects.get(pk=batch.pk).heartbeat_at
        assert first is not None
        time.sleep(0.4)
        later = ImportBatch.objects.get(pk=batch.pk).heartbeat_at
        assert later is not None and later > first
    time.sleep(0.2)
    stopped = ImportBatch.objects.get(pk=batch.pk).heartbeat_at
    time.sleep(0.2)
    assert ImportBatch.objects.get(pk=batch.pk).heartbeat_at == stopped
