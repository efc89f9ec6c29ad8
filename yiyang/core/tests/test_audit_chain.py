"""The audit trail holds: append-only in the database, chained by a keyed MAC, archived never silently.

Issue 18 item 5. The chain is sealed when a transaction commits, so these tests either commit for real
(``transactional_db``) or run the commit callbacks (``django_capture_on_commit_callbacks``).
"""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from yiyang.core import audit, audit_chain
from yiyang.core.models import AuditArchive, AuditEntry
from yiyang.core.testing import World, make_user

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once")


def _entry(n: int = 0, **extra: Any) -> AuditEntry:
    return AuditEntry(
        request_id=uuid.uuid4(),
        action=AuditEntry.Action.UPDATE,
        verb="elder.update",
        object_type="people.elder",
        object_id=str(n),
        object_repr=f"记录{n}",
        area_path="320612001",
        actor_name="测试",
        before={"living": "独居", "n": n, "ratio": 1.0},
        after={"living": "与子女同住", "n": n + 1, "list": [1, "二"]},
        **extra,
    )


def _write(count: int, **extra: Any) -> list[AuditEntry]:
    return AuditEntry.objects.bulk_create([_entry(n, **extra) for n in range(count)])


def _without_guard(sql: str, params: tuple[Any, ...] = ()) -> None:
    """Change a row as someone with the database's superuser rights could: round the triggers (inside
    the test's transaction, which puts them back). The chain is what still tells."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # a superuser's way round every trigger
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(sql, params)
            cur.execute("SET LOCAL session_replication_role = origin")
        else:
            cur.execute("DROP TRIGGER core_auditentry_no_update")
            cur.execute("DROP TRIGGER core_auditentry_no_delete")
            cur.execute(sql, params)


def test_rows_are_chained_when_their_transaction_commits(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _write(3)
        audit.record_security_event(actor=None, verb="user.login_failed", success=False, actor_name="x")
        assert not AuditEntry.objects.exclude(seq=None).exists()  # nothing sealed before commit
    assert len(callbacks) == 1  # one seal per transaction, however many rows it wrote
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4]
    assert all(m.startswith("sha256:") for m in AuditEntry.objects.values_list("mac", flat=True))
    verdict = audit_chain.verify()
    assert verdict.ok and verdict.checked == 4 and verdict.unsealed == 0


def test_the_database_refuses_updates_and_deletes() -> None:
    _write(2)
    audit_chain.seal()
    row = AuditEntry.objects.order_by("seq").first()
    assert row is not None
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=row.pk).update(message="改过"),
        lambda: AuditEntry.objects.filter(pk=row.pk).update(seq=99),  # a sealed row is sealed once
        lambda: AuditEntry.objects.filter(pk=row.pk).delete(),
        lambda: AuditEntry.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.count() == 2 and AuditEntry.objects.filter(message="改过").count() == 0


def test_deleting_an_account_keeps_its_audit_rows(world: World) -> None:
    """The one UPDATE besides sealing: the account's deletion clears ``actor``; the name stays."""
    user = make_user("temp", "street_worker", [world.areas.street_a])
    AuditEntry.objects.bulk_create([_entry(1, actor=user)])
    audit_chain.seal()
    user.delete()
    row = AuditEntry.objects.get(object_id="1")
    assert row.actor_id is None and row.actor_name == "测试"
    assert audit_chain.verify().ok


def test_an_edited_row_is_reported_first_and_exactly() -> None:
    _write(50)
    audit_chain.seal()
    victim = AuditEntry.objects.get(seq=17)
    _without_guard("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ("别人", victim.pk))
    verdict = audit_chain.verify(batch=7)  # several pages before the broken row
    assert not verdict.ok
    assert (verdict.broken_seq, verdict.broken_id, verdict.checked) == (17, victim.pk, 16)
    assert "edited" in verdict.reason
    with pytest.raises(CommandError, match="seq=17"):
        call_command("audit_verify")


def test_a_removed_or_reordered_row_is_reported() -> None:
    _write(10)
    audit_chain.seal()
    _without_guard("DELETE FROM core_auditentry WHERE seq = 4")
    verdict = audit_chain.verify()
    assert verdict.broken_seq == 5 and "gap" in verdict.reason


def test_a_row_forged_with_a_recomputed_plain_hash_is_reported() -> None:
    """Without the key, a forger cannot make a MAC that holds."""
    _write(3)
    audit_chain.seal()
    row = AuditEntry.objects.get(seq=2)
    import hashlib

    fake = "sha256:" + hashlib.sha256(b"whatever").hexdigest()
    _without_guard("UPDATE core_auditentry SET verb = 'x', mac = %s WHERE id = %s", (fake, row.pk))
    assert audit_chain.verify().broken_seq == 2


def test_an_edited_unsealed_row_is_reported() -> None:
    (row,) = _write(1)
    _without_guard("UPDATE core_auditentry SET message = 'x' WHERE id = %s", (row.pk,))
    verdict = audit_chain.verify(seal_first=False)
    assert verdict.broken_id == row.pk and "unsealed" in verdict.reason


def test_verify_reads_the_english_command_output() -> None:
    _write(3)
    audit_chain.seal()
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "3 条 rows" in out.getvalue()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    """A transaction that commits late is chained after the one that committed first, whatever its id."""
    inserted, release = threading.Event(), threading.Event()

    def slow() -> None:
        try:
            with transaction.atomic():
                AuditEntry.objects.create(**{f: getattr(_entry(1), f) for f in audit_chain.CONTENT})
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=slow)
    worker.start()
    assert inserted.wait(10)
    early = AuditEntry.objects.bulk_create([_entry(n) for n in range(2, 40)])  # autocommit: sealed at once
    assert AuditEntry.objects.exclude(seq=None).count() == 38
    release.set()
    worker.join(10)
    late = AuditEntry.objects.get(object_id="1")
    assert late.pk < early[0].pk and late.seq == 39  # chained in commit order
    threads = [threading.Thread(target=_write_and_close, args=(20,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    verdict = audit_chain.verify()
    assert verdict.ok and verdict.checked == 39 + 80 and verdict.unsealed == 0


def _write_and_close(count: int) -> None:
    try:
        for n in range(count):
            with transaction.atomic():
                AuditEntry.objects.create(**{f: getattr(_entry(n), f) for f in audit_chain.CONTENT})
    finally:
        connection.close()


def test_archive_moves_old_rows_to_a_signed_file_and_the_chain_continues(tmp_path: Path) -> None:
    old = timezone.now() - datetime.timedelta(days=400)
    _write(25, time=old)
    audit_chain.seal()
    _write(5)
    audit_chain.seal()
    with override_settings(AUDIT_ARCHIVE_DIR=tmp_path, AUDIT_RETENTION_DAYS=365):
        call_command("audit_archive", chunk=10)
    files = sorted(tmp_path.glob("*.jsonl"))
    assert [f.name for f in files] == [
        "audit-000000000001-000000000010.jsonl",
        "audit-000000000011-000000000020.jsonl",
        "audit-000000000021-000000000025.jsonl",
    ]
    assert all(oct(f.stat().st_mode)[-3:] == "600" for f in tmp_path.iterdir())
    # Never silent: each archive file is itself an audit row, the next link of the chain.
    assert AuditEntry.objects.filter(verb="auditentry.archive").count() == 3
    assert AuditEntry.objects.count() == 5 + 3 and AuditArchive.objects.count() == 3
    assert all(audit_chain.verify_archive(f).ok for f in files)
    verdict = audit_chain.verify()  # the remaining rows continue from the archive's anchor
    assert verdict.ok and verdict.checked == 8
    assert sum(1 for line in files[0].read_text().splitlines()) == 11  # header and ten rows
    # Twice changes nothing: nothing older than the retention is left.
    with override_settings(AUDIT_ARCHIVE_DIR=tmp_path, AUDIT_RETENTION_DAYS=365):
        call_command("audit_archive")
    assert AuditEntry.objects.count() == 8 and AuditArchive.objects.count() == 3

    # An altered archive fails its signature; a re-signed one without the key cannot be made.
    lines = files[1].read_text().splitlines()
    row = json.loads(lines[3])
    row["object_repr"] = "别人"
    lines[3] = json.dumps(row, ensure_ascii=False, sort_keys=True)
    files[1].write_text("\n".join(lines) + "\n")
    bad = audit_chain.verify_archive(files[1])
    assert not bad.ok and "signature" in bad.reason
    with pytest.raises(CommandError, match="signature"):
        call_command("audit_verify", archive=[files[1]])


def test_archive_keeps_rows_younger_than_the_retention_even_when_older_ones_follow(tmp_path: Path) -> None:
    """The archive takes a prefix of the chain: a young row stops it, older rows after it wait."""
    old = timezone.now() - datetime.timedelta(days=400)
    _write(3, time=old)
    _write(1)
    _write(3, time=old)
    audit_chain.seal()
    with override_settings(AUDIT_ARCHIVE_DIR=tmp_path, AUDIT_RETENTION_DAYS=365):
        done = audit_chain.archive()
    assert [(d.first_seq, d.last_seq) for d in done] == [(1, 3)]
    assert AuditEntry.objects.count() == 4 + 1 and audit_chain.verify().ok


def test_rows_removed_from_the_start_without_an_archive_are_reported() -> None:
    _write(5)
    audit_chain.seal()
    _without_guard("DELETE FROM core_auditentry WHERE seq <= 2")
    verdict = audit_chain.verify()
    assert not verdict.ok and "without an archive" in verdict.reason


def test_archive_refuses_a_broken_chain(tmp_path: Path) -> None:
    _write(5, time=timezone.now() - datetime.timedelta(days=400))
    audit_chain.seal()
    _without_guard("UPDATE core_auditentry SET message = 'x' WHERE seq = 3")
    with override_settings(AUDIT_ARCHIVE_DIR=tmp_path), pytest.raises(CommandError, match="seq 3"):
        call_command("audit_archive")
    assert AuditEntry.objects.count() == 5 and not list(tmp_path.iterdir())


def test_a_retention_under_six_months_is_refused() -> None:
    with override_settings(AUDIT_RETENTION_DAYS=90):
        assert "core.E012" in {e.id for e in run_checks()}
    with override_settings(AUDIT_RETENTION_DAYS=180):
        assert "core.E012" not in {e.id for e in run_checks()}


def test_logins_without_an_area_are_seen_by_the_districts_auditors_only(client: Any, world: World) -> None:
    """A provider's staff member (no area) and a name that is no account are filed under the district the
    deployment serves: its auditor sees them, a street's auditor does not (not that street's people)."""
    from yiyang.areas.models import Area

    # The test world has a second district; a deployment serves one (see the next test for two).
    for area in Area.objects.filter(path__startswith=world.areas.other_district.path).order_by("-level"):
        area.delete()
    street_auditor = make_user("sam", "auditor", [world.areas.street_a])
    client.force_login(world.frank)
    client.logout()
    client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong"})
    events = AuditEntry.objects.filter(verb__startswith="user.", object_type="accounts.user")
    frank = events.filter(object_id=str(world.frank.pk))
    assert frank.filter(verb="user.login").exists() and frank.filter(verb="user.logout").exists()
    unknown = events.filter(actor_name="nobody-here")
    assert unknown.exists()
    district = world.areas.district.path
    assert set(frank.values_list("area_path", flat=True)) == {district}
    assert set(unknown.values_list("area_path", flat=True)) == {district}
    seen = AuditEntry.objects.for_user(world.grace)
    assert seen.filter(pk__in=frank).count() == frank.count() and seen.filter(pk__in=unknown).exists()
    hidden = AuditEntry.objects.for_user(street_auditor)
    assert not hidden.filter(pk__in=frank).exists() and not hidden.filter(pk__in=unknown).exists()
    # A street's own worker's login stays with the street.
    client.force_login(world.bob)
    bob = events.filter(object_id=str(world.bob.pk), verb="user.login").get()
    assert bob.area_path == world.areas.street_a.path and hidden.filter(pk=bob.pk).exists()


def test_logins_without_an_area_in_a_deployment_of_two_districts_go_to_the_city(
    client: Any, world: World
) -> None:
    city_auditor = make_user("cindy", "auditor", [world.areas.city])
    client.force_login(world.frank)
    row = AuditEntry.objects.get(verb="user.login", object_id=str(world.frank.pk))
    assert row.area_path == world.areas.city.path
    assert AuditEntry.objects.for_user(city_auditor).filter(pk=row.pk).exists()
    assert not AuditEntry.objects.for_user(world.grace).filter(pk=row.pk).exists()
