"""Personal data in imports stays out of the clear (issue 18 item 1): errors mask identifiers and never
name the right check digit; uploaded files are private, deleted after their retention, backed up."""

from __future__ import annotations

import datetime
import os
import stat
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.idnumber import _checksum_char
from yiyang.core.importing.retention import import_files_purge
from yiyang.core.models import ImportBatch
from yiyang.core.testing import World, new_id_number
from yiyang.people.tests.test_imports import run, workbook

pytestmark = pytest.mark.django_db


def _wrong_check_digit() -> tuple[str, str]:
    good = new_id_number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    return good, wrong


def test_import_errors_mask_the_id_number_and_never_name_the_right_check_digit(world: World) -> None:
    good, wrong = _wrong_check_digit()
    batch = run(world, workbook([[1, "张三", "男", wrong, None, "1381234567899", "东市社区", "独居"]]))
    assert batch.status == ImportBatch.Status.INVALID
    stored = repr(batch.errors) + batch.message
    assert wrong not in stored and wrong[6:14] not in stored  # neither the number nor the birth date
    assert "1381234567899" not in stored
    id_error = next(e for e in batch.errors if e["column"] in ("身份证号码", "身份证号"))
    assert id_error["value"] == wrong[:6] + "********" + wrong[14:]
    assert f"应为 {_checksum_char(good)}" not in id_error["message"]
    assert "校验码不符" in id_error["message"]


def _mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_uploaded_files_and_annotated_copies_are_private(world: World) -> None:
    _good, wrong = _wrong_check_digit()
    batch = run(world, workbook([[1, "张三", "男", wrong, None, None, "东市社区", "独居"]]))
    assert batch.file and batch.annotated_file
    for path in (batch.file.path, batch.annotated_file.path):
        assert _mode(path) == 0o600, path
        assert _mode(os.path.dirname(path)) == 0o700, path


def test_files_past_retention_are_deleted_and_the_batch_kept(world: World, settings: Any) -> None:
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    _good, wrong = _wrong_check_digit()
    old = run(world, workbook([[1, "张三", "男", wrong, None, None, "东市社区", "独居"]]))
    recent = run(world, workbook([[1, "李四", "男", new_id_number(), None, None, "东市社区", "独居"]]))
    paths = [old.file.path, old.annotated_file.path]
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert import_files_purge() == 1
    assert not any(os.path.exists(p) for p in paths)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not old.annotated_file and old.errors  # the masked report stays
    assert recent.file and os.path.exists(recent.file.path)
    assert import_files_purge() == 0  # repeats delete nothing more


def test_backup_includes_the_media_folder() -> None:
    import inspect

    from yiyang.core.management.commands import backup

    assert "mediabackup" in inspect.getsource(backup)
