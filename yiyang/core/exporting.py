"""Every spreadsheet the platform hands out: typed columns, masking, and an access-log row.

A column says what its values are (:func:`money`, :func:`date`, :func:`minutes` …), and the engine
writes them as a spreadsheet needs them: money as a number with a ``0.00`` format, so that SUM works;
dates and times as real date cells; durations as minutes with one decimal; identifiers as text, so
that Excel never rounds an ID number. Each export declares its columns once and gets that for free.

A column holding personal data shows its masked form; its ``clear`` accessor gives the value in clear,
used only in a clear export, which a view allows to users whose role may see personal data in clear,
with a reason that goes to the access log.

The file is written in the records' language (Chinese) whatever language the page is shown in: its
headers are the import headers, and choice labels and computed values must match them.
"""

from __future__ import annotations

import csv
import datetime
import enum
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO
from urllib.parse import quote

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from yiyang.core import audit
from yiyang.core.i18n import records_language
from yiyang.core.importing.writer import excel_value, header_row, set_widths, sheet_title
from yiyang.core.models import AccessLog
from yiyang.core.scoping import home_path

#: An attribute path ("elder__area__name"), a function of the row, or None: the row is a sequence
#: and the column's position picks its value.
Accessor = str | Callable[[Any], Any] | None
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Kind(enum.Enum):
    """What a column holds, and so its cell type and number format."""

    AUTO = "auto"  # whatever the value is (plain (header, accessor) pairs)
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"
    NUMBER = "number"
    PERCENT = "percent"
    MINUTES = "minutes"
    DATE = "date"
    MONTH = "month"
    DATETIME = "datetime"
    TIMESTAMP = "timestamp"


NUMBER_FORMATS = {
    Kind.TEXT: "@",
    Kind.INTEGER: "0",
    Kind.MONEY: "0.00",
    Kind.NUMBER: "General",
    Kind.PERCENT: "0.0%",
    Kind.MINUTES: "0.0",
    Kind.DATE: "yyyy-mm-dd",
    Kind.MONTH: 'yyyy"年"m"月"',
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.TIMESTAMP: "yyyy-mm-dd hh:mm:ss",
}
# Wide enough that a date never shows as ########.
_MIN_WIDTH = {Kind.DATE: 12, Kind.MONTH: 11, Kind.DATETIME: 17, Kind.TIMESTAMP: 20}


@dataclass(frozen=True)
class Column:
    header: str
    accessor: Accessor = None
    kind: Kind = Kind.AUTO
    #: The value in a clear export (personal data); None: the column is never masked.
    clear: Accessor = None
    #: Seconds → minutes (durations are stored in seconds or as timedeltas).
    from_seconds: bool = False


def text(header: str, accessor: Accessor = None, *, clear: Accessor = None) -> Column:
    return Column(header, accessor, Kind.TEXT, clear)


def integer(header: str, accessor: Accessor = None) -> Column:
    return Column(header, accessor, Kind.INTEGER)


def money(header: str, accessor: Accessor = None) -> Column:
    return Column(header, accessor, Kind.MONEY)


def number(header: str, accessor: Accessor = None) -> Column:
    return Column(header, accessor, Kind.NUMBER)


def percent(header: str, accessor: Accessor = None) -> Column:
    """A share (0.953), shown as 95.3 %."""
    return Column(header, accessor, Kind.PERCENT)


def minutes(header: str, accessor: Accessor = None, *, from_seconds: bool = True) -> Column:
    """A duration in minutes with one decimal, from seconds or a timedelta."""
    return Column(header, accessor, Kind.MINUTES, from_seconds=from_seconds)


def date(header: str, accessor: Accessor = None) -> Column:
    return Column(header, accessor, Kind.DATE)


def month(header: str, accessor: Accessor = None) -> Column:
    """A month, given as any date in it: a date cell shown as 2026年3月."""
    return Column(header, accessor, Kind.MONTH)


def datetime_(header: str, accessor: Accessor = None, *, seconds: bool = False) -> Column:
    """A moment, written in local wall-clock time (spreadsheets have no time zones)."""
    return Column(header, accessor, Kind.TIMESTAMP if seconds else Kind.DATETIME)


ColumnLike = Column | tuple[str, Accessor]


def as_columns(columns: Sequence[ColumnLike]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(str(c[0]), c[1]) for c in columns]


# --------------------------------------------------------------------------- values


def _read(obj: Any, accessor: Accessor, position: int) -> Any:
    if accessor is None:
        return obj[position] if position < len(obj) else None
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    if isinstance(value, models.Model):
        return str(value)
    return value


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def typed_value(column: Column, raw: Any) -> Any:
    """The value as its cell holds it; None for an empty cell whatever the kind."""
    if raw is None or raw == "":
        return None
    kind = column.kind
    if kind is Kind.AUTO:
        return excel_value(_local(raw) if isinstance(raw, datetime.datetime) else raw)
    if kind is Kind.TEXT:
        return excel_value(str(raw))
    if kind is Kind.MONEY:
        return Decimal(str(raw)).quantize(Decimal("0.01"))
    if kind is Kind.INTEGER:
        return int(raw)
    if kind in (Kind.NUMBER, Kind.PERCENT):
        return float(raw)
    if kind is Kind.MINUTES:
        if isinstance(raw, datetime.timedelta):
            raw = raw.total_seconds()
        value = round(float(raw) / 60 if column.from_seconds else float(raw), 1)
        return int(value) if value.is_integer() else value
    if isinstance(raw, datetime.datetime):
        moment = _local(raw)
        if kind in (Kind.DATETIME, Kind.TIMESTAMP):
            return moment
        raw = moment.date()
    if not isinstance(raw, datetime.date):
        raise TypeError(f"{column.header}: {raw!r} is not a date")
    if kind is Kind.MONTH:
        return raw.replace(day=1)
    if kind is Kind.DATE:
        return raw
    return datetime.datetime.combine(raw, datetime.time())


def row_values(columns: Sequence[Column], obj: Any, *, clear: bool = False) -> list[Any]:
    return [
        typed_value(c, _read(obj, c.clear if clear and c.clear is not None else c.accessor, i))
        for i, c in enumerate(columns)
    ]


def _records(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, models.QuerySet):
        return rows.iterator(chunk_size=2000)
    return iter(rows)


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[ColumnLike]
    rows: Iterable[Any]
    #: rows written after the data, read like the data (合计)
    footer: Sequence[Any] = ()


#: A cell starting with one of these is run as a formula by Excel, WPS and LibreOffice when the text
#: is typed or opened from CSV (``=HYPERLINK(…)`` in a bank file; ``+``, ``-`` and ``@`` start formulas
#: too, and a leading tab or carriage return hides one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    return len(value) > 1 and value.startswith(FORMULA_START)


def _typed_row(ws: Worksheet, columns: Sequence[Column], values: list[Any]) -> list[WriteOnlyCell]:
    cells = []
    for column, value in zip(columns, values, strict=True):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # user text stays text: "=1+1" is no formula, "#N/A" no error
            if looks_like_formula(value):
                # The text is kept as it is, and marked as Excel marks '=… typed by hand: editing the
                # cell keeps it text instead of running it.
                cell.quotePrefix = True
        if value is None:
            pass
        elif column.kind is not Kind.AUTO:
            cell.number_format = NUMBER_FORMATS[column.kind]
        elif isinstance(value, datetime.date):  # a datetime is a date too
            cell.number_format = NUMBER_FORMATS[
                Kind.DATETIME if isinstance(value, datetime.datetime) else Kind.DATE
            ]
        cells.append(cell)
    return cells


def write_xlsx(out: BinaryIO, sheets: Sequence[Sheet], *, clear: bool = False) -> list[int]:
    """Stream each sheet under a bold, frozen header row; returns the data rows written per sheet."""
    wb = Workbook(write_only=True)
    counts = []
    for sheet in sheets:
        columns = as_columns(sheet.columns)
        headers = [c.header for c in columns]
        ws = wb.create_sheet(sheet_title(sheet.title, "Sheet1"))
        ws.freeze_panes = "A2"
        set_widths(ws, headers, minimum=10, at_least=[_MIN_WIDTH.get(c.kind, 0) for c in columns])
        ws.append(header_row(ws, headers))
        count = 0
        for obj in _records(sheet.rows):
            ws.append(_typed_row(ws, columns, row_values(columns, obj, clear=clear)))
            count += 1
        for obj in sheet.footer:
            ws.append(_typed_row(ws, columns, row_values(columns, obj, clear=clear)))
        counts.append(count)
    wb.save(out)
    return counts


def xlsx_bytes(sheets: Sequence[Sheet], *, clear: bool = False) -> tuple[bytes, int]:
    """The workbook and the number of data rows on its first sheet."""
    buffer = io.BytesIO()
    with records_language():
        counts = write_xlsx(buffer, sheets, clear=clear)
    return buffer.getvalue(), counts[0] if counts else 0


def csv_bytes(
    columns: Sequence[ColumnLike], rows: Iterable[Any], *, clear: bool = False
) -> tuple[bytes, int]:
    """The same columns as CSV (UTF-8 with BOM, which Excel and WPS open as Chinese), shown as in the
    xlsx: money with two decimals, dates as 2026-03-01, months as 2026年3月."""
    typed = as_columns(columns)
    text_out = io.StringIO()
    writer = csv.writer(text_out)
    writer.writerow([c.header for c in typed])
    count = 0
    with records_language():
        for obj in _records(rows):
            writer.writerow(
                [_csv_text(c, v) for c, v in zip(typed, row_values(typed, obj, clear=clear), strict=True)]
            )
            count += 1
    return text_out.getvalue().encode("utf-8-sig"), count


def _csv_text(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind is Kind.MONEY:
        return f"{value:.2f}"
    if column.kind is Kind.MONTH:
        return f"{value.year}年{value.month}月"
    if column.kind is Kind.DATE:
        return value.isoformat()
    if column.kind is Kind.DATETIME:
        return f"{value:%Y-%m-%d %H:%M}"
    if column.kind is Kind.TIMESTAMP:
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, str) and looks_like_formula(value):
        # A CSV cell has no type: the apostrophe makes a spreadsheet read it as text (OWASP CSV injection).
        return "'" + value
    return str(value)


def download(content: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def clear_fields(columns: Sequence[ColumnLike]) -> list[str]:
    """Headers of the columns a clear export shows unmasked (recorded in the access log)."""
    return [c.header for c in as_columns(columns) if c.clear is not None]


def export_response(
    qs: Iterable[Any],
    columns: Sequence[ColumnLike],
    *,
    filename: str | Promise,
    user: Any,
    object_type: str,
    query: str = "",
    clear_reason: str | None = None,
) -> HttpResponse:
    """The filtered list as .xlsx, logged; ``clear_reason`` (checked by the caller) unmasks it."""
    clear = clear_reason is not None
    with records_language():
        filename = str(filename)
    content, count = xlsx_bytes([Sheet(filename, columns, qs)], clear=clear)
    audit.record_access(
        actor=user,
        kind=AccessLog.Kind.EXPORT,
        object_type=object_type,
        area_path=home_path(user),
        fields=clear_fields(columns) if clear else (),
        reason=clear_reason or "",
        row_count=count,
        query=query,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(content, f"{filename}{'-明文' if clear else ''}-{stamp}.xlsx")


__all__ = [
    "XLSX_TYPE",
    "Column",
    "Kind",
    "Sheet",
    "as_columns",
    "clear_fields",
    "csv_bytes",
    "date",
    "datetime_",
    "download",
    "export_response",
    "integer",
    "looks_like_formula",
    "minutes",
    "money",
    "month",
    "number",
    "percent",
    "row_values",
    "text",
    "typed_value",
    "write_xlsx",
    "xlsx_bytes",
]
