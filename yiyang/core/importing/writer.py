"""xlsx output for the import workflow: annotated error copies and blank templates.

Exports are written by ``yiyang.core.exporting``, which shares the header and width helpers.

Everything that can be large is written with openpyxl's write-only mode, which
streams rows to disk instead of building the sheet in memory.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .columns import ColumnSpec, normalize_header
from .reader import TableReader

__all__ = [
    "ERROR_COLUMN",
    "ERROR_SHEET",
    "ROW_NUMBER_COLUMN",
    "CellIssue",
    "excel_value",
    "header_row",
    "set_widths",
    "sheet_title",
    "write_annotated_copy",
    "write_template",
]

ROW_NUMBER_COLUMN: Final = "原行号"
ERROR_COLUMN: Final = "错误说明"
ERROR_SHEET: Final = "错误清单"
INSTRUCTIONS_SHEET: Final = "填写说明"
TEMPLATE_ROWS: Final = 1000

BAD_FILL: Final = PatternFill(fill_type="solid", start_color="FFC7CE", end_color="FFC7CE")
_BAD_FONT: Final = Font(color="9C0006")
_BOLD: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill(fill_type="solid", start_color="D9D9D9", end_color="D9D9D9")
_REQUIRED_FONT: Final = Font(bold=True, color="C00000")
_EXAMPLE_FONT: Final = Font(italic=True, color="808080")
_WRAP: Final = Alignment(wrap_text=True, vertical="top")

_MAX_CELL_CHARS: Final = 32767
# Excel keeps 15 significant digits; from 11 digits on (mobile numbers, ID
# numbers) a number is an identifier and must be shown as typed.
_TEXT_DIGITS_FROM: Final = 10**10
_SHEET_TITLE_BAD_CHARS = re.compile(r"[\[\]:*?/\\：]")


@dataclass(frozen=True)
class CellIssue:
    row: int
    """Sheet row number, as in ``RawRow.number``."""
    column: str
    """Header text as in the file (or the label); "" for whole-row problems."""
    field: str
    """Field name; "" for whole-row problems."""
    value: str
    message: str


# --------------------------------------------------------------------------- values


def excel_value(value: object) -> object:
    """Convert a value for an xlsx cell without losing what the user typed.

    Long integers become text (Excel would round an 18-digit ID number to 15
    significant digits and show it as 1.10101E+17); characters that XML
    cannot carry are dropped rather than failing the whole export.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _clean_text(value) or None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= _TEXT_DIGITS_FROM else value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) >= _TEXT_DIGITS_FROM:
            return str(int(value))
        return value
    if isinstance(value, datetime.datetime):
        # Excel has no time zones; keep the wall-clock time the user saw.
        return value.replace(tzinfo=None)
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta, Decimal)):
        return value
    return _clean_text(str(value)) or None


def _clean_text(text: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > _MAX_CELL_CHARS:
        text = text[: _MAX_CELL_CHARS - 1] + "…"
    return text


def _needs_cell(value: object) -> bool:
    # openpyxl infers formulas from a leading "=" and error values from "#N/A"
    # and friends; user text must stay text.
    return isinstance(value, str) and value[:1] in ("=", "#")


def _cell(ws: Worksheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _plain_row(ws: Worksheet, values: Iterable[object]) -> list[object]:
    row: list[object] = []
    for raw in values:
        value = excel_value(raw)
        row.append(_cell(ws, value) if _needs_cell(value) else value)
    return row


def sheet_title(name: str, fallback: str) -> str:
    cleaned = _SHEET_TITLE_BAD_CHARS.sub("", name).strip("' ")[:31]
    return cleaned or fallback


def header_row(
    ws: Worksheet, headers: Sequence[str], *, error_header: str | None = None
) -> list[WriteOnlyCell]:
    cells = []
    for text in headers:
        cell = _cell(ws, _clean_text(text) or None)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cells.append(cell)
    if error_header is not None:
        cell = _cell(ws, error_header)
        cell.font = Font(bold=True, color="9C0006")
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells


def _display_width(text: str) -> float:
    # CJK characters take two columns in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def set_widths(
    ws: Worksheet,
    headers: Sequence[str],
    *,
    minimum: float = 8,
    maximum: float = 40,
    at_least: Sequence[float] = (),
) -> None:
    """Column widths from the headers; ``at_least`` per column keeps dates from showing as ####."""
    for index, text in enumerate(headers, start=1):
        floor = max(minimum, at_least[index - 1] if index <= len(at_least) else 0)
        width = min(max(_display_width(text) + 4, floor), maximum)
        ws.column_dimensions[get_column_letter(index)].width = width


# --------------------------------------------------------------------------- annotated copy


def write_annotated_copy(
    reader_factory: Callable[[], TableReader],
    issues: Sequence[CellIssue],
    out: BinaryIO,
    *,
    columns: Sequence[ColumnSpec],
) -> None:
    """Write the source's data rows with bad cells marked, plus a sheet listing every issue.

    The copy is meant to be fixed and uploaded again: its header row is the
    original one (plus "原行号" and "错误说明", which the importer reports as
    unknown columns and otherwise ignores).
    """
    reader = reader_factory()
    try:
        _write_annotated(reader, issues, out, columns)
    finally:
        reader.close()


def _write_annotated(
    reader: TableReader, issues: Sequence[CellIssue], out: BinaryIO, columns: Sequence[ColumnSpec]
) -> None:
    header_cells = reader.header_cells
    width = len(header_cells)
    column_of = _issue_column_resolver(reader, columns)

    # row -> column index (None: whole row) -> issues, kept in the given order.
    by_row: dict[int, dict[int | None, list[CellIssue]]] = defaultdict(lambda: defaultdict(list))
    for issue in issues:
        by_row[issue.row][column_of(issue)].append(issue)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(reader.sheet_name or "", "数据"))
    ws.freeze_panes = "A2"
    set_widths(ws, [ROW_NUMBER_COLUMN, *header_cells])
    ws.column_dimensions[get_column_letter(width + 2)].width = 60
    ws.append(header_row(ws, [ROW_NUMBER_COLUMN, *header_cells], error_header=ERROR_COLUMN))

    for raw in reader.rows():
        cells = raw.cells[:width]
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        row_issues = by_row.get(raw.number)
        if not row_issues:
            ws.append([raw.number, *_plain_row(ws, cells)])
            continue
        out_row: list[object] = [raw.number]
        notes: list[str] = []
        for index, value in enumerate(cells):
            converted = excel_value(value)
            cell_issues = row_issues.get(index)
            if not cell_issues:
                out_row.append(_cell(ws, converted) if _needs_cell(converted) else converted)
                continue
            cell = _cell(ws, converted)
            cell.fill = BAD_FILL
            cell.font = _BAD_FONT
            reasons = "\n".join(issue.message for issue in cell_issues)
            comment = Comment(_clean_text(reasons), "系统校验")
            comment.width = 240
            comment.height = 40 + 20 * len(cell_issues)
            cell.comment = comment
            out_row.append(cell)
            label = header_cells[index] or cell_issues[0].column
            notes.extend(f"{label}：{issue.message}" for issue in cell_issues)
        # Issues on columns the copy does not show (or on the row as a whole).
        for key, key_issues in row_issues.items():
            if key is None or key >= width:
                notes.extend(f"{i.column}：{i.message}" if i.column else i.message for i in key_issues)
        note_cell = _cell(ws, _clean_text("；".join(notes)))
        note_cell.font = _BAD_FONT
        out_row.append(note_cell)
        ws.append(out_row)

    _write_issue_list(wb, issues, column_of)
    wb.save(out)


def _issue_column_resolver(
    reader: TableReader, columns: Sequence[ColumnSpec]
) -> Callable[[CellIssue], int | None]:
    field_index = reader.header.columns
    by_text: dict[str, int] = {}
    for index, text in enumerate(reader.header_cells):
        if text:
            by_text.setdefault(text, index)
            by_text.setdefault(normalize_header(text), index)
    field_by_label = {normalize_header(spec.label): spec.field for spec in columns}

    def column_of(issue: CellIssue) -> int | None:
        if issue.field:
            return field_index.get(issue.field)
        if not issue.column:
            return None
        if issue.column in by_text:
            return by_text[issue.column]
        key = normalize_header(issue.column)
        if key in by_text:
            return by_text[key]
        field_name = field_by_label.get(key)
        return field_index.get(field_name) if field_name else None

    return column_of


def _write_issue_list(
    wb: Workbook, issues: Sequence[CellIssue], column_of: Callable[[CellIssue], int | None]
) -> None:
    ws = wb.create_sheet(ERROR_SHEET)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCD", (8, 16, 30, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append(header_row(ws, ["行号", "列", "值", "错误说明"]))

    def order(issue: CellIssue) -> tuple[int, int]:
        index = column_of(issue)
        return issue.row, -1 if index is None else index

    for issue in sorted(issues, key=order):
        ws.append(_plain_row(ws, [issue.row, issue.column, issue.value, issue.message]))


# --------------------------------------------------------------------------- template


def write_template(
    columns: Sequence[ColumnSpec],
    out: BinaryIO,
    *,
    title: str,
    example_rows: Sequence[Mapping[str, object]] = (),
) -> None:
    """Write an import template: title row, header row, example rows and a "填写说明" sheet.

    The title row above the header mirrors the registries people already
    keep; the reader skips it.
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title(title, "数据") if len(title) <= 31 else "数据"
    count = len(columns)
    last_letter = get_column_letter(count)
    header_row, first_row = 2, 3
    last_row = first_row + TEMPLATE_ROWS - 1

    ws.cell(row=1, column=1, value=_clean_text(title) or None).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    if count > 1:
        ws.merge_cells(f"A1:{last_letter}1")
    ws.row_dimensions[1].height = 28

    for index, spec in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=header_row, column=index, value=("*" if spec.required else "") + spec.label)
        cell.font = _REQUIRED_FONT if spec.required else Font(bold=False)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = 22 if spec.text_format else 10
        ws.column_dimensions[letter].width = max(width, _display_width(spec.label) + 4)
        if spec.text_format:
            # Both the column default (for rows typed beyond the first 1000) and
            # each cell (WPS ignores column defaults on some versions).
            ws.column_dimensions[letter].number_format = "@"
            for row in range(first_row, last_row + 1):
                ws.cell(row=row, column=index).number_format = "@"

    _add_dropdowns(wb, ws, columns, first_row=first_row, last_row=last_row)

    for offset, example in enumerate(example_rows):
        for index, spec in enumerate(columns, start=1):
            value = excel_value(example.get(spec.field))
            if spec.text_format and value is not None and not isinstance(value, str):
                value = str(value)
            cell = ws.cell(row=first_row + offset, column=index)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
            cell.font = _EXAMPLE_FONT

    ws.freeze_panes = f"A{first_row}"
    _write_instructions(wb, columns, has_examples=bool(example_rows))
    wb.save(out)


def _add_dropdowns(
    wb: Workbook, ws: Worksheet, columns: Sequence[ColumnSpec], *, first_row: int, last_row: int
) -> None:
    lists_ws: Worksheet | None = None
    lists_used = 0
    for index, spec in enumerate(columns, start=1):
        if not spec.choices:
            continue
        inline = ",".join(spec.choices)
        # Excel caps an inline list at 255 characters and cannot escape commas
        # or quotes in it; longer lists live on a hidden sheet.
        if len(inline) <= 250 and '"' not in inline and all("," not in c for c in spec.choices):
            formula = f'"{inline}"'
        else:
            if lists_ws is None:
                lists_ws = wb.create_sheet("选项")
                lists_ws.sheet_state = "hidden"
            lists_used += 1
            letter = get_column_letter(lists_used)
            for row, choice in enumerate(spec.choices, start=1):
                lists_ws.cell(row=row, column=lists_used, value=_clean_text(choice)).data_type = "s"
            formula = f"'选项'!${letter}$1:${letter}${len(spec.choices)}"
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入有误",
            error=f"请从下拉列表中选择“{spec.label}”",
        )
        column_letter = get_column_letter(index)
        validation.add(f"{column_letter}{first_row}:{column_letter}{last_row}")
        ws.add_data_validation(validation)


def _write_instructions(wb: Workbook, columns: Sequence[ColumnSpec], *, has_examples: bool) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    headers = ["列名", "是否必填", "也可写作", "可选值", "填写说明"]
    for index, (text, width) in enumerate(zip(headers, (16, 10, 36, 30, 60), strict=True), start=1):
        cell = ws.cell(row=1, column=index, value=text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    for row, spec in enumerate(columns, start=2):
        values = [
            spec.label,
            "必填" if spec.required else "选填",
            "、".join(spec.synonyms),
            "、".join(spec.choices),
            spec.help,
        ]
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index, value=_clean_text(value) or None)
            cell.alignment = _WRAP
            if index == 1 and spec.required:
                cell.font = _REQUIRED_FONT
    notes = [
        "注意事项：",
        "1. 带 * 的列为必填；列的顺序可以调整，列名也可以使用“也可写作”中的写法。",
        "2. 表头上方可以保留标题行，表格末尾的“填表人、审核人、填表日期”等签字行会被自动跳过。",
        "3. 身份证号、联系电话等列已设置为文本格式，请勿改为数字格式，否则长数字的末几位会丢失。",
        "4. 支持 .xlsx、.xls 与 .csv 文件；有错误时整批都不会导入，系统会返回标注了错误的表格。",
    ]
    if has_examples:
        notes.append("5. 灰色斜体的行是填写示例，导入前请删除。")
    start = len(columns) + 3
    for offset, note in enumerate(notes):
        cell = ws.cell(row=start + offset, column=1, value=note)
        if offset == 0:
            cell.font = _BOLD
    ws.freeze_panes = "A2"
