"""yiyang backup, then yiyang restore into a fresh instance with the same keys: the records and the
uploaded files come back, and personal data decrypts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

KEYS = {
    "YIYANG_SECRET_KEY": "s" * 50,
    "YIYANG_FIELD_KEY": "backup-test-field-key-0123456789abcdef",
    "YIYANG_HASH_KEY": "backup-test-hash-key-0123456789abcdef",
}
SAMPLE = (
    "from yiyang.people.models import Elder;"
    "print('|'.join(f'{e.pk}:{e.id_number}' for e in Elder.objects.order_by('pk')[:5]), Elder.objects.count())"
)


def manage(var: Path, *args: str, backups: Path | None = None, extra: dict[str, str] | None = None) -> str:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("YIYANG_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env |= KEYS | {"YIYANG_VAR_DIR": str(var), "YIYANG_PRODUCTION": "1"}
    if backups:
        env["YIYANG_BACKUP_DIR"] = str(backups)
    env |= extra or {}
    run = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_backup_restores_into_a_fresh_instance_and_decrypts(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    manage(old, "migrate", "-v0")
    manage(old, "demo", "--elders", "40")
    (old / "media" / "imports").mkdir(parents=True, exist_ok=True)
    (old / "media" / "imports" / "台账.xlsx").write_bytes(b"uploaded")
    before = manage(old, "shell", "-c", SAMPLE)
    assert " 40" in before and "3206" in before  # clear ID numbers, decrypted with the keys

    manage(old, "backup")
    backups = old / "backups"
    names = [p.name for p in backups.iterdir()]
    assert [n for n in names if n.endswith(".sqlite3.gz")] and [n for n in names if n.endswith(".tar.gz")]
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in backups.iterdir())

    manage(new, "migrate", "-v0")  # a fresh, empty instance with the same keys
    manage(new, "restore", "--noinput", backups=backups)
    assert manage(new, "shell", "-c", SAMPLE) == before
    assert (new / "media" / "imports" / "台账.xlsx").read_bytes() == b"uploaded"


PG = "postgres://postgres@127.0.0.1:5432"


def _pg(sql: str) -> bool:
    run = subprocess.run(
        ["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qtAc", sql], capture_output=True, text=True
    )
    return run.returncode == 0


def test_backup_restores_into_a_fresh_postgresql_database_and_decrypts(tmp_path: Path) -> None:
    """On PostgreSQL (pg_dump / psql): the copy in a fresh, empty database answers like the original —
    records, personal data decrypting, the audit chain verifying and still refusing edits."""
    import pytest

    if not _pg("select 1"):
        pytest.skip("needs PostgreSQL at 127.0.0.1:5432 (user postgres)")
    suffix = os.urandom(3).hex()
    old_db, new_db = f"yiyang_sec18_bk_old_{suffix}", f"yiyang_sec18_bk_new_{suffix}"
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    try:
        assert _pg(f"CREATE DATABASE {old_db}") and _pg(f"CREATE DATABASE {new_db}")
        db_old = {"YIYANG_DATABASE_URL": f"{PG}/{old_db}"}
        db_new = {"YIYANG_DATABASE_URL": f"{PG}/{new_db}"}
        manage(old, "migrate", "-v0", extra=db_old)
        manage(old, "demo", "--elders", "30", extra=db_old)
        before = manage(old, "shell", "-c", SAMPLE, extra=db_old)
        assert " 30" in before and "3206" in before
        manage(old, "backup", extra=db_old)
        names = [p.name for p in (old / "backups").iterdir()]
        assert [n for n in names if ".psql" in n or ".dump" in n], names

        # A fresh database, no migrations run: the dump brings schema, triggers and rows.
        manage(new, "restore", "--noinput", backups=old / "backups", extra=db_new)
        assert manage(new, "shell", "-c", SAMPLE, extra=db_new) == before
        assert "审计链完好" in manage(new, "audit_verify", extra=db_new)
        refused = subprocess.run(
            ["psql", f"{PG}/{new_db}", "-qtAc", "UPDATE core_auditentry SET message = 'x'"],
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0 and "append-only" in refused.stderr
    finally:
        for name in (old_db, new_db):
            _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
