"""Running an import: read, validate every cell, stage, then apply all at once or not at all.

The engine is generic; a registry supplies an :class:`Importer` that knows its columns, how to clean
one row and how to merge staged rows into its tables with set-based SQL. The phases:

1. **Validate and stage** (autocommit, so the progress bar moves): each row is cleaned; bad cells
   become :class:`CellIssue` rows; good rows go to a temporary staging table in chunks.
2. **Check against the database** (rows that collide with records the user may not touch).
3. **Apply** in one transaction, or stop: with any rejected row and ``skip_invalid`` off, nothing is
   written; a dry run only counts what would happen.

Whatever the outcome, every issue is kept and an annotated copy of the workbook is produced.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from yiyang.core.context import unit_of_work
from yiyang.core.i18n import records_language
from yiyang.core.importing.columns import ColumnSpec
from yiyang.core.importing.reader import ImportFileError, RawRow, TableReader, open_table
from yiyang.core.importing.writer import CellIssue, write_annotated_copy
from yiyang.core.models import ImportBatch

log = logging.getLogger(__name__)

STAGE_CHUNK = 5000
STORED_ERRORS = 2000  # the batch row keeps this many; the annotated file and CLI get them all
FAILED = (ImportBatch.Status.INVALID, ImportBatch.Status.CRASHED)


class RowRejected(Exception):
    """Raised by ``Importer.clean``: ``problems`` are (field, message) pairs, field "" for the row."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in problems))
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    batch: ImportBatch
    issues: list[CellIssue] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        data = self.batch.summary()
        data["errors"] = [
            {"row": i.row, "column": i.column, "value": i.value, "message": i.message} for i in self.issues
        ]
        if not self.issues and self.batch.status in FAILED:
            # The file as a whole was refused (no header, a missing column …): say why, not "errors []".
            data["errors"] = [{"row": None, "column": "", "value": "", "message": self.batch.message}]
        data["message"] = self.batch.message
        return data


class Importer(abc.ABC):
    """One registry's import rules. Instances live for one run and may cache look-ups."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]  # may be lazy: the import page shows it translated
    key_label: ClassVar[str]
    columns: ClassVar[Sequence[ColumnSpec]]
    #: rows shown in the downloadable template, keyed by column field (``ColumnSpec.field``)
    example_rows: ClassVar[Sequence[Mapping[str, object]]] = ()

    def __init__(self, actor: Any, *, area_path: str = "") -> None:
        self.actor = actor
        #: The area the uploader chose (ImportBatch.target_path); importers that offer a choice use it.
        self.area_path = area_path

    @classmethod
    def area_choices(cls, actor: Any) -> list[tuple[str, str]]:
        """(area path, label) the uploader may import into; empty: the file says where each row goes."""
        return []

    @classmethod
    def default_area(cls, actor: Any) -> str:
        """The area path chosen when the uploader chooses none ("" for none)."""
        return ""

    def file_columns(self) -> Sequence[ColumnSpec]:
        """The columns this run reads; a run may need fewer than the template asks for."""
        return self.columns

    def prepare(self) -> None:
        """Check the run's settings before the file is read; raise ImportFileError to refuse it."""
        return

    def notices(self) -> list[str]:
        """Lines shown above the result (e.g. where rows without a community went)."""
        return []

    @abc.abstractmethod
    def clean(self, row: RawRow) -> tuple[bytes | str, Any]:
        """(de-duplication key, staged record) or raise RowRejected."""

    @abc.abstractmethod
    def begin(self) -> None:
        """Create the staging area."""

    @abc.abstractmethod
    def stage(self, records: list[tuple[int, Any]]) -> None:
        """Store (row number, record) pairs in the staging area."""

    @abc.abstractmethod
    def conflicts(self) -> list[tuple[int, str, str]]:
        """(row, field, message) for staged rows the database refuses (e.g. another area's record)."""

    @abc.abstractmethod
    def plan(self, skip_rows: set[int]) -> Counts:
        """What applying would do, without doing it."""

    @abc.abstractmethod
    def apply(self, batch: ImportBatch, skip_rows: set[int]) -> Counts:
        """Merge the staged rows; runs inside the caller's transaction."""

    @abc.abstractmethod
    def end(self) -> None:
        """Drop the staging area."""

    def header_of(self, field_name: str, reader: TableReader) -> str:
        if field_name in reader.header.headers:
            return reader.header.headers[field_name]
        return next((c.label for c in self.columns if c.field == field_name), "")


def _reader(batch: ImportBatch, importer: Importer) -> TableReader:
    with batch.file.open("rb") as fh:
        data = fh.read()
    return open_table(data, filename=batch.filename, columns=importer.file_columns())


def run_import(batch: ImportBatch, importer: Importer) -> ImportResult:
    """Run the batch, in the request or in a worker. Whatever happens, it ends: a failure that is not
    the file's fault ends the batch as crashed with a reason that quotes no cell (an exception's text
    may carry a value from the file); a killed process loses its lease (``core.jobs``)."""
    from yiyang.core.jobs import lease

    # Spreadsheets are records exchanged with the civil-affairs system: cells are parsed, and the
    # error report and annotated copy are written, in Chinese whatever the uploader's language.
    with unit_of_work(batch.request_id), records_language():
        try:
            with lease(ImportBatch, batch.pk):
                return _run(batch, importer)
        except Exception as exc:
            log.exception("import batch %s crashed (%s)", batch.pk, type(exc).__name__)
            result = ImportResult(batch)
            return _finish(result, ImportBatch.Status.CRASHED, message=crash_message(exc, batch))


def crash_message(exc: BaseException, batch: ImportBatch) -> str:
    """What the uploader reads: the kind of failure and the request to quote to support, never the
    exception's own text (a database error quotes the offending value: an ID number, a phone)."""
    return (
        f"处理失败（{type(exc).__name__}），未写入任何数据。"
        f"请重试；仍失败请联系管理员并提供请求编号 {batch.request_id}。"
    )


def _run(batch: ImportBatch, importer: Importer) -> ImportResult:
    result = ImportResult(batch)
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    try:
        importer.prepare()
        reader = _reader(batch, importer)
        if reader.header.missing_required:
            raise ImportFileError("缺少必填列：" + "、".join(reader.header.missing_required))
    except ImportFileError as exc:
        return _finish(result, ImportBatch.Status.INVALID, message=exc.message)

    issues = result.issues
    columns = importer.file_columns()
    rejected_rows: set[int] = set()
    seen: dict[bytes | str, int] = {}
    importer.begin()
    try:
        buffer: list[tuple[int, Any]] = []
        total = 0
        for raw in reader.rows():
            total += 1
            try:
                _check_lengths(raw, columns)
                key, record = importer.clean(raw)
            except RowRejected as exc:
                rejected_rows.add(raw.number)
                for field_name, message in exc.problems:
                    value = raw.values.get(field_name) if field_name else ""
                    issues.append(
                        CellIssue(
                            raw.number,
                            importer.header_of(field_name, reader) if field_name else "",
                            field_name,
                            shown(field_name, value),
                            unquoted(field_name, value, message),
                        )
                    )
                continue
            if key in seen:
                rejected_rows.add(raw.number)
                issues.append(
                    CellIssue(
                        raw.number,
                        importer.header_of(importer.columns[0].field, reader),
                        importer.columns[0].field,
                        shown(importer.columns[0].field, raw.values.get(importer.columns[0].field, "")),
                        f"{importer.key_label}与第 {seen[key]} 行重复",
                    )
                )
                continue
            seen[key] = raw.number
            buffer.append((raw.number, record))
            if len(buffer) >= STAGE_CHUNK:
                importer.stage(buffer)
                buffer = []
                _progress(batch, total)
        if buffer:
            importer.stage(buffer)
        del seen
        batch.total_rows = batch.processed_rows = total
        # Skipped rows are only known once the reader has been through the sheet.
        batch.notices = (
            importer.notices() + [f"第{n}行：{why}" for n, why in reader.skipped if why != "空行"][:200]
        )
        if reader.header.unknown_headers:
            batch.notices.insert(0, "未识别的列（已忽略）：" + "、".join(reader.header.unknown_headers))
        for row, field_name, message in importer.conflicts():
            rejected_rows.add(row)
            issues.append(CellIssue(row, importer.header_of(field_name, reader), field_name, "", message))
        issues.sort(key=lambda i: i.row)
        batch.rejected = len(rejected_rows)

        if issues:
            _annotate(batch, importer, issues)
        if rejected_rows and not batch.skip_invalid:
            return _finish(
                result,
                ImportBatch.Status.INVALID,
                message=f"{len(rejected_rows)} 行有错误，未导入任何数据。请按错误标注文件修改后重新导入。",
            )
        if batch.dry_run:
            counts = importer.plan(rejected_rows)
            return _finish(
                result, ImportBatch.Status.CHECKED, counts=counts, message="试导入完成，未写入数据。"
            )
        with transaction.atomic():
            counts = importer.apply(batch, rejected_rows)
        message = "导入完成。" + (f"已跳过 {len(rejected_rows)} 行错误数据。" if rejected_rows else "")
        return _finish(result, ImportBatch.Status.APPLIED, counts=counts, message=message)
    finally:
        importer.end()


def _check_lengths(raw: RawRow, columns: Sequence[ColumnSpec]) -> None:
    """An over-long text cell is the row's error, before any importer stores it in a column too short."""
    problems = [
        (spec.field, f"内容过长：{len(value)} 个字符，最多 {spec.length_limit} 个")
        for spec in columns
        if isinstance(value := raw.values.get(spec.field), str) and len(value) > spec.length_limit
    ]
    if problems:
        raise RowRejected(problems)


#: Characters of a cell the error report quotes: enough to find it, never a whole pasted document.
QUOTED_CHARS = 50


def quoted(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "…"


def shown(field_name: str, value: object) -> str:
    """A cell as the error report quotes it: an ID number or phone masked as on screen (the report is
    kept on the batch and shown to whoever may see the batch), any other cell :func:`quoted`."""
    from yiyang.core.crypto import mask_phone
    from yiyang.core.idnumber import mask_id_number

    text = quoted(value)
    if not text:
        return text
    if "id_number" in field_name:
        return mask_id_number(str(value).strip())
    if "phone" in field_name:
        return mask_phone(str(value).strip())
    return text


def unquoted(field_name: str, value: object, message: str) -> str:
    """A message about an ID number or phone that quotes the cell quotes it masked."""
    text = "" if value is None else str(value).strip()
    if not text or not ("id_number" in field_name or "phone" in field_name):
        return message
    masked = shown(field_name, value)
    return message.replace(repr(value), masked).replace(text, masked)


def _progress(batch: ImportBatch, processed: int) -> None:
    batch.processed_rows = processed
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=processed, heartbeat_at=timezone.now())


def _annotate(batch: ImportBatch, importer: Importer, issues: list[CellIssue]) -> None:
    import io

    out = io.BytesIO()
    write_annotated_copy(lambda: _reader(batch, importer), issues, out, columns=importer.file_columns())
    stem = batch.filename.rsplit(".", 1)[0]
    batch.annotated_file.save(f"{stem}-错误标注.xlsx", ContentFile(out.getvalue()), save=False)


def _finish(
    result: ImportResult,
    status: str,
    *,
    counts: Counts | None = None,
    message: str = "",
) -> ImportResult:
    batch = result.batch
    counts = counts or Counts()
    batch.status = status
    batch.created, batch.updated, batch.unchanged = counts.created, counts.updated, counts.unchanged
    batch.errors = [
        {"row": i.row, "column": i.column, "value": i.value, "message": i.message}
        for i in result.issues[:STORED_ERRORS]
    ]
    batch.message = message
    batch.finished_at = timezone.now()
    batch.save()
    return result
