"""Streaming reader for messy registry spreadsheets (xlsx/xls/ods via calamine, CSV via csv).

The reader finds the header row below any title lines, maps columns to
:class:`ColumnSpec` fields, fills vertically merged cells and skips blank,
title and signature/footer rows, reporting every skip with its row number so
the user can check nothing was silently lost.  It deliberately does not
validate or convert values: that belongs to the validators, which need the
raw value (an ID number typed as a number, a date written as "1950年1月1日")
to produce a precise message.

Merged cells: python-calamine (0.9) reports merged ranges for .xlsx/.xls
(``CalamineSheet.merged_cell_ranges``) and leaves every covered cell empty.
In the first rows a merge is spread over its whole range so group labels and
vertically merged header cells reach the real header line; in the data area a
vertically merged value is copied down its own column (whether or not the
column is ``fill_merged``), never sideways.  For .ods calamine reports no
ranges and CSV has none, so covered cells stay empty there and surface as
missing values.  Formula cells read as their cached result; files written by
tools that store no cached results read as empty.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import BinaryIO, Final, TypeAlias, cast

from python_calamine import (
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from .columns import ColumnSpec, normalize_header

__all__ = [
    "CSV_EXTENSIONS",
    "EXCEL_EXTENSIONS",
    "FOOTER_REASON_PREFIX",
    "HEADER_SCAN_ROWS",
    "REASON_BLANK",
    "REASON_ONLY_UNMAPPED",
    "REASON_REPEATED_HEADER",
    "REASON_TITLE",
    "SECTION_REASON_PREFIX",
    "HeaderMatch",
    "ImportFileError",
    "RawRow",
    "Source",
    "TableReader",
    "column_letter",
    "open_table",
]

EXCEL_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
CSV_EXTENSIONS: Final = frozenset({".csv", ".txt"})

HEADER_SCAN_ROWS: Final = 20
_CSV_SAMPLE_CHARS: Final = 64 * 1024
_CSV_CHUNK_BYTES: Final = 1024 * 1024
_CSV_DELIMITERS: Final = (",", "\t", ";", "|")
# At least this wide and a merged cell in the data area is a section title
# ("金沙社区"), not a value that happens to span two columns.
_SECTION_MERGE_MIN_COLUMNS: Final = 3

REASON_BLANK: Final = "空行"
REASON_ONLY_UNMAPPED: Final = "空行（仅未识别的列有内容）"
REASON_TITLE: Final = "标题行"
REASON_REPEATED_HEADER: Final = "重复的表头行"
FOOTER_REASON_PREFIX: Final = "表尾签字/备注行："
SECTION_REASON_PREFIX: Final = "分组标题行："

Source: TypeAlias = "str | os.PathLike[str] | bytes | BinaryIO"
_Cells: TypeAlias = "list[object]"


class ImportFileError(Exception):
    """A problem with the file as a whole; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class HeaderMatch:
    row_number: int
    """1-based sheet row of the header; for a two-line header, the lower line."""
    columns: dict[str, int]
    """field -> 0-based column index within the yielded rows (``RawRow.cells``), in column order."""
    headers: dict[str, str]
    """field -> header text as written in the file."""
    unknown_headers: list[str]
    missing_required: list[str]
    """Always empty on a reader that was returned: missing required columns raise ImportFileError."""


@dataclass(slots=True)
class RawRow:
    number: int
    values: dict[str, object]
    """Only fields whose column was found; ``None`` for empty or whitespace-only cells."""
    cells: list[object] = field(default_factory=list, repr=False, compare=False)
    """The whole row as read (merged values filled), aligned with ``TableReader.header_cells``.

    Empty cells are ``""`` here.  The annotated copy needs every column, not
    just the mapped ones.
    """


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters ("A", "AB")."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- header matching

# normalize_header applies NFKC first, so full-width brackets arrive as ASCII.
_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>|《[^《》]*》")


@dataclass(frozen=True)
class _Hit:
    field: str
    exact: bool


class _HeaderMatcher:
    def __init__(self, columns: Sequence[ColumnSpec]) -> None:
        self.specs = {spec.field: spec for spec in columns}
        if len(self.specs) != len(columns):
            raise ValueError("duplicate field in column specs")
        self.exact: dict[str, str] = {}
        contains: list[tuple[str, str]] = []
        for spec in columns:
            for name in spec.names:
                key = normalize_header(name)
                if key and key not in self.exact:
                    self.exact[key] = spec.field
                # One-character names ("名") would be found inside almost any header.
                if len(key) >= 2:
                    contains.append((key, spec.field))
        # Longest first so "紧急联系人电话" beats "电话"; sorted() is stable, so
        # equally long names keep spec order.
        self.contains = sorted(contains, key=lambda item: -len(item[0]))
        self._cache: dict[str, _Hit | None] = {}

    def match(self, text: str) -> _Hit | None:
        if text in self._cache:
            return self._cache[text]
        hit = self._match(text)
        # Bounded because repeated-header probing can feed it arbitrary data values.
        if len(self._cache) < 10_000:
            self._cache[text] = hit
        return hit

    def _match(self, text: str) -> _Hit | None:
        key = normalize_header(text)
        if not key:
            return None
        if key in self.exact:
            return _Hit(self.exact[key], True)
        # "身份证号码(18位)", "年龄(周岁)": the bracket is a note, not part of the name.
        stripped = _BRACKETED_RE.sub("", key) or key
        if stripped in self.exact:
            return _Hit(self.exact[stripped], True)
        for name, field_name in self.contains:
            # The name must be at least half the header: "老人身份证号码" is the
            # ID column, but "紧急联系人电话" is not the elder's "电话" and a
            # title such as "XX社区老年人信息台账" is not the "社区" column.
            if name in stripped and 2 * len(name) >= len(stripped):
                return _Hit(field_name, False)
        return None


@dataclass
class _Assignment:
    columns: dict[str, int]
    headers: dict[str, str]
    unknown: list[str]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _assign(cells: Sequence[object], matcher: _HeaderMatcher) -> _Assignment:
    """Map header cells to fields: exact matches first, then "contains" matches.

    Exact matches go first so a column literally named "身份证号" wins over an
    earlier "原身份证号(已注销)" that merely contains the name.
    """
    texts = [_cell_text(cell) for cell in cells]
    hits = [matcher.match(text) if text else None for text in texts]
    columns: dict[str, int] = {}
    duplicate_of: dict[int, str] = {}
    for exact_pass in (True, False):
        for index, hit in enumerate(hits):
            if hit is None or hit.exact is not exact_pass:
                continue
            if hit.field in columns:
                duplicate_of[index] = hit.field
            else:
                columns[hit.field] = index
    used = set(columns.values())
    unknown: list[str] = []
    for index, text in enumerate(texts):
        if not text or index in used:
            continue
        if index in duplicate_of:
            field_name = duplicate_of[index]
            first = columns[field_name]
            label = matcher.specs[field_name].label
            here, there = column_letter(index), column_letter(first)
            unknown.append(f"{text}（第 {here} 列与第 {there} 列都对应“{label}”，已忽略此列）")
        else:
            unknown.append(text)
    ordered = dict(sorted(columns.items(), key=lambda item: item[1]))
    return _Assignment(ordered, {f: texts[i] for f, i in ordered.items()}, unknown)


def _looks_like_sub_header(cells: Sequence[object], matcher: _HeaderMatcher) -> bool:
    """Whether a row next to the header is a second header line rather than data or a title.

    Data rows rarely contain an exact column name, so requiring one exact match
    and at least half of the non-empty cells matching keeps a first data row
    ("张三, 男, …, 金沙社区") from being swallowed.
    """
    non_empty = [text for text in (_cell_text(cell) for cell in cells) if text]
    if not non_empty:
        return False
    matched = [hit for hit in (matcher.match(text) for text in non_empty) if hit is not None]
    return any(hit.exact for hit in matched) and 2 * len(matched) >= len(non_empty)


def _overlay(
    base: Sequence[object], top: Sequence[object], *, use_top: Callable[[object], bool]
) -> list[object]:
    combined: list[object] = []
    for index in range(max(len(base), len(top))):
        b = base[index] if index < len(base) else ""
        t = top[index] if index < len(top) else ""
        combined.append(t if use_top(t) else b)
    return combined


@dataclass
class _HeaderResult:
    first_index: int
    """Index (into the scanned rows) of the first header line."""
    last_index: int
    cells: list[object]
    assignment: _Assignment


def _find_header(rows: Sequence[Sequence[object]], matcher: _HeaderMatcher) -> _HeaderResult | None:
    best_index = -1
    best: _Assignment | None = None
    for index, row in enumerate(rows):
        assignment = _assign(row, matcher)
        # Strictly more, so ties go to the earliest row.
        if len(assignment.columns) > (len(best.columns) if best else 0):
            best_index, best = index, assignment
    if best is None or not _is_header_found(best, matcher):
        return None
    first = last = best_index
    cells = list(rows[best_index])
    score = len(best.columns)

    # Two-line headers whose merges were lost (CSV, .ods): the line below may
    # name columns that the best line leaves blank or covers with a group label ...
    if last + 1 < len(rows) and _looks_like_sub_header(rows[last + 1], matcher):
        combined = _overlay(
            cells, rows[last + 1], use_top=lambda value: matcher.match(_cell_text(value)) is not None
        )
        candidate = _assign(combined, matcher)
        if len(candidate.columns) > score:
            cells, best, score, last = combined, candidate, len(candidate.columns), last + 1
    # ... and the line above may name columns left blank in the best line.
    if first > 0 and _looks_like_sub_header(rows[first - 1], matcher):
        combined = _overlay(rows[first - 1], cells, use_top=lambda value: _cell_text(value) != "")
        candidate = _assign(combined, matcher)
        if len(candidate.columns) > score:
            cells, best, first = combined, candidate, first - 1
    return _HeaderResult(first, last, cells, best)


def _is_header_found(assignment: _Assignment, matcher: _HeaderMatcher) -> bool:
    # Two matching columns are no coincidence; a lone exact match still counts
    # so the user hears "缺少必填列：身份证号" rather than "未找到表头".
    if len(assignment.columns) >= min(2, len(matcher.specs)):
        return True
    ((field_name, _),) = assignment.columns.items()
    return matcher.match(assignment.headers[field_name]) == _Hit(field_name, True)


def _no_header_message(columns: Sequence[ColumnSpec]) -> str:
    wanted = [spec.label for spec in columns if spec.required] or [spec.label for spec in columns]
    return f"未找到表头：前 {HEADER_SCAN_ROWS} 行中没有与模板匹配的列名（需要：{'、'.join(wanted)}）"


# --------------------------------------------------------------------------- row classification

_FOOTER_START_RE = re.compile(
    r"[\s\u3000]*(?:填表|填报|制表|制单|审核|审批|审定|复核|负责人|经办|统计人|统计员|报送|"
    r"签字|签名|签章|盖章|[(（]\s*(?:盖章|公章)|公章|备注|说明|合计|总计|小计|共计|总数|"
    r"日期\s*[:：]|联系人\s*[:：]|联系电话\s*[:：]|电话\s*[:：]|单位\s*[:：]|注\s*[:：\d１-９]|附\s*[:：]|"
    r"分管领导|主管领导|领导签)"
)
# First characters of everything _FOOTER_START_RE accepts (plus leading space):
# lets the hot loop skip the regex for ordinary data rows.
_FOOTER_FIRST_CHARS: Final = frozenset("填制审复负经统报签盖(（公备说合总小共日联电单注附分主领 \t\u3000")
# A footer label anywhere in a cell: "审核人：" sitting in the ID column must not make the row look like data.
_FOOTER_LABEL_RE = re.compile(
    r"(?:填表|填报|制表|制单|审核|审批|复核|负责人|经办|统计|签字|签名|盖章|日期|联系人|电话|单位|备注|说明|合计|总计)"
    r"[^:：]{0,6}[:：]|盖章|公章"
)
# "536", "536 人": a total, never a name, ID number or phone.
_COUNT_RE = re.compile(r"[\s\u3000]*[\d,，.]{1,7}[\s\u3000]*[人户名位个条项]?[\s\u3000]*")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _footer_text(cells: Sequence[object]) -> str | None:
    """The row's first non-empty cell if it starts like a signature/remark line."""
    for value in cells:
        if _is_empty(value):
            continue
        if isinstance(value, str) and _FOOTER_START_RE.match(value):
            return value
        return None
    return None


def _looks_like_data(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return not (
            _FOOTER_LABEL_RE.search(value) or _FOOTER_START_RE.match(value) or _COUNT_RE.fullmatch(value)
        )
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        # ID numbers and phones typed as numbers are large; totals are small.
        return abs(value) >= 1_000_000
    # Dates are ambiguous: "填表日期：" is often followed by a real date cell.
    return False


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_summary(cells: Sequence[object]) -> str:
    return _clip(" ".join(_cell_text(v) for v in cells if not _is_empty(v)))


# --------------------------------------------------------------------------- merged cells


@dataclass(frozen=True)
class _Merge:
    first_row: int
    last_row: int
    column: int
    """0-based index within the yielded rows."""


@dataclass
class _MergeInfo:
    vertical: list[_Merge]
    """Sorted by first_row; rows are 0-based sheet rows."""
    section_rows: frozenset[int]
    """0-based sheet rows carrying a wide horizontal merge (section titles)."""
    covered: dict[tuple[int, int], tuple[int, int]]
    """(row, col) -> anchor (row, col) for each covered cell in the header scan area."""


_NO_MERGES: Final = _MergeInfo([], frozenset(), {})


def _merge_info(
    ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]], *, col_offset: int, width: int, scan_rows: int
) -> _MergeInfo:
    vertical: list[_Merge] = []
    section_rows: set[int] = set()
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0_abs), (r1, c1_abs) in ranges:
        c0, c1 = c0_abs - col_offset, c1_abs - col_offset
        if r1 < r0 or c1 < c0 or c1 < 0 or c0 >= width:
            continue
        c0, c1 = max(c0, 0), min(c1, width - 1)
        if r1 > r0:
            # A block merge belongs to its left column only: copying it sideways
            # would put one field's value into another field.
            vertical.append(_Merge(r0, r1, c0))
        if c1 - c0 + 1 >= _SECTION_MERGE_MIN_COLUMNS:
            section_rows.add(r0)
        # In the header area a merge applies in both directions: a group
        # label spans its columns and a vertically merged "姓名" belongs to
        # both lines of a two-line header.
        for r in range(r0, min(r1, scan_rows - 1) + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = (r0, c0)
    vertical.sort(key=lambda merge: merge.first_row)
    return _MergeInfo(vertical, frozenset(section_rows), covered)


# --------------------------------------------------------------------------- the reader


class TableReader:
    """An opened file with its header located; iterate :meth:`rows` for the data.

    ``rows()`` streams and may itself raise :class:`ImportFileError` (a CSV
    that stops decoding half-way, a malformed line), so callers must treat
    the whole iteration as the unit that succeeds or fails.
    """

    header: HeaderMatch
    sheet_name: str | None
    skipped: list[tuple[int, str]]
    header_cells: list[str]
    """The header row as found (both lines combined for a two-line header)."""

    def __init__(
        self,
        *,
        header: HeaderMatch,
        sheet_name: str | None,
        header_cells: list[str],
        pre_header_skips: list[tuple[int, str]],
        columns: Sequence[ColumnSpec],
        data_rows: Callable[[], Iterator[_Cells]],
        first_data_number: int,
        merges: _MergeInfo,
        closer: Callable[[], None] | None = None,
    ) -> None:
        self.header = header
        self.sheet_name = sheet_name
        self.header_cells = header_cells
        self.skipped = list(pre_header_skips)
        self._pre_header_skips = pre_header_skips
        self._columns = columns
        self._data_rows = data_rows
        self._first_data_number = first_data_number
        self._merges = merges
        self._closer = closer

    def close(self) -> None:
        if self._closer is not None:
            closer, self._closer = self._closer, None
            closer()

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def rows(self) -> Iterator[RawRow]:
        """Stream the data rows; calling it again re-reads from the top and resets ``skipped``."""
        self.skipped = list(self._pre_header_skips)
        return self._rows(self.skipped)

    def _rows(self, skipped: list[tuple[int, str]]) -> Iterator[RawRow]:
        # One hot loop, kept flat and using locals: it runs once per row of files
        # with millions of rows.
        header = self.header
        fields = tuple(header.columns)
        field_count = len(fields)
        indices = tuple(header.columns.values())
        need = max(indices) + 1
        pick: Callable[[_Cells], tuple[object, ...]]
        if len(indices) > 1:
            pick = itemgetter(*indices)
        else:
            only = indices[0]

            def pick(cells: _Cells) -> tuple[object, ...]:
                return (cells[only],)

        required = {spec.field for spec in self._columns if spec.required}
        guard = [f for f in fields if f in required] or list(fields)
        header_texts = frozenset(text for text in header.headers.values() if text)
        probe_col = indices[0]
        field_at = {index: f for f, index in header.columns.items()}
        footer_first = _FOOTER_FIRST_CHARS

        vertical = self._merges.vertical
        section_rows = self._merges.section_rows
        merge_pos = 0
        never = 1 << 62
        next_merge_row = vertical[0].first_row if vertical else never
        # (last_row, column, value, field or None)
        active: list[tuple[int, int, object, str | None]] = []

        blank_from = 0
        blank_to = -1

        number = self._first_data_number - 1
        for cells in self._data_rows():
            number += 1
            sheet_row = number - 1
            if len(cells) < need:
                cells = cells + [""] * (need - len(cells))
            picked = [None if isinstance(v, str) and (not v or v.isspace()) else v for v in pick(cells)]
            values = dict(zip(fields, picked, strict=True))

            # Capture the value of merges that start here before any skip
            # decision, so a 社区 block keeps its name whatever happens to its first row.
            while next_merge_row <= sheet_row:
                merge = vertical[merge_pos]
                merge_pos += 1
                next_merge_row = vertical[merge_pos].first_row if merge_pos < len(vertical) else never
                if merge.first_row == sheet_row and merge.column < len(cells):
                    anchor = cells[merge.column]
                    if not _is_empty(anchor):
                        active.append((merge.last_row, merge.column, anchor, field_at.get(merge.column)))

            if picked.count(None) == field_count:
                reason = REASON_BLANK
                if not all(_is_empty(v) for v in cells):
                    footer = _footer_text(cells)
                    if footer is not None:
                        reason = FOOTER_REASON_PREFIX + _clip(footer)
                    elif sheet_row in section_rows:
                        reason = SECTION_REASON_PREFIX + _row_summary(cells)
                    else:
                        reason = REASON_ONLY_UNMAPPED
                if reason == REASON_BLANK:
                    # Blank runs are recorded only once data follows them, so the
                    # thousands of formatted-but-empty rows at the end of many
                    # sheets are not reported.
                    if blank_to != number - 1:
                        skipped.extend((n, REASON_BLANK) for n in range(blank_from, blank_to + 1))
                        blank_from = number
                    blank_to = number
                else:
                    if blank_to >= 0:
                        skipped.extend((n, REASON_BLANK) for n in range(blank_from, blank_to + 1))
                        blank_to = -1
                    skipped.append((number, reason))
                continue

            if blank_to >= 0:
                skipped.extend((n, REASON_BLANK) for n in range(blank_from, blank_to + 1))
                blank_to = -1

            first = cells[0]
            if first is None or (isinstance(first, str) and (not first or first[0] in footer_first)):
                footer = _footer_text(cells)
                if footer is not None and not any(_looks_like_data(values[f]) for f in guard):
                    skipped.append((number, FOOTER_REASON_PREFIX + _clip(footer)))
                    continue
            probe = cells[probe_col]
            if isinstance(probe, str) and probe.strip() in header_texts:
                same = sum(1 for f in fields if _cell_text(values[f]) == header.headers[f])
                if 2 * same >= len(fields):
                    skipped.append((number, REASON_REPEATED_HEADER))
                    continue
            if section_rows and sheet_row in section_rows and picked.count(None) == field_count - 1:
                skipped.append((number, SECTION_REASON_PREFIX + _row_summary(cells)))
                continue

            if active:
                still: list[tuple[int, int, object, str | None]] = []
                for item in active:
                    last_row, column, value, field_name = item
                    if sheet_row > last_row:
                        continue
                    still.append(item)
                    if _is_empty(cells[column]):
                        cells[column] = value
                        if field_name is not None:
                            values[field_name] = value
                active = still

            yield RawRow(number, values, cells)


# --------------------------------------------------------------------------- opening


def open_table(
    source: Source,
    *,
    filename: str,
    columns: Sequence[ColumnSpec],
    sheet: str | None = None,
) -> TableReader:
    """Open ``source`` (``filename``'s extension picks the format) and locate its header.

    Raises :class:`ImportFileError` for an unsupported type, an unreadable or
    empty file, no recognisable header in the first 20 rows, or missing
    required columns.  ``sheet`` is ignored for CSV.
    """
    if not columns:
        raise ValueError("columns must not be empty")
    matcher = _HeaderMatcher(columns)
    ext = os.path.splitext(filename.strip().lower())[1]
    if ext in EXCEL_EXTENSIONS:
        return _open_excel(source, matcher=matcher, columns=columns, sheet=sheet)
    if ext in CSV_EXTENSIONS:
        return _open_csv(source, matcher=matcher, columns=columns)
    raise ImportFileError("仅支持 .xlsx、.xls 与 .csv 文件")


def _check_not_empty(source: Source) -> None:
    if isinstance(source, (bytes, bytearray, memoryview)):
        empty = len(source) == 0
    elif isinstance(source, (str, os.PathLike)):
        try:
            empty = os.path.getsize(source) == 0
        except OSError as exc:
            raise ImportFileError("无法打开文件：文件不存在或无法访问") from exc
    else:
        return
    if empty:
        raise ImportFileError("文件是空的")


def _build_reader(
    *,
    found: _HeaderResult,
    scanned: Sequence[Sequence[object]],
    row_base: int,
    columns: Sequence[ColumnSpec],
    matcher: _HeaderMatcher,
    sheet_name: str | None,
    all_rows: Callable[[], Iterator[_Cells]],
    merges: _MergeInfo,
    closer: Callable[[], None] | None,
) -> TableReader:
    assignment = found.assignment
    missing = [spec.label for spec in columns if spec.required and spec.field not in assignment.columns]
    header = HeaderMatch(
        row_number=row_base + found.last_index + 1,
        columns=assignment.columns,
        headers=assignment.headers,
        unknown_headers=assignment.unknown,
        missing_required=missing,
    )
    if missing:
        recognised = "、".join(matcher.specs[f].label for f in assignment.columns) or "无"
        raise ImportFileError(
            f"缺少必填列：{'、'.join(missing)}（表头在第 {header.row_number} 行，已识别的列：{recognised}）"
        )
    pre_header = [
        (row_base + index + 1, REASON_BLANK if all(_is_empty(v) for v in scanned[index]) else REASON_TITLE)
        for index in range(found.first_index)
    ]
    first_data_index = found.last_index + 1

    def data_rows() -> Iterator[_Cells]:
        return islice(all_rows(), first_data_index, None)

    return TableReader(
        header=header,
        sheet_name=sheet_name,
        header_cells=[_cell_text(v) for v in found.cells],
        pre_header_skips=pre_header,
        columns=columns,
        data_rows=data_rows,
        first_data_number=row_base + first_data_index + 1,
        merges=merges,
        closer=closer,
    )


# ----------------------------------------------------------------- excel


def _is_reader_failure(exc: BaseException) -> bool:
    # Corrupt input surfaces as CalamineError, ValueError, OSError ... and, if
    # the Rust side panics, as pyo3's PanicException, which derives from
    # BaseException.  KeyboardInterrupt and friends must still propagate.
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _unreadable(exc: BaseException) -> ImportFileError:
    if isinstance(exc, PasswordError):
        return ImportFileError("文件设置了密码，请取消密码保护后再上传")
    return ImportFileError(
        "文件无法读取，可能已损坏或并非有效的 Excel 文件；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
    )


def _load_workbook(source: Source) -> CalamineWorkbook:
    # from_path trusts the extension (an .xlsx saved as "x.xls" fails);
    # from_filelike sniffs the content, so paths are opened here.
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                return CalamineWorkbook.from_filelike(fh)
        except OSError as exc:
            raise ImportFileError("无法打开文件：文件不存在或无法访问") from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        return CalamineWorkbook.from_filelike(io.BytesIO(bytes(source)))
    return CalamineWorkbook.from_filelike(source)


def _looks_like_text(src: _ByteSource) -> bool:
    with src.open_binary() as stream:
        head = stream.read(8192)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return bool(head) and b"\x00" not in head and not head.lstrip().lower().startswith((b"<", b"{"))


def _open_excel(
    source: Source, *, matcher: _HeaderMatcher, columns: Sequence[ColumnSpec], sheet: str | None
) -> TableReader:
    _check_not_empty(source)
    # Taken before calamine reads the stream, for the CSV fallback below.
    src = _ByteSource(source)
    try:
        workbook = _load_workbook(source)
    except ImportFileError:
        raise
    except BaseException as exc:
        if not _is_reader_failure(exc):
            raise
        # Government systems often export CSV or tab-separated text named ".xls".
        if not isinstance(exc, PasswordError) and _looks_like_text(src):
            try:
                return _open_csv(source, matcher=matcher, columns=columns, src=src)
            except ImportFileError as csv_exc:
                if csv_exc.message.startswith("缺少必填列"):
                    raise
        raise _unreadable(exc) from exc
    try:
        return _pick_sheet(workbook, matcher=matcher, columns=columns, sheet=sheet)
    except BaseException:
        workbook.close()
        raise


def _sheet_order(workbook: CalamineWorkbook) -> list[str]:
    # Hidden sheets hold dropdown lists and the like: look at them last.
    meta = [m for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in meta if m.visible == SheetVisibleEnum.Visible]
    return visible + [m.name for m in meta if m.visible != SheetVisibleEnum.Visible]


@dataclass
class _SheetScan:
    name: str
    sheet: CalamineSheet
    rows: list[list[object]]
    row_base: int
    merges: _MergeInfo
    found: _HeaderResult | None


def _scan_sheet(workbook: CalamineWorkbook, name: str, matcher: _HeaderMatcher) -> _SheetScan | None:
    try:
        sheet = workbook.get_sheet_by_name(name)
        start = sheet.start
        if start is None:
            return None
        rows: list[list[object]] = [list(row) for row in islice(sheet.iter_rows(), HEADER_SCAN_ROWS)]
        ranges = sheet.merged_cell_ranges
    except BaseException as exc:  # corrupt sheet XML surfaces here, not when opening
        if not _is_reader_failure(exc):
            raise
        raise _unreadable(exc) from exc
    # python-calamine 0.9 yields rows from sheet row 1 even when the used range
    # starts lower (leading rows come back empty) but starts columns at the
    # used range.  Should a later version start rows at the used range too,
    # its first row is non-empty: detect that rather than mis-number every row.
    row_base = 0
    if start[0] > 0 and rows and not all(_is_empty(v) for v in rows[0]):
        row_base = start[0]
    width = max((len(r) for r in rows), default=0)
    merges = _merge_info(ranges or (), col_offset=start[1], width=width, scan_rows=row_base + len(rows))
    for (r, c), (ar, ac) in merges.covered.items():
        r, ar = r - row_base, ar - row_base
        if ar >= 0 and r < len(rows) and c < len(rows[r]) and ac < len(rows[ar]) and _is_empty(rows[r][c]):
            rows[r][c] = rows[ar][ac]
    return _SheetScan(name, sheet, rows, row_base, merges, _find_header(rows, matcher))


def _complete(found: _HeaderResult, columns: Sequence[ColumnSpec]) -> bool:
    return all(spec.field in found.assignment.columns for spec in columns if spec.required)


def _pick_sheet(
    workbook: CalamineWorkbook, *, matcher: _HeaderMatcher, columns: Sequence[ColumnSpec], sheet: str | None
) -> TableReader:
    if sheet is not None:
        if sheet not in workbook.sheet_names:
            existing = "、".join(workbook.sheet_names)
            raise ImportFileError(f"文件中没有名为“{sheet}”的工作表（现有：{existing}）")
        names = [sheet]
    else:
        names = _sheet_order(workbook)

    # First sheet with a complete header wins; failing that, the first sheet
    # with any header, so the error names what is missing there.
    chosen: _SheetScan | None = None
    any_data = False
    for name in names:
        scan = _scan_sheet(workbook, name, matcher)
        if scan is None:
            continue
        any_data = True
        if scan.found is None:
            continue
        if _complete(scan.found, columns):
            chosen = scan
            break
        if chosen is None:
            chosen = scan
    if chosen is None or chosen.found is None:
        if not any_data:
            raise ImportFileError("文件中没有数据" if sheet is None else f"工作表“{sheet}”中没有数据")
        raise ImportFileError(_no_header_message(columns))
    picked = chosen

    def all_rows() -> Iterator[_Cells]:
        try:
            # The stub types rows as lists of a value union; the loop only reads them.
            yield from cast(Iterator[_Cells], picked.sheet.iter_rows())
        except BaseException as exc:
            if isinstance(exc, (ImportFileError, GeneratorExit)) or not _is_reader_failure(exc):
                raise
            raise _unreadable(exc) from exc

    return _build_reader(
        found=chosen.found,
        scanned=chosen.rows,
        row_base=chosen.row_base,
        columns=columns,
        matcher=matcher,
        sheet_name=chosen.name,
        all_rows=all_rows,
        merges=chosen.merges,
        closer=workbook.close,
    )


# ----------------------------------------------------------------- csv


class _ByteSource:
    """Re-openable binary source: the CSV path reads the file more than once."""

    def __init__(self, source: Source) -> None:
        self._path: str | os.PathLike[str] | None = None
        self._data: bytes | None = None
        self._stream: BinaryIO | None = None
        self._start = 0
        if isinstance(source, (str, os.PathLike)):
            self._path = source
        elif isinstance(source, (bytes, bytearray, memoryview)):
            self._data = bytes(source)
        elif source.seekable():
            self._stream = source
            self._start = source.tell()
        else:
            self._data = source.read()

    @contextmanager
    def open_text(self, encoding: str) -> Iterator[io.TextIOWrapper]:
        binary: BinaryIO
        owned = True
        if self._path is not None:
            try:
                binary = open(self._path, "rb")  # noqa: SIM115 - closed below with the wrapper
            except OSError as exc:
                raise ImportFileError("无法打开文件：文件不存在或无法访问") from exc
        elif self._data is not None:
            binary = io.BytesIO(self._data)
        else:
            assert self._stream is not None
            binary = self._stream
            binary.seek(self._start)
            owned = False
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            yield text
        finally:
            # The caller's own file object must survive for the next pass.
            if owned:
                text.close()
            else:
                text.detach()

    @contextmanager
    def open_binary(self) -> Iterator[BinaryIO]:
        if self._path is not None:
            try:
                with open(self._path, "rb") as binary:
                    yield binary
            except OSError as exc:
                raise ImportFileError("无法打开文件：文件不存在或无法访问") from exc
        elif self._data is not None:
            yield io.BytesIO(self._data)
        else:
            assert self._stream is not None
            self._stream.seek(self._start)
            yield self._stream


def _detect_encoding(src: _ByteSource) -> str:
    with src.open_binary() as stream:
        chunk = stream.read(_CSV_CHUNK_BYTES)
        if chunk.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode 文本" export: UTF-16 with BOM, tab separated.
            return "utf-16"
        # Validate the whole file as UTF-8 up front (C speed, constant memory) so
        # a GBK file whose first megabyte happens to be ASCII is not misread.
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = stream.read(_CSV_CHUNK_BYTES)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # Chinese Excel saves CSV as GBK; gb18030 is its superset.
            return "gb18030"
    return "utf-8"


def _detect_delimiter(src: _ByteSource, encoding: str, matcher: _HeaderMatcher) -> str:
    """Pick the delimiter under which the first rows best match the expected headers.

    csv.Sniffer guesses from character frequencies, which title rows and
    Chinese punctuation throw off; the column names we expect are a far
    stronger signal.
    """
    with src.open_text(encoding) as text:
        try:
            sample = text.read(_CSV_SAMPLE_CHARS)
        except UnicodeDecodeError:
            sample = ""
    best, best_score = ",", (-1, -1)
    for delimiter in _CSV_DELIMITERS:
        try:
            rows = list(islice(csv.reader(io.StringIO(sample), delimiter=delimiter), HEADER_SCAN_ROWS))
        except csv.Error:
            continue
        matched = max((len(_assign(row, matcher).columns) for row in rows), default=0)
        widest = max((len(row) for row in rows), default=0)
        if (matched, widest) > best_score:
            best, best_score = delimiter, (matched, widest)
    return best


def _open_csv(
    source: Source, *, matcher: _HeaderMatcher, columns: Sequence[ColumnSpec], src: _ByteSource | None = None
) -> TableReader:
    _check_not_empty(source)
    src = src or _ByteSource(source)
    encoding = _detect_encoding(src)
    delimiter = _detect_delimiter(src, encoding, matcher)

    def all_rows() -> Generator[_Cells, None, None]:
        number = 0
        with src.open_text(encoding) as text:
            reader = csv.reader(text, delimiter=delimiter)
            try:
                for row in reader:
                    number += 1
                    yield cast(_Cells, row)
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"第 {number + 1} 行附近有无法识别的文字（文件编码既不是 UTF-8 也不是 GBK），"
                    "请用 Excel 另存为 .xlsx 后再上传"
                ) from exc
            except csv.Error as exc:
                raise ImportFileError(f"第 {number + 1} 行格式有误，无法解析（{exc}）") from exc

    head = all_rows()
    try:
        scanned = [list(row) for row in islice(head, HEADER_SCAN_ROWS)]
    finally:
        head.close()
    if all(all(_is_empty(v) for v in row) for row in scanned):
        raise ImportFileError("文件是空的")
    found = _find_header(scanned, matcher)
    if found is None:
        raise ImportFileError(_no_header_message(columns))
    return _build_reader(
        found=found,
        scanned=scanned,
        row_base=0,
        columns=columns,
        matcher=matcher,
        sheet_name=None,
        all_rows=all_rows,
        merges=_NO_MERGES,
        closer=None,
    )
