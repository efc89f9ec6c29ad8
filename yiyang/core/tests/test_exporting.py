"""The export engine: each column kind becomes the cell a spreadsheet needs, and text stays text."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from yiyang.core import exporting as x


def _sheet(content: bytes, index: int = 0) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[index]


def test_plain_columns_keep_text_text() -> None:
    rows = [
        ["110101195001011234", 110101195001011234, "=SUM(A1)", "#N/A", 1.5, datetime.date(2026, 1, 1), None],
        ["bad\x01char", 12, 13812345678.0, "", True, float("nan"), "x" * 40_000],
    ]
    headers = ["身份证号", "数字", "公式", "错误", "小数", "日期", "空"]
    content, count = x.xlsx_bytes([x.Sheet("导出:1", [(h, None) for h in headers], rows)])
    assert count == 2
    ws = _sheet(content)
    assert ws.title == "导出1"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert [c.value for c in ws[2]][:6] == [
        "110101195001011234",
        "110101195001011234",
        "=SUM(A1)",
        "#N/A",
        1.5,
        datetime.datetime(2026, 1, 1),
    ]
    assert ws["C2"].data_type == "s" and ws["D2"].data_type == "s"
    assert ws["F2"].is_date and ws["F2"].number_format == "yyyy-mm-dd"
    assert [c.value for c in ws[3]][:5] == ["badchar", 12, "13812345678", None, True]
    assert len(ws["G3"].value) == 32767


def test_typed_columns() -> None:
    aware = timezone.make_aware(datetime.datetime(2026, 3, 5, 8, 30, 15), datetime.UTC)
    columns = [
        x.money("金额（元）"),
        x.date("服务日期"),
        x.datetime_("预约时间"),
        x.datetime_("告警时间", seconds=True),
        x.month("发放月份"),
        x.minutes("用时（分钟）"),
        x.integer("人次"),
        x.percent("接警率"),
        x.text("身份证号"),
        x.text("备注"),
    ]
    row = [
        "12.5",
        aware,
        aware,
        aware,
        datetime.date(2026, 3, 17),
        11357.133,
        "7",
        0.9534,
        320612194001011234,
        None,
    ]
    content, _ = x.xlsx_bytes([x.Sheet("t", columns, [row, [""] * len(columns)])])
    ws = _sheet(content)
    cells = list(ws[2])
    local = timezone.localtime(aware).replace(tzinfo=None)
    assert [c.value for c in cells] == [
        12.5,
        local.replace(hour=0, minute=0, second=0),  # openpyxl reads every date cell as a datetime
        local,
        local,
        datetime.datetime(2026, 3, 1),
        189.3,
        7,
        0.9534,
        "320612194001011234",
        None,
    ]
    formats = [c.number_format for c in cells]
    assert formats[:8] == [
        "0.00",
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
        "yyyy-mm-dd hh:mm:ss",
        'yyyy"年"m"月"',
        "0.0",
        "0",
        "0.0%",
    ]
    assert cells[0].data_type == "n" and cells[8].data_type == "s"
    assert all(c.is_date for c in cells[1:5])
    assert all(c.value is None for c in ws[3])  # empty stays empty whatever the kind
    assert ws.column_dimensions["C"].width >= 17  # a date-time never shows as ####


def test_clear_columns_only_in_a_clear_export() -> None:
    class Person:
        masked, clear = "320612********1234", "320612194001011234"

    columns = [x.text("身份证号", "masked", clear="clear"), x.text("备注", "masked")]
    assert x.row_values(columns, Person()) == ["320612********1234"] * 2
    assert x.row_values(columns, Person(), clear=True) == ["320612194001011234", "320612********1234"]
    assert x.clear_fields(columns) == ["身份证号"]


def test_a_date_column_refuses_text() -> None:
    with pytest.raises(TypeError):
        x.typed_value(x.date("日期"), "2026-03-01")


def test_csv_shows_what_the_xlsx_shows() -> None:
    columns = [x.money("金额（元）"), x.month("发放月份"), x.text("账号")]
    content, count = x.csv_bytes(columns, [[Decimal("80"), datetime.date(2026, 3, 9), "6228480012345678901"]])
    assert count == 1
    assert content.decode("utf-8-sig").splitlines() == [
        "金额（元）,发放月份,账号",
        "80.00,2026年3月,6228480012345678901",
    ]
