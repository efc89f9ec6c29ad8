"""Key rotation: every encrypted column re-encrypted under the current key and cipher, in batches,
while the platform runs (issue 18 item 9).

The encrypted columns are found, not listed: every concrete field whose name ends in ``_enc``. A batch
reads rows still under an old key or cipher (``crypto.is_current``), re-encrypts them and writes each
value back only where the column still holds what was read — a value a user saved meanwhile is already
under the current key and is left alone. Rows already rotated are skipped by the query itself, so a run
that stops anywhere is resumed by running it again, and a second run changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connections, models, transaction
from django.db.models import Q

from yiyang.core import crypto


@dataclass
class Column:
    model: type[models.Model]
    field: str  # attname
    db_column: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}"


def encrypted_columns() -> list[Column]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if field.attname.endswith("_enc") and isinstance(field, models.CharField | models.TextField):
                found.append(Column(model, field.attname, field.column or field.attname))
    return found


def _stale(column: Column) -> Q:
    return ~Q(**{f"{column.field}__startswith": crypto.current_prefix()}) & ~Q(**{column.field: ""})


def remaining(using: str = "default") -> dict[str, int]:
    """Values per column not yet under the current key and cipher."""
    return {
        c.label: c.model._base_manager.using(using).filter(_stale(c)).count() for c in encrypted_columns()
    }


def _batches(column: Column, using: str, batch: int) -> Iterator[list[tuple[int, str]]]:
    after = None
    pk = column.model._meta.pk
    assert pk is not None
    query = column.model._base_manager.using(using).filter(_stale(column)).order_by(pk.attname)
    while True:
        page = query.filter(**{f"{pk.attname}__gt": after}) if after is not None else query
        rows = list(page.values_list(pk.attname, column.field)[:batch])
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def rotate_column(column: Column, *, using: str = "default", batch: int = 1000, pause: float = 0.0) -> int:
    """Re-encrypt one column; returns how many values were rewritten."""
    conn = connections[using]
    table = conn.ops.quote_name(column.model._meta.db_table)
    name = conn.ops.quote_name(column.db_column)
    pk = column.model._meta.pk
    assert pk is not None
    pk_name = conn.ops.quote_name(pk.column or pk.attname)
    cast = (
        "::bigint"
        if conn.vendor == "postgresql" and isinstance(pk, models.AutoField | models.BigAutoField)
        else ""
    )
    done = 0
    for rows in _batches(column, using, batch):
        values: list[Any] = []
        for key, token in rows:
            values += [key, token, crypto.encrypt(crypto.decrypt(token))]
        placeholders = ", ".join([f"(%s{cast}, %s, %s)"] * len(rows))
        with transaction.atomic(using=using), conn.cursor() as cur:
            cur.execute(
                f"WITH v(id, old, new) AS (VALUES {placeholders}) "
                f"UPDATE {table} SET {name} = v.new FROM v WHERE {table}.{pk_name} = v.id AND {table}.{name} = v.old",
                values,
            )
            if conn.vendor == "sqlite":  # its driver counts no rows for a statement opening with WITH
                cur.execute("SELECT changes()")
                done += cur.fetchone()[0]
            else:
                done += cur.rowcount
        if pause:
            time.sleep(pause)  # leave the database to the platform's users between batches
    return done


def rotate(
    *,
    using: str = "default",
    batch: int = 1000,
    pause: float = 0.0,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for column in encrypted_columns():
        counts[column.label] = rotate_column(column, using=using, batch=batch, pause=pause)
        if progress:
            progress(column.label, counts[column.label])
    return counts


# -- the hash key (look-up digests) ------------------------------------------------------------------
#
# Rotating ``YIYANG_HASH_KEY`` recomputes every digest from the value it stands for, decrypted from its
# ``_enc`` sibling: ``id_number_hash`` from ``id_number_enc`` and so on, the health note's digest from
# the note and the elder's new ID-number digest. A digest column with no encrypted source (a life-event
# list's rows, matched once when imported and never looked up again) cannot be recomputed and is
# cleared, so that no digest under the retired key is left. Rows are read in primary-key pages; a
# digest already right is not written, and a row whose encrypted value changed since it was read (a
# user saved it, under the new key already) is not overwritten. A run that stops anywhere is resumed by
# running it again; ``--check`` counts what is left. Meanwhile exact searches try the retired keys too
# (``crypto.lookup_hashes``) and imports wait.


#: look-up digests kept without their encrypted value (cleared by a rotation); any other ``_hash``
#: column without an ``_enc`` sibling is not a digest of ours and is left alone
ORPHAN_DIGESTS = {"benefits.lifeeventrow": ("id_hash",)}


@dataclass
class Digests:
    model: type[models.Model]
    sources: list[tuple[str, str]]  # (digest attname, encrypted attname)
    orphans: list[str]  # digest columns with no encrypted source: cleared

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def digest_models() -> list[Digests]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = {f.attname for f in model._meta.concrete_fields}
        sources, orphans = [], []
        for field in model._meta.concrete_fields:
            name = field.attname
            if not (name.endswith("_hash") and isinstance(field, models.CharField)):
                continue
            stem = name[: -len("_hash")]
            for enc in (f"{stem}_enc", f"{stem}_number_enc"):  # id_hash ← id_number_enc
                if enc in names:
                    sources.append((name, enc))
                    break
            else:
                if name in ORPHAN_DIGESTS.get(model._meta.label_lower, ()):
                    orphans.append(name)
        # the ID number's digest first: the health note's digest is keyed by it
        sources.sort(key=lambda pair: pair[0] != "id_number_hash")
        if sources or orphans:
            found.append(Digests(model, sources, orphans))
    return found


def _digests_of(d: Digests, row: dict[str, Any]) -> dict[str, str]:
    new: dict[str, str] = {}
    for digest, enc in d.sources:
        clear = crypto.decrypt(row[enc]) if row[enc] else ""
        if digest == "health_hash":
            new[digest] = crypto.note_digest(new.get("id_number_hash", row.get("id_number_hash", "")), clear)
        else:
            new[digest] = crypto.lookup_hash(clear)
    for digest in d.orphans:
        new[digest] = ""
    return new


def _digest_pages(d: Digests, using: str, batch: int) -> Iterator[list[dict[str, Any]]]:
    pk = d.model._meta.pk
    assert pk is not None
    columns = [pk.attname, *(h for h, _ in d.sources), *(e for _, e in d.sources), *d.orphans]
    query = d.model._base_manager.using(using).order_by(pk.attname)
    after = None
    while True:
        page = query.filter(**{f"{pk.attname}__gt": after}) if after is not None else query
        rows = list(page.values(*columns)[:batch])
        if not rows:
            return
        yield rows
        after = rows[-1][pk.attname]


def digests_left(using: str = "default", batch: int = 2000) -> dict[str, int]:
    """Rows per model with a digest not (yet) under the current hash key."""
    left: dict[str, int] = {}
    for d in digest_models():
        count = 0
        for rows in _digest_pages(d, using, batch):
            count += sum(1 for row in rows if any(row[k] != v for k, v in _digests_of(d, row).items()))
        left[d.label] = count
    return left


def rotate_digests(d: Digests, *, using: str = "default", batch: int = 1000, pause: float = 0.0) -> int:
    """Recompute one model's digests under the current hash key; returns how many rows changed."""
    conn = connections[using]
    table = conn.ops.quote_name(d.model._meta.db_table)
    pk = d.model._meta.pk
    assert pk is not None
    fields = {f.attname: f.column or f.attname for f in d.model._meta.concrete_fields}
    q = conn.ops.quote_name
    digest_names = [h for h, _ in d.sources] + d.orphans
    sets = ", ".join(f"{q(fields[h])} = %s" for h in digest_names)
    guard = " AND ".join([f"{q(fields[pk.attname])} = %s"] + [f"{q(fields[e])} = %s" for _, e in d.sources])
    sql = f"UPDATE {table} SET {sets} WHERE {guard}"
    done = 0
    for rows in _digest_pages(d, using, batch):
        params = []
        for row in rows:
            new = _digests_of(d, row)
            if all(row[k] == v for k, v in new.items()):
                continue
            params.append([new[h] for h in digest_names] + [row[pk.attname]] + [row[e] for _, e in d.sources])
        if params:
            with transaction.atomic(using=using), conn.cursor() as cur:
                cur.executemany(sql, params)
            done += len(params)
        if pause:
            time.sleep(pause)
    return done


def rotate_hashes(
    *,
    using: str = "default",
    batch: int = 1000,
    pause: float = 0.0,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in digest_models():
        counts[d.label] = rotate_digests(d, using=using, batch=batch, pause=pause)
        if progress:
            progress(d.label, counts[d.label])
    return counts
