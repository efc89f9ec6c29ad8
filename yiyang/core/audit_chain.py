"""The audit trail's tamper evidence: a keyed MAC per row, a chain over the rows, a signed archive.

* When a row is written (``AuditEntry.save`` or ``AuditEntry.objects.bulk_create``) it gets ``mac``,
  the keyed MAC of its content. Nothing is locked: a long import's thousands of rows cost no one a wait.
* When its transaction commits, ``seal`` gives every unsealed row the next ``seq`` and its ``link``, the
  MAC of (seq, id, mac, previous link). Sealers take one lock in turn and see only committed rows, so the
  chain follows commit order and concurrent writers can never fork it. A process that dies between
  commit and seal leaves rows that the next seal (any later audited commit, or ``yiyang audit verify``)
  picks up.
* The database refuses UPDATE and DELETE on audit rows (triggers of migration ``core.0005``) except
  sealing, an account's deletion clearing ``actor``, and the archive's own delete, which opens
  ``core_auditgate`` inside its transaction only.
* ``archive`` moves the rows older than ``AUDIT_RETENTION_DAYS`` to a JSON-lines file with a keyed
  signature, records the last link as the anchor the remaining chain continues from, then deletes them.
* ``verify`` walks the chain in batches and reports the first row that does not hold.

The MAC key is derived from ``AUDIT_KEY`` (``crypto.audit_key``, HKDF; it defaults to the hash key,
and stays when the hash key is rotated); the algorithm (HMAC-SHA256, or HMAC-SM3 under the 国密 suite)
is written with each MAC.

The personal-data access log (``AccessLog``) is a second ledger chained the same way (``ACCESS``): its
rows are what an auditor reads to find who looked at whose data, so editing or removing one must show
as much as for the audit trail. It has no archive yet: its rows are kept, and the database refuses every
DELETE but the test suite's flush (the same gate).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from yiyang.core import audit, crypto

#: the columns the row MAC covers: all but ``id`` (the link binds it), ``actor`` (cleared when an account
#: is deleted; ``actor_name`` names the person) and the chain's own columns
CONTENT = (
    "time",
    "actor_name",
    "request_id",
    "action",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "subject_id",
    "area_path",
    "before",
    "after",
    "message",
    "success",
)
#: the columns an access-log row's MAC covers (all but ``id``, ``actor`` and the chain's own)
ACCESS_CONTENT = (
    "time",
    "actor_name",
    "request_id",
    "kind",
    "object_type",
    "object_id",
    "subject_id",
    "area_path",
    "fields",
    "reason",
    "row_count",
    "query",
    "client_ip",
)
_JSON = ("before", "after", "fields")
_LOCK_ID = 0x59494159  # pg_advisory_xact_lock key of the chain
BATCH = 2000


@dataclass(frozen=True)
class Ledger:
    """One chained table: which model, which columns its MAC covers, its lock and its key."""

    label: str
    table: str
    content: tuple[str, ...]
    lock_id: int
    purpose: str  # the key's HKDF purpose: one key per ledger
    archived: bool  # continues from an AuditArchive anchor

    def model(self) -> Any:
        from django.apps import apps

        return apps.get_model(self.label)

    def key(self) -> bytes:
        return crypto.audit_key() if self.purpose == "audit-chain" else crypto.chain_key(self.purpose)


AUDIT = Ledger("core.AuditEntry", "core_auditentry", CONTENT, _LOCK_ID, "audit-chain", True)
ACCESS = Ledger("core.AccessLog", "core_accesslog", ACCESS_CONTENT, _LOCK_ID + 1, "access-chain", False)
LEDGERS = (AUDIT, ACCESS)


def ledger_of(row: Any) -> Ledger:
    return ACCESS if type(row).__name__ == "AccessLog" else AUDIT


def _number(value: Any) -> Any:
    """JSON numbers as the database gives them back: 1e16 from jsonb reads as an int."""
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    return int(value) if value.is_integer() else value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return _number(value)


def _canonical(values: Mapping[str, Any], content: tuple[str, ...] = CONTENT) -> bytes:
    data: dict[str, Any] = {}
    for name in content:
        value = values.get(name)
        if name == "time" and value is not None:
            if isinstance(value, str):
                value = datetime.datetime.fromisoformat(value)
            value = value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        elif name == "request_id" and value is not None:
            value = str(uuid.UUID(str(value)))
        elif name in _JSON and value is not None:
            value = _plain(json.loads(json.dumps(value)))
        data[name] = value
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_mac(entry: Any, ledger: Ledger | None = None) -> str:
    """The keyed MAC of one row's content (an ``AuditEntry``, an ``AccessLog`` or a mapping of its
    columns; a mapping is an audit row unless ``ledger`` says otherwise)."""
    ledger = ledger or (AUDIT if isinstance(entry, Mapping) else ledger_of(entry))
    values = entry if isinstance(entry, Mapping) else {name: getattr(entry, name) for name in ledger.content}
    return crypto.mac(ledger.key(), _canonical(values, ledger.content))


def _link(seq: int, pk: int, mac: str, previous: str, ledger: Ledger = AUDIT) -> str:
    return crypto.mac(ledger.key(), f"{seq}|{pk}|{mac}|{previous}".encode(), mac.split(":", 1)[0])


def _link_matches(seq: int, pk: int, mac: str, previous: str, link: str, ledger: Ledger = AUDIT) -> bool:
    return crypto.mac_matches(ledger.key(), f"{seq}|{pk}|{mac}|{previous}".encode(), link)


# -- sealing ------------------------------------------------------------------------------------------


def _lock(using: str, ledger: Ledger = AUDIT) -> None:
    """Serialise sealers: an advisory lock on PostgreSQL, the write lock taken up front on SQLite."""
    with connections[using].cursor() as cur:
        if connections[using].vendor == "postgresql":
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [ledger.lock_id])
        else:
            cur.execute("UPDATE core_auditarchive SET id = id WHERE 0")


def _head(using: str, ledger: Ledger = AUDIT) -> tuple[int, str]:
    from yiyang.core.models import AuditArchive

    last = (
        ledger.model()
        ._base_manager.using(using)
        .filter(seq__isnull=False)
        .order_by("-seq")
        .values("seq", "link")
        .first()
    )
    if last:
        return int(last["seq"] or 0), str(last["link"])
    if not ledger.archived:
        return 0, ""
    anchor = AuditArchive.objects.using(using).order_by("-last_seq").values("last_seq", "last_link").first()
    return (int(anchor["last_seq"]), str(anchor["last_link"])) if anchor else (0, "")


def seal(using: str = "default", batch: int = BATCH, ledger: Ledger = AUDIT) -> int:
    """Chain every committed, unsealed row; returns how many were sealed."""
    conn = connections[using]
    total = 0
    while True:
        with transaction.atomic(using=using):
            _lock(using, ledger)
            seq, previous = _head(using, ledger)
            rows = list(
                ledger.model()
                ._base_manager.using(using)
                .filter(seq__isnull=True)
                .order_by("id")
                .values_list("id", "mac")[:batch]
            )
            if not rows:
                return total
            values: list[Any] = []
            for pk, mac in rows:
                seq += 1
                previous = _link(seq, pk, mac, previous, ledger)
                values += [pk, seq, previous]
            cast = "::bigint" if conn.vendor == "postgresql" else ""
            placeholders = ", ".join([f"(%s{cast}, %s{cast}, %s)"] * len(rows))
            with conn.cursor() as cur:
                cur.execute(
                    f"WITH v(id, seq, link) AS (VALUES {placeholders}) "
                    f"UPDATE {ledger.table} SET seq = v.seq, link = v.link FROM v WHERE {ledger.table}.id = v.id",
                    values,
                )
            total += len(rows)
            if len(rows) < batch:  # that was all: no second transaction to find nothing
                return total


def _seal_quietly(using: str, ledger: Ledger = AUDIT) -> None:
    try:
        seal(using, ledger=ledger)
    except Exception:  # the rows stay unsealed, not lost: the next seal or `audit verify` chains them
        import logging

        logging.getLogger(__name__).exception("%s chain: sealing failed", ledger.table)


def seal_on_commit(using: str = "default", ledger: Ledger = AUDIT) -> None:
    """Seal once when the current transaction commits (at once outside a transaction)."""
    conn = connections[using]
    if conn.in_atomic_block and any(
        getattr(item[1], "_audit_seal", None) == ledger.table for item in conn.run_on_commit
    ):
        return

    def run() -> None:
        _seal_quietly(using, ledger)

    run._audit_seal = ledger.table  # type: ignore[attr-defined]
    transaction.on_commit(run, using=using)


# -- verification -------------------------------------------------------------------------------------


@dataclass
class Verdict:
    checked: int = 0
    unsealed: int = 0
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.reason


def _rows(using: str, batch: int, ledger: Ledger = AUDIT) -> Iterator[dict[str, Any]]:
    after = -1
    columns = ("id", "seq", "mac", "link", *ledger.content)
    while True:
        chunk = list(
            ledger.model()
            ._base_manager.using(using)
            .filter(seq__gt=after)
            .order_by("seq")
            .values(*columns)[:batch]
        )
        if not chunk:
            return
        yield from chunk
        after = chunk[-1]["seq"]


def _check(row: Mapping[str, Any], expected_seq: int, previous: str, ledger: Ledger = AUDIT) -> str:
    if row["seq"] != expected_seq:
        return f"chain gap: expected seq {expected_seq}, found {row['seq']} (rows removed)"
    if not crypto.mac_matches(ledger.key(), _canonical(row, ledger.content), row["mac"]):
        return "content does not match its MAC (row edited)"
    if not _link_matches(row["seq"], row["id"], row["mac"], previous, row["link"], ledger):
        return "link does not follow from the previous row (row edited, moved or inserted)"
    return ""


def verify(
    using: str = "default", batch: int = BATCH, seal_first: bool = True, ledger: Ledger = AUDIT
) -> Verdict:
    """Walk the chain from its anchor in ``batch``-sized pages; stop at the first row that fails."""
    from yiyang.core.models import AuditArchive

    if seal_first:
        seal(using, ledger=ledger)
    verdict = Verdict()
    manager = ledger.model()._base_manager
    first = manager.using(using).filter(seq__isnull=False).order_by("seq").values("seq").first()
    seq, previous = 0, ""
    start = int(first["seq"] or 1) if first else 1
    if start > 1:
        anchor = (
            AuditArchive.objects.using(using).filter(last_seq=start - 1).values("last_link").first()
            if ledger.archived
            else None
        )
        if anchor is None:
            verdict.broken_seq, verdict.broken_id = start, -1
            verdict.reason = f"rows before seq {start} were removed without an archive"
            return verdict
        seq, previous = start - 1, anchor["last_link"]
    for row in _rows(using, batch, ledger):
        reason = _check(row, seq + 1, previous, ledger)
        if reason:
            verdict.broken_seq, verdict.broken_id, verdict.reason = row["seq"], row["id"], reason
            return verdict
        seq, previous = row["seq"], row["link"]
        verdict.checked += 1
    for row in manager.using(using).filter(seq__isnull=True).values("id", "mac", *ledger.content):
        verdict.unsealed += 1
        if not crypto.mac_matches(ledger.key(), _canonical(row, ledger.content), row["mac"]):
            verdict.broken_id, verdict.reason = row["id"], "unsealed row does not match its MAC (row edited)"
            return verdict
    return verdict


# -- archive ------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)


def _signature(data: bytes) -> str:
    return crypto.mac(crypto.derive(crypto.audit_master(), "audit-archive", 32), data)


def _signature_matches(data: bytes, expected: str) -> bool:
    return crypto.mac_matches(crypto.derive(crypto.audit_master(), "audit-archive", 32), data, expected)


@dataclass
class Archived:
    path: Path
    first_seq: int
    last_seq: int
    rows: int


def archive(
    *, using: str = "default", now: datetime.datetime | None = None, chunk: int = 100_000
) -> list[Archived]:
    """Move the chain's prefix older than ``AUDIT_RETENTION_DAYS`` to signed files, ``chunk`` rows each.

    Each file is written and flushed to disk before the transaction that records it and deletes its
    rows; a run that stops anywhere leaves either both or the rows still in the table (rerun it).
    """
    from yiyang.core.models import AuditArchive, AuditEntry

    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    seal(using)
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    done: list[Archived] = []
    while True:
        with transaction.atomic(using=using):
            _lock(using)
            entries = AuditEntry.objects.using(using)
            keep = entries.filter(seq__isnull=False, time__gte=cutoff).order_by("seq").values("seq").first()
            old = entries.filter(seq__isnull=False).order_by("seq")
            if keep:
                old = old.filter(seq__lt=keep["seq"])
            rows = list(old.values()[:chunk])
            if not rows:
                return done
            first_seq, last_seq = int(rows[0]["seq"] or 0), int(rows[-1]["seq"] or 0)
            anchor = (
                AuditArchive.objects.using(using).filter(last_seq=first_seq - 1).values("last_link").first()
            )
            header = {
                "format": "yiyang-audit-archive/1",
                "first_seq": first_seq,
                "last_seq": last_seq,
                "rows": len(rows),
                "previous_link": anchor["last_link"] if anchor else "",
                "cutoff": cutoff.isoformat(),
            }
            lines = [json.dumps(header, ensure_ascii=False, sort_keys=True)]
            lines += [json.dumps(r, ensure_ascii=False, sort_keys=True, default=_json_default) for r in rows]
            data = ("\n".join(lines) + "\n").encode()
            name = f"audit-{first_seq:012d}-{last_seq:012d}.jsonl"
            path = directory / name
            _write(path, data)
            _write(path.with_name(name + ".sig"), (_signature(data) + "\n").encode())
            AuditArchive.objects.using(using).create(
                cutoff=cutoff,
                first_seq=first_seq,
                last_seq=last_seq,
                last_link=rows[-1]["link"],
                row_count=len(rows),
                filename=name,
                sha256=hashlib.sha256(data).hexdigest(),
            )
            with connections[using].cursor() as cur:
                cur.execute("INSERT INTO core_auditgate (opened_by) VALUES (%s)", ["yiyang audit archive"])
                cur.execute(
                    "DELETE FROM core_auditentry WHERE seq >= %s AND seq <= %s", [first_seq, last_seq]
                )
                cur.execute("DELETE FROM core_auditgate")
            # Written after the delete, so it is the next link of the chain the archive continues.
            AuditEntry.objects.using(using).create(
                actor_name="系统",
                request_id=uuid.uuid4(),
                action=AuditEntry.Action.DELETE,
                verb="auditentry.archive",
                object_type="core.auditentry",
                object_repr=name,
                area_path=audit.whole_deployment_path(),
                after={"rows": len(rows), "first_seq": first_seq, "last_seq": last_seq},
                message=f"{len(rows)} 条变更日志已归档至 {name}（{cutoff:%Y-%m-%d} 以前）",
            )
            done.append(Archived(path, first_seq, last_seq, len(rows)))


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def verify_archive(path: Path) -> Verdict:
    """An archive file: its signature, then every row's MAC and link from the anchor it names."""
    verdict = Verdict()
    data = path.read_bytes()
    sig = path.with_name(path.name + ".sig")
    if not sig.exists() or not _signature_matches(data, sig.read_text().strip()):
        verdict.reason = "signature missing or does not match the file (file altered)"
        return verdict
    header, *lines = data.decode().splitlines()
    meta = json.loads(header)
    seq, previous = meta["first_seq"] - 1, meta["previous_link"]
    for line in lines:
        row = json.loads(line)
        reason = _check(row, seq + 1, previous)
        if reason:
            verdict.broken_seq, verdict.broken_id, verdict.reason = row["seq"], row["id"], reason
            return verdict
        seq, previous = row["seq"], row["link"]
        verdict.checked += 1
    if verdict.checked != meta["rows"] or seq != meta["last_seq"]:
        verdict.reason = "row count does not match the header"
    return verdict
