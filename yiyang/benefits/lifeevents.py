"""Death and move-out lists: read, stage, match set-based, report every row.

A row is matched on the keyed hash of its ID number (exact, within the importer's areas). Rows
whose ID is missing, invalid or unknown are looked up by name and birth date: a single candidate is
*proposed* for a person to confirm, several are reported; nothing is applied silently. A row that
matches no one stays in the batch as unmatched, with the reason.
"""

from __future__ import annotations

import datetime
import functools
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from yiyang.benefits.choices import LifeEventKind
from yiyang.benefits.models import LifeEventBatch, LifeEventRow
from yiyang.core import audit, crypto, scoping, sql
from yiyang.core.cells import CellError, clean_text, parse_date
from yiyang.core.i18n import records_language, stored
from yiyang.core.idnumber import IdNumberError, mask_id_number, normalize_id_text, parse_id_number
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.reader import ImportFileError, open_table
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.people.models import Elder

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码", "身份证"), text_format=True
    ),
    ColumnSpec("name", "姓名", ("死者姓名", "人员姓名", "老人姓名"), required=True),
    ColumnSpec("birth_date", "出生日期", ("出生年月日", "生日")),
    ColumnSpec(
        "event_date",
        "死亡日期",
        ("死亡时间", "迁出日期", "注销日期", "户籍迁出日期", "火化日期", "日期"),
        required=True,
    ),
)
STAGE = "benefits_lifeevent_stage"
STAGE_COLUMNS = (
    ("row_number", "integer"),
    ("name", "varchar(50)"),
    ("id_masked", "varchar(18)"),
    ("id_hash", "varchar(32)"),
    ("birth_date", "date"),
    ("event_date", "date"),
    ("note", "varchar(200)"),
)


@functools.lru_cache(maxsize=65536)
def _date(raw: object) -> datetime.date | None:
    """``parse_date`` remembered: a list repeats the same few death dates and birth dates, and
    parsing the text was a third of the time spent on each row. Errors are not cached."""
    return parse_date(raw)


def _clean_rows(reader: Any) -> list[tuple[Any, ...]]:
    out = []
    for raw in reader.rows():
        v = raw.values
        notes = []
        name = clean_text(v.get("name")) or ""
        id_hash = id_masked = ""
        birth: datetime.date | None = None
        if v.get("id_number") not in (None, ""):
            try:
                parsed = parse_id_number(v.get("id_number"))
                id_hash, id_masked, birth = (
                    crypto.lookup_hash(parsed.value),
                    mask_id_number(parsed.value),
                    parsed.birth_date,
                )
            except IdNumberError as exc:
                id_masked = mask_id_number(normalize_id_text(v.get("id_number")))[:18]
                notes.append(f"身份证号有误：{exc.message}")
        else:
            notes.append("无身份证号")
        try:
            given_birth = _date(v.get("birth_date"))
        except CellError as exc:
            given_birth = None
            notes.append(f"出生日期有误：{exc.message}")
        birth = given_birth or birth
        try:
            event = _date(v.get("event_date"))
        except CellError as exc:
            event = None
            notes.append(f"日期有误：{exc.message}")
        if event is None and not any(n.startswith("日期有误") for n in notes):
            notes.append("缺少死亡/迁出日期")
        out.append((raw.number, name[:50], id_masked, id_hash, birth, event, "；".join(notes)[:200]))
    return out


def _stage(rows: list[tuple[Any, ...]]) -> None:
    """The cleaned rows into a temporary table: no index, no WAL, gone with the transaction."""
    sql.create_stage(STAGE, STAGE_COLUMNS, drop_on_commit=True)
    sql.copy_rows(STAGE, [name for name, _ in STAGE_COLUMNS], rows)
    sql.analyze(STAGE)  # autovacuum never looks at temporary tables


def match_batch(batch: LifeEventBatch, actor: Any) -> dict[str, int]:
    """Match the staged rows and write them to the batch in one ``INSERT … SELECT``; returns
    counts by status.

    1. Exact: the keyed hash of the ID number, among the elders the importer may change (the one
       door, as SQL) — one unique-index probe
       per row (a hash join would read the whole registry for a list of a few thousand).
    2. Rows without such a match: name + birth date among living elders; one candidate is
       proposed, several are reported. Only these rows (a few per cent) pay for the look-up.

    Each row is written once, already decided; no pass over the batch rewrites it.
    """
    rows, elder = LifeEventRow._meta.db_table, Elder._meta.db_table
    scope_sql, scope_params = scoping.scope_sql(actor, Elder, "e", "change")

    def cand(alias: str) -> str:
        return (
            f"FROM {elder} e WHERE e.name = {alias}.name AND e.birth_date = {alias}.birth_date "
            f"AND e.status = 'living' AND {scope_sql}"
        )

    check = "按姓名和出生日期匹配，请核实"
    sql = f"""
        WITH hashed AS MATERIALIZED (
            SELECT s.*, CASE WHEN s.id_hash <> '' THEN (SELECT e.id FROM {elder} e
                WHERE e.id_number_hash = s.id_hash AND {scope_sql}) END AS matched
            FROM {STAGE} s),
        named AS MATERIALIZED (
            SELECT h.*, CASE WHEN h.matched IS NULL AND h.birth_date IS NOT NULL AND h.name <> ''
                THEN (SELECT COUNT(*) {cand("h")}) ELSE 0 END AS n_cand
            FROM hashed h)
        INSERT INTO {rows} (batch_id, row_number, name, id_masked, id_hash, birth_date, event_date, status,
            elder_id, candidates, note)
        SELECT %s, n.row_number, n.name, n.id_masked, n.id_hash, n.birth_date, n.event_date,
            CASE WHEN n.matched IS NOT NULL THEN 'matched' WHEN n.n_cand = 1 THEN 'proposed' ELSE 'unmatched' END,
            CASE WHEN n.matched IS NOT NULL THEN n.matched WHEN n.n_cand = 1 THEN (SELECT MIN(e.id) {cand("n")}) END,
            CASE WHEN n.matched IS NOT NULL THEN 1 ELSE n.n_cand END,
            CASE WHEN n.matched IS NOT NULL THEN n.note
                 WHEN n.n_cand = 1 THEN (CASE WHEN n.note = '' THEN '{check}' ELSE n.note || '；{check}' END)
                 WHEN n.n_cand > 1 THEN '同名同出生日期 ' || CAST(n.n_cand AS VARCHAR(6)) || ' 人，请人工核实'
                 WHEN n.id_hash <> '' THEN '身份证号在辖区内未登记'
                 ELSE n.note END
        FROM named n
    """
    with connection.cursor() as cur:
        cur.execute(sql, [*scope_params, *scope_params, batch.pk, *scope_params])
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cur.execute(f"SELECT status, COUNT(*) FROM {rows} WHERE batch_id = %s GROUP BY status", [batch.pk])
        return {status: int(n) for status, n in cur.fetchall()}


def life_event_import(*, kind: str, source: str, data: bytes, filename: str, actor: Any) -> LifeEventBatch:
    """导入死亡/迁出名单 and match it; nothing in the registry changes until rows are applied."""
    if not actor.has_perm("benefits.add_lifeeventbatch"):
        raise PermissionDenied
    if kind not in LifeEventKind.values:
        raise ValidationError({"kind": _("名单类型无效")})
    area_path = scoping.home_path(actor)
    if not area_path:
        raise PermissionDenied
    started = time.perf_counter()
    try:
        reader = open_table(data, filename=filename, columns=COLUMNS)
    except ImportFileError as exc:
        raise ValidationError(exc.message) from exc
    with records_language():  # the rows' notes are saved with the batch: Chinese, like the list itself
        cleaned = _clean_rows(reader)
    with transaction.atomic():
        batch = LifeEventBatch.objects.create(
            kind=kind,
            source=source[:50] or "未注明",
            filename=filename[:200],
            area_path=area_path,
            uploaded_by=actor,
            total_rows=len(cleaned),
        )
        _stage(cleaned)
        counts = match_batch(batch, actor)
        batch.counts = counts
        batch.seconds = time.perf_counter() - started
        batch.save(update_fields=["counts", "seconds"])
        audit.record_change(
            actor=actor,
            obj=batch,
            action=AuditEntry.Action.IMPORT,
            verb="lifeevent.import",
            after={"rows": len(cleaned), **counts},
            message=f"{stored(LifeEventKind(kind).label)}：{len(cleaned)} 行，匹配 {counts.get('matched', 0)}，"
            f"待确认 {counts.get('proposed', 0)}，未匹配 {counts.get('unmatched', 0)}",
        )
        audit.record_access(
            actor=actor,
            kind=AccessLog.Kind.IMPORT,
            object_type="benefits.lifeeventbatch",
            object_id=str(batch.pk),
            area_path=batch.area_path,
            row_count=len(cleaned),
        )
    return batch
