"""Reading messy registry spreadsheets and writing annotated copies / templates (no Django needed)."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from yiyang.core.importing.columns import ColumnSpec, normalize_header
from yiyang.core.importing.reader import (
    REASON_BLANK,
    REASON_ONLY_UNMAPPED,
    REASON_REPEATED_HEADER,
    REASON_TITLE,
    ImportFileError,
    RawRow,
    TableReader,
    column_letter,
    open_table,
)
from yiyang.core.importing.writer import (
    ERROR_COLUMN,
    ERROR_SHEET,
    ROW_NUMBER_COLUMN,
    CellIssue,
    excel_value,
    write_annotated_copy,
    write_template,
)

COLUMNS = (
    ColumnSpec("community", "社区", synonyms=("所属社区", "社区名称"), fill_merged=True),
    ColumnSpec("name", "姓名", synonyms=("老人姓名",), required=True, help="与身份证一致"),
    ColumnSpec("sex", "性别", choices=("男", "女")),
    ColumnSpec(
        "id_number",
        "身份证号",
        synonyms=("身份证号码", "公民身份号码", "证件号码", "身份证"),
        required=True,
        text_format=True,
        help="18 位居民身份证号码",
    ),
    ColumnSpec("birth_date", "出生日期", synonyms=("出生年月",)),
    ColumnSpec("phone", "联系电话", synonyms=("电话", "手机号码", "本人电话"), text_format=True),
    ColumnSpec("address", "家庭住址", synonyms=("住址", "现住址")),
)

TITLE = "通州区金沙街道老年人信息台账（2026年）"


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_all(reader: TableReader) -> list[RawRow]:
    return list(reader.rows())


def messy_workbook() -> bytes:
    """Two title lines, a two-line merged header, a merged 社区 column, blanks and a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws["A1"] = TITLE
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：金沙街道办事处（盖章）"
    ws.merge_cells("A2:H2")
    ws["A3"] = "序号"
    ws.merge_cells("A3:A4")
    ws["B3"] = "社区"
    ws.merge_cells("B3:B4")
    ws["C3"] = "基本信息"
    ws.merge_cells("C3:F3")
    ws["G3"] = "联系方式"
    ws.merge_cells("G3:H3")
    for col, text in zip(
        "CDEFGH", ("姓名", "性别", "身份证号码（18位）", "出生日期", "联系电话", "家庭住址"), strict=True
    ):
        ws[f"{col}4"] = text
    data: dict[int, list[object]] = {
        5: [
            1,
            "金沙社区",
            "张三",
            "男",
            110101195001011234,
            datetime.date(1950, 1, 1),
            13812345678,
            "金沙里1号",
        ],
        6: [2, None, "李四", "女", "11010119520202222X", 19000, None, "金沙里2号"],
        8: [3, "滨河社区", "王五", "男", "110101194503033333", "1945年3月3日", "010-81234567", "滨河路3号"],
        9: [4, None, "赵六", "女", "110101194004044444", "1940.4.4", None, "滨河路4号"],
    }
    for row_number, values in data.items():
        for column, value in enumerate(values, start=1):
            ws.cell(row=row_number, column=column, value=value)
    ws.merge_cells("B5:B7")  # covers blank row 7: it must stay a skipped blank row
    ws.merge_cells("B8:B9")
    ws["A11"] = "填表人：张三"
    ws["E11"] = "审核人："
    ws["G11"] = "填表日期：2026年11月1日"
    ws["A12"] = "备注：本表每季度更新一次。"
    ws.merge_cells("A12:H12")
    ws["A13"] = "合计"
    ws["C13"] = "4人"
    return xlsx_bytes(wb)


# --------------------------------------------------------------------------- columns


def test_normalize_header_strips_marks_and_widths() -> None:
    assert normalize_header(" *身份证号（必填）： ") == "身份证号"
    assert normalize_header("＊姓　名") == "姓名"
    assert normalize_header("联系电话(必填):") == "联系电话"
    assert normalize_header("身份证\n号码") == "身份证号码"
    assert normalize_header("ＩＤ") == "id"


# --------------------------------------------------------------------------- xlsx


def test_messy_workbook_header_and_columns() -> None:
    reader = open_table(messy_workbook(), filename="台账.xlsx", columns=COLUMNS)
    assert reader.sheet_name == "台账"
    assert reader.header.row_number == 4
    assert reader.header.columns == {
        "community": 1,
        "name": 2,
        "sex": 3,
        "id_number": 4,
        "birth_date": 5,
        "phone": 6,
        "address": 7,
    }
    assert reader.header.headers["id_number"] == "身份证号码（18位）"
    # "序号" is merged over both header lines; the group labels are not columns.
    assert reader.header.unknown_headers == ["序号"]
    assert reader.header.missing_required == []
    assert reader.header_cells[:3] == ["序号", "社区", "姓名"]


def test_messy_workbook_rows_numbers_merges_and_skips() -> None:
    reader = open_table(messy_workbook(), filename="台账.xlsx", columns=COLUMNS)
    rows = read_all(reader)
    assert [r.number for r in rows] == [5, 6, 8, 9]
    assert [r.values["community"] for r in rows] == ["金沙社区", "金沙社区", "滨河社区", "滨河社区"]
    assert [r.values["name"] for r in rows] == ["张三", "李四", "王五", "赵六"]
    first, second = rows[0], rows[1]
    # Numbers come through as calamine gives them; the ID has already lost digits in the file.
    assert isinstance(first.values["id_number"], float)
    assert first.values["phone"] == 13812345678.0
    assert first.values["birth_date"] == datetime.date(1950, 1, 1)
    assert second.values["id_number"] == "11010119520202222X"
    assert second.values["birth_date"] == 19000.0
    assert second.values["phone"] is None
    assert rows[2].values["birth_date"] == "1945年3月3日"
    # The merged value is also filled into the full row used by the annotated copy.
    assert second.cells[1] == "金沙社区"

    skipped = dict(reader.skipped)
    assert skipped[1] == REASON_TITLE
    assert skipped[2] == REASON_TITLE
    assert skipped[3] == REASON_TITLE  # the group-header line ("基本信息", "联系方式")
    assert skipped[7] == REASON_BLANK
    assert skipped[10] == REASON_BLANK
    assert skipped[11].startswith("表尾签字/备注行：填表人：张三")
    assert skipped[12].startswith("表尾签字/备注行：备注")
    assert skipped[13].startswith("表尾签字/备注行：合计")
    assert sorted(skipped) == [1, 2, 3, 7, 10, 11, 12, 13]
    assert [n for n, _ in reader.skipped] == sorted(n for n, _ in reader.skipped)


def test_rows_can_be_read_twice() -> None:
    reader = open_table(messy_workbook(), filename="台账.xlsx", columns=COLUMNS)
    first = [(r.number, r.values) for r in reader.rows()]
    skipped = list(reader.skipped)
    second = [(r.number, r.values) for r in reader.rows()]
    assert first == second
    assert reader.skipped == skipped


def test_open_from_path_and_file_object(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(messy_workbook())
    with open_table(path, filename=path.name, columns=COLUMNS) as reader:
        assert [r.number for r in reader.rows()] == [5, 6, 8, 9]
    with path.open("rb") as fh:
        reader = open_table(fh, filename="X.XLSX", columns=COLUMNS)
        assert [r.number for r in reader.rows()] == [5, 6, 8, 9]


def test_data_not_starting_at_a1_keeps_excel_row_numbers() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    # Nothing in rows 1-2 or column A: calamine's used range starts at C3.
    ws["C3"] = TITLE
    ws.merge_cells("C3:F3")
    for col, text in zip("CDEF", ("姓名", "身份证号", "所属社区", "电话"), strict=True):
        ws[f"{col}4"] = text
    ws["C5"], ws["D5"], ws["E5"], ws["F5"] = "张三", "110101195001011234", "金沙社区", "13812345678"
    ws["C6"], ws["D6"] = "李四", "11010119520202222X"
    ws.merge_cells("E5:E6")
    reader = open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS)
    assert reader.header.row_number == 4
    assert reader.header.columns == {"name": 0, "id_number": 1, "community": 2, "phone": 3}
    rows = read_all(reader)
    assert [r.number for r in rows] == [5, 6]
    assert rows[1].values == {
        "name": "李四",
        "id_number": "11010119520202222X",
        "community": "金沙社区",
        "phone": None,
    }
    assert reader.skipped == [(1, REASON_BLANK), (2, REASON_BLANK), (3, REASON_TITLE)]


def test_vertical_merge_in_any_mapped_column_is_filled() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "家庭住址"])
    ws.append(["张三", "110101195001011234", "金沙里1号"])
    ws.append(["李四", "110101195001011235", None])
    ws.merge_cells("C2:C3")  # a couple sharing an address
    rows = read_all(open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS))
    assert [r.values["address"] for r in rows] == ["金沙里1号", "金沙里1号"]


def test_section_title_rows_and_repeated_headers_are_skipped() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["序号", "姓名", "身份证号", "联系电话", "家庭住址"])
    ws.append([None, "金沙社区"])
    ws.merge_cells("B2:E2")
    ws.append([1, "张三", "110101195001011234", "13812345678", "金沙里1号"])
    ws.append(["序号", "姓名", "身份证号", "联系电话", "家庭住址"])
    ws.append([2, "李四", "110101195001011235", None, None])
    ws.append([3])  # pre-numbered but never filled in
    ws.append([4])
    reader = open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS)
    rows = read_all(reader)
    assert [r.number for r in rows] == [3, 5]
    assert reader.skipped == [
        (2, "分组标题行：金沙社区"),
        (4, REASON_REPEATED_HEADER),
        (6, REASON_ONLY_UNMAPPED),
        (7, REASON_ONLY_UNMAPPED),
    ]


def test_footer_detection_does_not_swallow_data() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["备注", "姓名", "身份证号"])
    # A data row whose first cell happens to start like a footer keyword.
    ws.append(["说明：独居", "张三", "110101195001011234"])
    ws.append(["制表：李四", None, "审核人：王五"])
    ws.append(["合计", "536", None])
    reader = open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS)
    rows = read_all(reader)
    assert [r.number for r in rows] == [2]
    assert [n for n, _ in reader.skipped] == [3, 4]


def test_trailing_blank_rows_are_not_reported() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号"])
    ws.append(["张三", "110101195001011234"])
    ws.append([None, None])
    ws.append(["李四", "110101195001011235"])
    for row in range(5, 50):
        ws.cell(row=row, column=1).number_format = "@"
        ws.cell(row=row, column=2, value="  ")
    reader = open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS)
    assert [r.number for r in read_all(reader)] == [2, 4]
    assert reader.skipped == [(3, REASON_BLANK)]


def test_first_sheet_without_header_falls_back_to_another_sheet() -> None:
    wb = openpyxl.Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "说明"
    notes["A1"] = "请在第二个工作表填写"
    data = wb.create_sheet("数据")
    data.append(["姓名", "身份证号"])
    data.append(["张三", "110101195001011234"])
    content = xlsx_bytes(wb)
    reader = open_table(content, filename="a.xlsx", columns=COLUMNS)
    assert reader.sheet_name == "数据"
    assert [r.values["name"] for r in reader.rows()] == ["张三"]
    with pytest.raises(ImportFileError, match="未找到表头"):
        open_table(content, filename="a.xlsx", columns=COLUMNS, sheet="说明")
    with pytest.raises(ImportFileError, match="没有名为“名单”的工作表"):
        open_table(content, filename="a.xlsx", columns=COLUMNS, sheet="名单")


def test_header_matching_contains_duplicates_and_unknown() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["老人姓名", "原身份证号码", "公民身份号码", "紧急联系人电话", "手机号码", "户籍", "身份证"])
    ws.append(["张三", "1", "110101195001011234", "139", "138", "本地", "x"])
    header = open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS).header
    # Exact matches are assigned before "contains" matches, wherever they are.
    assert header.columns == {"name": 0, "id_number": 2, "phone": 4}
    assert header.unknown_headers[0].startswith("原身份证号码（第 B 列与第 C 列都对应“身份证号”")
    assert "紧急联系人电话" in header.unknown_headers
    assert "户籍" in header.unknown_headers
    assert header.unknown_headers[-1].startswith("身份证（第 G 列与第 C 列")


def test_header_ties_go_to_the_earliest_row() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号"])
    ws.append(["姓名", "身份证号"])
    ws.append(["张三", "110101195001011234"])
    reader = open_table(xlsx_bytes(wb), filename="a.xlsx", columns=COLUMNS)
    assert reader.header.row_number == 1
    assert [r.number for r in reader.rows()] == [3]
    assert reader.skipped == [(2, REASON_REPEATED_HEADER)]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"x", "a.pdf", "仅支持 .xlsx、.xls 与 .csv 文件"),
        (b"", "a.xlsx", "文件是空的"),
        (b"", "a.csv", "文件是空的"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "文件无法读取"),
        (b"\xd0\xcf\x11\xe0 junk", "a.xls", "文件无法读取"),
        (
            "标题\n甲,乙\n1,2\n".encode(),
            "a.csv",
            "未找到表头：前 20 行中没有与模板匹配的列名（需要：姓名、身份证号）",
        ),
        ("姓名,电话\n张三,1\n".encode(), "a.csv", "缺少必填列：身份证号（表头在第 1 行"),
        (b"\n\n,,\n", "a.csv", "文件是空的"),
    ],
)
def test_whole_file_errors(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        open_table(content, filename=filename, columns=COLUMNS)
    assert message in caught.value.message


def test_text_saved_as_xls_is_read_as_csv() -> None:
    # Government systems often export tab-separated text with an .xls name.
    content = csv_text(CSV_ROWS, "\t").encode("gbk")
    check_csv_reader(open_table(content, filename="导出.xls", columns=COLUMNS))
    html = "<html><table><tr><td>姓名</td></tr></table></html>".encode()
    with pytest.raises(ImportFileError, match="文件无法读取"):
        open_table(html, filename="导出.xls", columns=COLUMNS)


def test_xlsx_named_xls_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "台账.xls"
    path.write_bytes(messy_workbook())
    assert [r.number for r in open_table(path, filename=path.name, columns=COLUMNS).rows()] == [5, 6, 8, 9]


def test_empty_workbook() -> None:
    with pytest.raises(ImportFileError, match="文件中没有数据"):
        open_table(xlsx_bytes(openpyxl.Workbook()), filename="a.xlsx", columns=COLUMNS)


def test_missing_path() -> None:
    with pytest.raises(ImportFileError, match="无法打开文件"):
        open_table("/nonexistent/a.csv", filename="a.csv", columns=COLUMNS)


# --------------------------------------------------------------------------- csv


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


CSV_ROWS = [
    [TITLE, "", "", ""],
    ["姓名", "身份证号", "联系电话", "社区"],
    ["张三", "110101195001011234", "013812345678", "金沙社区"],
    ["", "", "", ""],
    ["李四", "11010119520202222X", "", "滨河社区"],
    ["填表人：王五", "审核人：", "", ""],
]


def check_csv_reader(reader: TableReader) -> None:
    assert reader.sheet_name is None
    assert reader.header.row_number == 2
    assert reader.header.columns == {"name": 0, "id_number": 1, "phone": 2, "community": 3}
    rows = read_all(reader)
    assert [r.number for r in rows] == [3, 5]
    # CSV values stay text: no lost leading zero, no float ID number.
    assert rows[0].values == {
        "name": "张三",
        "id_number": "110101195001011234",
        "phone": "013812345678",
        "community": "金沙社区",
    }
    assert rows[1].values["phone"] is None
    assert reader.skipped[:2] == [(1, REASON_TITLE), (4, REASON_BLANK)]
    assert reader.skipped[2][0] == 6
    assert reader.skipped[2][1].startswith("表尾签字/备注行：填表人：王五")


def test_gbk_csv() -> None:
    content = csv_text(CSV_ROWS).encode("gbk")
    check_csv_reader(open_table(content, filename="台账.csv", columns=COLUMNS))


def test_utf8_bom_csv() -> None:
    content = codecs.BOM_UTF8 + csv_text(CSV_ROWS).encode()
    check_csv_reader(open_table(content, filename="台账.CSV", columns=COLUMNS))


def test_tab_separated_csv() -> None:
    content = csv_text(CSV_ROWS, "\t").encode()
    check_csv_reader(open_table(content, filename="台账.csv", columns=COLUMNS))


@pytest.mark.parametrize("delimiter", [";", "|"])
def test_other_delimiters(delimiter: str) -> None:
    content = csv_text(CSV_ROWS, delimiter).encode()
    check_csv_reader(open_table(content, filename="台账.csv", columns=COLUMNS))


def test_excel_unicode_text_export() -> None:
    content = csv_text(CSV_ROWS, "\t").encode("utf-16")
    check_csv_reader(open_table(content, filename="台账.txt", columns=COLUMNS))


def test_csv_from_path_and_seekable_stream(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(csv_text(CSV_ROWS).encode("gb18030"))
    check_csv_reader(open_table(str(path), filename="a.csv", columns=COLUMNS))
    with path.open("rb") as fh:
        fh.read(3)
        fh.seek(0)
        reader = open_table(fh, filename="a.csv", columns=COLUMNS)
        check_csv_reader(reader)
        assert not fh.closed  # the caller's file object is not closed by the reader
        check_csv_reader(reader)


def test_gbk_detected_even_when_chinese_appears_late() -> None:
    columns = (ColumnSpec("name", "name", required=True), ColumnSpec("id_number", "id"))
    rows = [["name", "id"], *[["a", "1"]] * 300_000, ["张三", "110101195001011234"]]
    # Well over a megabyte of ASCII before the first GBK byte.
    content = csv_text(rows).encode("gbk")
    assert content.index("张".encode("gbk")) > 1024 * 1024
    *_, last = open_table(content, filename="a.csv", columns=columns).rows()
    assert last.values["name"] == "张三"


def test_csv_two_line_header_without_merges() -> None:
    content = csv_text(
        [
            [TITLE, "", "", "", ""],
            ["序号", "姓名", "身份证号", "联系方式", ""],
            ["", "", "", "联系电话", "家庭住址"],
            ["1", "张三", "110101195001011234", "13812345678", "金沙里1号"],
        ]
    ).encode()
    reader = open_table(content, filename="a.csv", columns=COLUMNS)
    assert reader.header.row_number == 3
    assert reader.header.columns == {"name": 1, "id_number": 2, "phone": 3, "address": 4}
    assert [r.number for r in reader.rows()] == [4]
    assert reader.skipped == [(1, REASON_TITLE)]


def test_csv_ragged_rows_and_quoted_newlines() -> None:
    content = (
        '姓名,身份证号,家庭住址\r\n张三,110101195001011234\r\n李四,1,"金沙里\n1号"\r\n王五,2,x\r\n'.encode()
    )
    rows = read_all(open_table(content, filename="a.csv", columns=COLUMNS))
    assert [r.number for r in rows] == [2, 3, 4]
    assert rows[0].values["address"] is None
    assert rows[1].values["address"] == "金沙里\n1号"


def test_csv_undecodable_bytes_raise_import_file_error() -> None:
    content = "姓名,身份证号\n张三,1\n".encode("gbk") + b"\xff\xff\xff,1\n"
    with pytest.raises(ImportFileError):
        read_all(open_table(content, filename="a.csv", columns=COLUMNS))


def test_csv_huge_cell_raises_import_file_error() -> None:
    content = ("姓名,身份证号\n张三," + "1" * 200_000 + "\n").encode()
    with pytest.raises(ImportFileError, match="第 2 行"):
        read_all(open_table(content, filename="a.csv", columns=COLUMNS))


# --------------------------------------------------------------------------- annotated copy


def test_annotated_copy_marks_exactly_the_bad_cells() -> None:
    content = messy_workbook()

    def factory() -> TableReader:
        return open_table(content, filename="台账.xlsx", columns=COLUMNS)

    issues = [
        CellIssue(
            5, "身份证号码（18位）", "id_number", "1.10101195001011e+17", "身份证号被存成了数字，末几位已丢失"
        ),
        CellIssue(6, "出生日期", "birth_date", "19000", "出生日期与身份证号不一致"),
        CellIssue(6, "身份证号码（18位）", "id_number", "11010119520202222X", "校验位错误"),
        CellIssue(9, "", "", "", "与第 5 行重复"),
        CellIssue(9, "身份证号", "", "110101194004044444", "不在本辖区"),  # by label, no field
        CellIssue(12, "", "", "", "不是数据行"),  # a skipped row: only listed
    ]
    out = io.BytesIO()
    write_annotated_copy(factory, issues, out, columns=COLUMNS)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["台账", ERROR_SHEET]
    ws = wb["台账"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[0] == ROW_NUMBER_COLUMN
    assert header[-1] == ERROR_COLUMN
    assert header[1:-1] == [
        "序号",
        "社区",
        "姓名",
        "性别",
        "身份证号码（18位）",
        "出生日期",
        "联系电话",
        "家庭住址",
    ]
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == [5, 6, 8, 9]

    id_col = header.index("身份证号码（18位）") + 1
    birth_col = header.index("出生日期") + 1
    bad = {(2, id_col), (3, birth_col), (3, id_col), (5, id_col)}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            is_bad = (cell.row, cell.column) in bad
            assert (cell.fill.fgColor.rgb == "00FFC7CE") is is_bad, cell.coordinate
            assert (cell.comment is not None) is is_bad, cell.coordinate
    comment = ws.cell(row=3, column=id_col).comment
    assert comment is not None
    assert comment.text == "校验位错误"
    errors = [ws.cell(row=r, column=len(header)).value for r in range(2, 6)]
    assert errors[0] == "身份证号码（18位）：身份证号被存成了数字，末几位已丢失"
    # In column order, then whole-row messages.
    assert errors[1] == "身份证号码（18位）：校验位错误；出生日期：出生日期与身份证号不一致"
    assert errors[2] is None
    assert errors[3] == "身份证号码（18位）：不在本辖区；与第 5 行重复"
    # The number-typed ID is written back as text so Excel shows every digit it still has.
    stored = read_all(factory())[0].values["id_number"]
    assert isinstance(stored, float)
    assert ws.cell(row=2, column=id_col).value == str(int(stored))
    assert ws.cell(row=2, column=id_col).data_type == "s"
    assert ws.cell(row=3, column=3).value == "金沙社区"  # merged value filled in the copy

    listing = wb[ERROR_SHEET]
    assert [c.value for c in listing[1]] == ["行号", "列", "值", "错误说明"]
    assert listing.max_row == len(issues) + 1
    assert [listing.cell(row=r, column=1).value for r in range(2, listing.max_row + 1)] == [5, 6, 6, 9, 9, 12]


def test_annotated_copy_of_csv_is_reimportable() -> None:
    content = csv_text(CSV_ROWS).encode("gbk")
    out = io.BytesIO()
    issues = [CellIssue(5, "身份证号", "id_number", "11010119520202222X", "校验位错误")]
    write_annotated_copy(
        lambda: open_table(content, filename="a.csv", columns=COLUMNS), issues, out, columns=COLUMNS
    )
    reader = open_table(out.getvalue(), filename="copy.xlsx", columns=COLUMNS)
    assert set(reader.header.unknown_headers) == {ROW_NUMBER_COLUMN, ERROR_COLUMN}
    rows = read_all(reader)
    assert [r.values["id_number"] for r in rows] == ["110101195001011234", "11010119520202222X"]
    assert rows[0].values["phone"] == "013812345678"


# --------------------------------------------------------------------------- template and export


def test_template_round_trip() -> None:
    out = io.BytesIO()
    examples = [{"name": "张三", "sex": "男", "id_number": 110101195001011234, "phone": "13812345678"}]
    write_template(COLUMNS, out, title="老年人信息台账导入模板", example_rows=examples)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "老年人信息台账导入模板"
    assert [c.value for c in ws[2]] == [
        "社区",
        "*姓名",
        "性别",
        "*身份证号",
        "出生日期",
        "联系电话",
        "家庭住址",
    ]
    assert ws["B2"].font.b and ws["D2"].font.b
    assert not ws["A2"].font.b
    assert ws.freeze_panes == "A3"
    id_letter = column_letter(3)
    assert ws[f"{id_letter}3"].value == "110101195001011234"
    assert ws[f"{id_letter}3"].font.i
    assert ws[f"{id_letter}1002"].number_format == "@"
    assert ws["A500"].number_format == "General"
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"男,女"'
    assert str(validations[0].sqref) == "C3:C1002"
    notes = wb["填写说明"]
    assert [c.value for c in notes[1]] == ["列名", "是否必填", "也可写作", "可选值", "填写说明"]
    assert [c.value for c in notes[5]][:4] == [
        "身份证号",
        "必填",
        "身份证号码、公民身份号码、证件号码、身份证",
        None,
    ]

    reader = open_table(out.getvalue(), filename="模板.xlsx", columns=COLUMNS)
    assert reader.header.row_number == 2
    assert reader.header.unknown_headers == []
    assert [r.values["name"] for r in reader.rows()] == ["张三"]


def test_template_long_choice_lists_use_a_hidden_sheet() -> None:
    choices = tuple(f"选项{i}，含逗号" for i in range(60))
    columns = (*COLUMNS, ColumnSpec("level", "护理等级", choices=choices))
    out = io.BytesIO()
    write_template(columns, out, title="模板")
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb["选项"].sheet_state == "hidden"
    assert wb["选项"]["A60"].value == choices[-1]
    formulas = {str(v.sqref): v.formula1 for v in wb.worksheets[0].data_validations.dataValidation}
    assert formulas == {"C3:C1002": '"男,女"', "H3:H1002": "'选项'!$A$1:$A$60"}


def test_excel_value() -> None:
    assert excel_value(123) == 123
    assert excel_value(12345678901) == "12345678901"
    assert excel_value(1.0e17) == "100000000000000000"
    assert excel_value("") is None
    tz = datetime.timezone(datetime.timedelta(hours=8))
    assert excel_value(datetime.datetime(2026, 1, 1, 8, tzinfo=tz)) == datetime.datetime(2026, 1, 1, 8)


# --------------------------------------------------------------------------- properties

cell_text = st.one_of(
    st.just(""),
    st.text(max_size=20),
    st.text(min_size=200, max_size=3000),
    st.sampled_from(
        ["姓名", "身份证号", "社区", "填表人：张三", "合计", "*姓名（必填）", '"', "\r\n", "=1+1"]
    ),
)
table = st.lists(st.lists(cell_text, max_size=6), max_size=12)
header_row = st.lists(
    st.sampled_from(["姓名", "身份证号", "社区", "电话", "序号", ""]), min_size=1, max_size=6
)


def consume(content: bytes, filename: str) -> None:
    try:
        reader = open_table(content, filename=filename, columns=COLUMNS)
        for _ in reader.rows():
            pass
    except ImportFileError as exc:
        assert exc.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=header_row,
    body=table,
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_any_csv_reads_or_raises_import_file_error(
    header: list[str], body: list[list[str]], delimiter: str, encoding: str
) -> None:
    consume(csv_text([header, *body], delimiter).encode(encoding), "a.csv")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=400), ext=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a.ods", "a.txt"]))
def test_any_bytes_read_or_raise_import_file_error(content: bytes, ext: str) -> None:
    consume(content, ext)


xlsx_value = st.one_of(
    cell_text.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)[:32000]),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=header_row,
    body=st.lists(st.lists(xlsx_value, max_size=6), max_size=10),
    merges=st.lists(
        st.tuples(st.integers(1, 12), st.integers(1, 6), st.integers(0, 3), st.integers(0, 2)), max_size=3
    ),
    data=st.data(),
)
def test_any_xlsx_reads_or_raises_and_annotates(
    header: list[str], body: list[list[object]], merges: list[tuple[int, int, int, int]], data: st.DataObject
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for body_row in body:
        ws.append(body_row)
    merged: set[tuple[int, int]] = set()
    for top, col, down, right in merges:
        cells = {(r, c) for r in range(top, top + down + 1) for c in range(col, col + right + 1)}
        if len(cells) > 1 and not cells & merged:
            ws.merge_cells(start_row=top, start_column=col, end_row=top + down, end_column=col + right)
            merged |= cells
    content = xlsx_bytes(wb)
    consume(content, "a.xlsx")

    try:
        reader = open_table(content, filename="a.xlsx", columns=COLUMNS)
        numbers = [r.number for r in reader.rows()]
    except ImportFileError:
        return
    fields = ["", *reader.header.columns]
    issues = [
        CellIssue(
            data.draw(st.sampled_from(numbers or [1])),
            data.draw(st.sampled_from(["", "姓名", "不存在的列"])),
            data.draw(st.sampled_from(fields)),
            data.draw(cell_text),
            data.draw(cell_text),
        )
        for _ in range(data.draw(st.integers(0, 4)))
    ]
    out = io.BytesIO()
    write_annotated_copy(
        lambda: open_table(content, filename="a.xlsx", columns=COLUMNS), issues, out, columns=COLUMNS
    )
    copy = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert copy.worksheets[0].max_row == len(numbers) + 1
    assert copy[ERROR_SHEET].max_row == len(issues) + 1
