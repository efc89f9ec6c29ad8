"""The personal-data access log holds like the audit trail (issue 18 item 5, decided in issue 18 sec18):
append-only in the database, each row chained to the one before by a keyed MAC, verified by
``yiyang audit verify``. An auditor reads it to learn who looked at whose data; a row edited or removed
there must be as visible as in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from yiyang.core import audit, audit_chain
from yiyang.core.models import AccessLog
from yiyang.core.testing import World, make_user

pytestmark = pytest.mark.django_db
ACCESS = audit_chain.ACCESS


def _read(world: World, n: int) -> list[AccessLog]:
    return [
        audit.record_access(
            actor=world.alice,
            kind=AccessLog.Kind.VIEW,
            object_type="people.elder",
            object_id=str(i),
            subject_id=i,
            area_path="320612001001",
            fields=["id_number"],
            query="sex=F",
        )
        for i in range(n)
    ]


def _without_guard(sql: str, params: tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(sql, params)
            cur.execute("SET LOCAL session_replication_role = origin")
        else:
            cur.execute("DROP TRIGGER core_accesslog_no_update")
            cur.execute("DROP TRIGGER core_accesslog_no_delete")
            cur.execute(sql, params)


def test_access_rows_are_chained_when_written(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _read(world, 3)
    seqs = list(AccessLog.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == [1, 2, 3]
    verdict = audit_chain.verify(ledger=ACCESS)
    assert verdict.ok and verdict.checked == 3
    # its own key: an access row's MAC is not an audit row's
    row = AccessLog.objects.get(seq=1)
    assert row.mac != audit_chain.row_mac({n: getattr(row, n, None) for n in audit_chain.CONTENT})


def test_the_database_refuses_edits_and_deletes_of_access_rows(world: World) -> None:
    _read(world, 2)
    audit_chain.seal(ledger=ACCESS)
    row = AccessLog.objects.order_by("seq").first()
    assert row is not None
    for attempt in (
        lambda: AccessLog.objects.filter(pk=row.pk).update(reason="改过"),
        lambda: AccessLog.objects.filter(pk=row.pk).update(query=""),
        lambda: AccessLog.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()


def test_deleting_an_account_keeps_its_access_rows(world: World) -> None:
    user = make_user("temp", "street_worker", [world.areas.street_a])
    audit.record_access(actor=user, kind=AccessLog.Kind.REVEAL, object_type="people.elder", reason="核对")
    audit_chain.seal(ledger=ACCESS)
    user.delete()
    assert AccessLog.objects.get(reason="核对").actor_id is None
    assert audit_chain.verify(ledger=ACCESS).ok


def test_an_edited_or_removed_access_row_is_reported(world: World) -> None:
    _read(world, 20)
    audit_chain.seal(ledger=ACCESS)
    victim = AccessLog.objects.get(seq=9)
    _without_guard("UPDATE core_accesslog SET actor_name = %s WHERE id = %s", ("别人", victim.pk))
    verdict = audit_chain.verify(ledger=ACCESS, batch=4)
    assert (verdict.broken_seq, verdict.broken_id, verdict.checked) == (9, victim.pk, 8)
    with pytest.raises(CommandError, match="core_accesslog: seq=9"):
        call_command("audit_verify")


def test_a_removed_access_row_is_reported(world: World) -> None:
    _read(world, 5)
    audit_chain.seal(ledger=ACCESS)
    _without_guard("DELETE FROM core_accesslog WHERE seq = 1")
    verdict = audit_chain.verify(ledger=ACCESS)
    assert not verdict.ok and verdict.broken_seq == 2


def test_audit_verify_checks_both_ledgers(world: World) -> None:
    from io import StringIO

    _read(world, 2)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "core_auditentry" in out.getvalue() and "core_accesslog, 2" in out.getvalue()
