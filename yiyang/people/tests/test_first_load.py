"""A first load of a district (bulk mode) leaves the registry ready for index-only search."""

from __future__ import annotations

import pytest
from django.db import connection

from yiyang.core.testing import World, new_id_number
from yiyang.people import imports
from yiyang.people.models import Elder
from yiyang.people.tests.test_imports import run, workbook

pytestmark = [
    pytest.mark.django_db(transaction=True),  # VACUUM runs after the import commits
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL bulk mode"),
]


def _all_visible_pages() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [Elder._meta.db_table])
        return int(cur.fetchone()[0])


def test_first_load_rebuilds_indexes_and_marks_pages_all_visible(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BULK_LOAD_MIN", 1)
    rows = [
        [i, name, "", new_id_number(), "", "", "东市社区", "独居"]
        for i, name in enumerate(["王一", "王二", "王三"])
    ]
    batch = run(world, workbook(rows), user="alice")
    assert batch.status == batch.Status.APPLIED, (batch.message, batch.errors)
    assert Elder.objects.count() == 3
    assert _all_visible_pages() >= 1  # VACUUM ran: search reads the indexes without the table
    with connection.cursor() as cur:  # and the indexes dropped for the load are back
        cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [Elder._meta.db_table])
        assert cur.fetchone()[0] > 5
