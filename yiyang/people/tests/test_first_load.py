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


def test_first_load_that_also_updates_registered_elders_applies(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UPDATE of registered elders leaves deferred foreign-key checks pending in the transaction;
    dropping the constraints for the bulk insert then failed with "cannot ALTER TABLE people_elder
    because it has pending trigger events" and the import crashed."""
    monkeypatch.setattr(imports, "BULK_LOAD_MIN", 1)
    first = [[1, "赵一", "", new_id_number(), "", "13800000001", "东市社区", "独居"]]
    assert run(world, workbook(first), user="alice").status == "applied"
    registered = Elder.objects.count()
    # moved to another community: the UPDATE changes a foreign key, whose check is deferred
    changed = [[1, "赵一", "", first[0][3], "", "13800000002", "南山社区", "独居"]]
    new = [
        [i + 2, "钱" + "一二三四五六七八九十"[i % 10], "", new_id_number(), "", "", "东市社区", "独居"]
        for i in range(registered + 1)
    ]
    batch = run(world, workbook(changed + new), user="alice")
    assert batch.status == batch.Status.APPLIED, batch.message
    assert (batch.created, batch.updated) == (registered + 1, 1)
    assert Elder.objects.count() == 2 * registered + 1
    with connection.cursor() as cur:  # the constraints dropped for the load are back
        cur.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [Elder._meta.db_table],
        )
        assert cur.fetchone()[0] >= 2
