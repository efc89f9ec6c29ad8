"""Tests for yiyang.core.cells (pure Python, no Django)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiyang.core.cells import (
    CellError,
    clean_text,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_phone,
    parse_sex,
)

# (raw, expected None) pairs shared by every parser's table.
EMPTY = [
    pytest.param(None, None, id="none"),
    pytest.param("", None, id="empty-string"),
    pytest.param("   ", None, id="spaces"),
    pytest.param("\u3000\xa0\t\n", None, id="ideographic-space-nbsp-tab-newline"),
    pytest.param("\u200b\ufeff", None, id="zero-width-only"),
]


# ------------------------------------------------------------------ CellError


def test_cell_error_message() -> None:
    err = CellError("无法识别的日期：x")
    assert isinstance(err, ValueError)
    assert err.message == str(err) == "无法识别的日期：x"


# ------------------------------------------------------------------ clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  张三  ", "张三", id="strip"),
        pytest.param("\u3000张三\xa0", "张三", id="strip-full-width-space-and-nbsp"),
        pytest.param("张\u200b三\ufeff", "张三", id="zero-width-removed"),
        pytest.param("崇川区  \t 和平桥\n街道", "崇川区 和平桥 街道", id="collapse-inner-runs"),
        pytest.param("Ａ座３号楼", "A座3号楼", id="full-width-letters-digits"),
        pytest.param("（甲）：１２３", "(甲):123", id="full-width-ascii-punct"),
        pytest.param("独居、空巢。《老年》「人」", "独居、空巢。《老年》「人」", id="chinese-punct-kept"),
        pytest.param("买买提·艾力", "买买提·艾力", id="middle-dot-kept"),
        pytest.param("\ufa11", "\ufa11", id="cjk-compatibility-ideograph-kept"),
        pytest.param(42, "42", id="int"),
        pytest.param(42.0, "42", id="integral-float-no-dot-zero"),
        pytest.param(13812345678.0, "13812345678", id="phone-float"),
        pytest.param(3.25, "3.25", id="fractional-float"),
        pytest.param(True, "TRUE", id="bool"),
        pytest.param(date(2026, 11, 22), "2026-11-22", id="date"),
        pytest.param(datetime(2026, 11, 22), "2026-11-22", id="midnight-datetime"),
        pytest.param(datetime(2026, 11, 22, 8, 30), "2026-11-22 08:30:00", id="datetime"),
        pytest.param(time(8, 30), "08:30:00", id="time"),
        pytest.param(float("nan"), None, id="nan"),
        *EMPTY,
    ],
)
def test_clean_text(raw: object, expected: str | None) -> None:
    assert clean_text(raw) == expected


@given(st.text())
def test_clean_text_fast_path_agrees_with_the_full_fold(raw: str) -> None:
    # The fast path skips strings with nothing to fold; it must never change the outcome.
    from yiyang.core.cells import _TEXT_TRANSLATION

    assert clean_text(raw) == (" ".join(raw.translate(_TEXT_TRANSLATION).split()) or None)


# ------------------------------------------------------------------ parse_sex


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("男", "M", id="男"),
        pytest.param("女", "F", id="女"),
        pytest.param(" 男性 ", "M", id="男性"),
        pytest.param("女性", "F", id="女性"),
        pytest.param("M", "M", id="M"),
        pytest.param("f", "F", id="f"),
        pytest.param("Male", "M", id="Male"),
        pytest.param("FEMALE", "F", id="FEMALE"),
        pytest.param("Ｆ", "F", id="full-width-F"),
        pytest.param("1", "M", id="gb-code-1-text"),
        pytest.param(2, "F", id="gb-code-2-int"),
        pytest.param(1.0, "M", id="gb-code-1-float"),
        pytest.param(2.0, "F", id="gb-code-2-float"),
        *EMPTY,
    ],
)
def test_parse_sex(raw: object, expected: str | None) -> None:
    assert parse_sex(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(0, "性别不能为“0”（未知或未说明），请填写“男”或“女”", id="gb-code-0"),
        pytest.param("9", "性别不能为“9”（未知或未说明），请填写“男”或“女”", id="gb-code-9"),
        pytest.param("未知", "性别不能为“未知”（未知或未说明），请填写“男”或“女”", id="未知"),
        pytest.param("男女", "无法识别的性别：男女（应填写“男”或“女”）", id="both"),
        pytest.param(3, "无法识别的性别：3（应填写“男”或“女”）", id="code-3"),
        pytest.param(True, "无法识别的性别：应填写“男”或“女”", id="bool"),
    ],
)
def test_parse_sex_errors(raw: object, message: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_sex(raw)
    assert excinfo.value.message == message


# ------------------------------------------------------------------ parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(date(1950, 3, 15), date(1950, 3, 15), id="date-object"),
        pytest.param(datetime(1950, 3, 15, 13, 5), date(1950, 3, 15), id="datetime-object"),
        pytest.param("2026-11-22", date(2026, 11, 22), id="iso"),
        pytest.param("2026/11/22", date(2026, 11, 22), id="slashes"),
        pytest.param("2026.11.22", date(2026, 11, 22), id="dots"),
        pytest.param("2026年11月22日", date(2026, 11, 22), id="chinese-ri"),
        pytest.param("2026年11月22号", date(2026, 11, 22), id="chinese-hao"),
        pytest.param("2026 年 11 月 22 日", date(2026, 11, 22), id="chinese-with-spaces"),
        pytest.param("20261122", date(2026, 11, 22), id="compact"),
        pytest.param("2026-1-5", date(2026, 1, 5), id="single-digit-month-day"),
        pytest.param("１９５０－０３－１５", date(1950, 3, 15), id="full-width"),
        pytest.param("１９５０年３月１５日", date(1950, 3, 15), id="full-width-chinese"),
        pytest.param("一九五〇年三月十五日", date(1950, 3, 15), id="chinese-numerals"),
        pytest.param("一九五零年十月一日", date(1950, 10, 1), id="chinese-零-and-十"),
        pytest.param("一九四九年十二月三十一日", date(1949, 12, 31), id="chinese-三十一"),
        pytest.param("一九○五年二月二十日", date(1905, 2, 20), id="white-circle-for-zero"),
        pytest.param("二〇二六年十一月二十二号", date(2026, 11, 22), id="chinese-numerals-hao"),
        pytest.param("1950年三月十五日", date(1950, 3, 15), id="mixed-numerals"),
        pytest.param("2026-11-22 00:00:00", date(2026, 11, 22), id="trailing-time"),
        pytest.param("2026/11/22 8:30", date(2026, 11, 22), id="trailing-short-time"),
        pytest.param("2026-11-22T08:30:00.5", date(2026, 11, 22), id="iso-datetime"),
        pytest.param("2024-02-29", date(2024, 2, 29), id="leap-day"),
        pytest.param("2000年2月29日", date(2000, 2, 29), id="leap-day-400-rule"),
        pytest.param("2099-01-01", date(2099, 1, 1), id="future-allowed"),
        pytest.param(1, date(1900, 1, 1), id="serial-1"),
        pytest.param(59, date(1900, 2, 28), id="serial-59"),
        pytest.param(61, date(1900, 3, 1), id="serial-61-after-fake-leap-day"),
        pytest.param(18337, date(1950, 3, 15), id="serial-1950"),
        pytest.param(45000, date(2023, 3, 15), id="serial-2023"),
        pytest.param(45000.75, date(2023, 3, 15), id="serial-with-time-fraction"),
        pytest.param(2958465, date(9999, 12, 31), id="serial-max"),
        pytest.param(19500315, date(1950, 3, 15), id="yyyymmdd-as-int"),
        pytest.param(19500315.0, date(1950, 3, 15), id="yyyymmdd-as-float"),
        *EMPTY,
        pytest.param(float("nan"), None, id="nan"),
    ],
)
def test_parse_date(raw: object, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("2026年13月1日", "无法识别的日期：2026年13月1日（月份应为1至12）", id="month-13"),
        pytest.param("2026-00-10", "无法识别的日期：2026-00-10（月份应为1至12）", id="month-0"),
        pytest.param("2026-01-32", "无法识别的日期：2026-01-32（日应为1至31）", id="day-32"),
        pytest.param("2026年2月30日", "日期不存在：2026年2月30日", id="feb-30"),
        pytest.param("2023-02-29", "日期不存在：2023-02-29", id="feb-29-common-year"),
        pytest.param("1900-02-29", "日期不存在：1900-02-29", id="feb-29-1900"),
        pytest.param("二〇二三年二月二十九日", "日期不存在：二〇二三年二月二十九日", id="chinese-feb-29"),
        pytest.param("20230229", "日期不存在：20230229", id="compact-feb-29"),
        pytest.param("1950年3月", "日期缺少日：1950年3月", id="year-month-chinese"),
        pytest.param("一九五〇年三月", "日期缺少日：一九五〇年三月", id="year-month-chinese-numerals"),
        pytest.param("1950-03", "日期缺少日：1950-03", id="year-month-iso"),
        pytest.param("195003", "日期缺少日：195003", id="year-month-compact"),
        pytest.param("1950年", "日期缺少月和日：1950年", id="year-only-chinese"),
        pytest.param("1950", "日期缺少月和日：1950", id="year-only-text"),
        pytest.param(1950, "日期缺少月和日：1950", id="year-only-number-not-serial"),
        pytest.param("3月15日", "日期缺少年份：3月15日", id="month-day-chinese"),
        pytest.param("3/15", "日期缺少年份：3/15", id="month-day-slash"),
        pytest.param("50-3-15", "年份应为四位：50-3-15", id="two-digit-year"),
        pytest.param("50年3月15日", "年份应为四位：50年3月15日", id="two-digit-year-chinese"),
        pytest.param("五〇年三月十五日", "年份应为四位：五〇年三月十五日", id="two-digit-year-numerals"),
        pytest.param("500315", "年份应为四位：500315", id="two-digit-year-compact"),
        pytest.param("0950-01-01", "年份不正确：0950-01-01", id="leading-zero-year"),
        pytest.param("15/03/1950", "无法识别的日期：15/03/1950（请按“年-月-日”顺序填写）", id="day-first"),
        pytest.param("2026-11/22", "无法识别的日期：2026-11/22", id="mixed-separators"),
        pytest.param(
            "一九五〇年十三月一日", "无法识别的日期：一九五〇年十三月一日（月份应为1至12）", id="cn-month-13"
        ),
        pytest.param("一九五〇年三月十十日", "无法识别的日期：一九五〇年三月十十日", id="cn-malformed-ten"),
        pytest.param("不详", "无法识别的日期：不详", id="unknown-text"),
        pytest.param("45000", "无法识别的日期：45000", id="serial-as-text"),
        pytest.param(0, "无法识别的日期：0", id="serial-0"),
        pytest.param(-5, "无法识别的日期：-5", id="negative-serial"),
        pytest.param(60, "日期不存在：1900年2月29日（Excel 序号 60）", id="excel-fake-leap-day"),
        pytest.param(2958466, "无法识别的日期：2958466", id="serial-beyond-9999"),
        pytest.param(19500230, "日期不存在：19500230", id="yyyymmdd-int-impossible"),
        pytest.param(float("inf"), "无法识别的日期：数字超出日期范围", id="inf"),
        pytest.param(10**30, "无法识别的日期：数字超出日期范围", id="huge-int"),
        pytest.param(True, "无法识别的日期：是/否值", id="bool"),
        pytest.param(time(8, 30), "单元格是时间而不是日期：08:30:00", id="time-object"),
    ],
)
def test_parse_date_errors(raw: object, message: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_date(raw)
    assert excinfo.value.message == message


def test_parse_date_does_not_reject_future_dates() -> None:
    assert parse_date("2030-01-01", today=date(2026, 1, 1)) == date(2030, 1, 1)


@given(st.integers(min_value=61, max_value=2958465))
def test_excel_serials_match_reference(serial: int) -> None:
    if 1800 <= serial <= 2100:
        return
    assert parse_date(serial) == date(1899, 12, 30) + timedelta(days=serial)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_text_round_trips(value: date) -> None:
    assert parse_date(value.isoformat()) == value
    assert parse_date(f"{value.year}年{value.month}月{value.day}日") == value
    assert parse_date(f"{value.year}{value.month:02d}{value.day:02d}") == value


CELL_VALUES = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789-/.年月日号 〇○零一二三四五六七八九十:T", max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


@given(CELL_VALUES)
def test_parse_date_only_raises_cell_error(raw: object) -> None:
    try:
        result = parse_date(raw)
    except CellError as err:
        assert err.message
    else:
        assert result is None or isinstance(result, date)


# ------------------------------------------------------------------ parse_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("13812345678", "13812345678", id="mobile"),
        pytest.param("138 1234 5678", "13812345678", id="mobile-spaces"),
        pytest.param("138-1234-5678", "13812345678", id="mobile-hyphens"),
        pytest.param("１３８１２３４５６７８", "13812345678", id="mobile-full-width"),
        pytest.param("+86 138 1234 5678", "13812345678", id="plus-86"),
        pytest.param("+8613812345678", "13812345678", id="plus-86-compact"),
        pytest.param("0086-13812345678", "13812345678", id="0086"),
        pytest.param("8613812345678", "13812345678", id="bare-86"),
        pytest.param("19912345678", "19912345678", id="mobile-199"),
        pytest.param(13812345678, "13812345678", id="mobile-int"),
        pytest.param(13812345678.0, "13812345678", id="mobile-float"),
        pytest.param("0513-86123456", "0513-86123456", id="landline"),
        pytest.param("051386123456", "0513-86123456", id="landline-compact"),
        pytest.param("0513 8612 3456", "0513-86123456", id="landline-grouped"),
        pytest.param("(0513)86123456", "0513-86123456", id="landline-parentheses"),
        pytest.param("（０５１３）８６１２３４５６", "0513-86123456", id="landline-full-width-parentheses"),
        pytest.param("010-62345678", "010-62345678", id="beijing"),
        pytest.param("02162345678", "021-62345678", id="shanghai-compact"),
        pytest.param("0913-2345678", "0913-2345678", id="seven-digit-local"),
        pytest.param("+86 513 86123456", "0513-86123456", id="landline-international"),
        pytest.param("0513-86123456转8001", "0513-86123456-8001", id="extension-转"),
        pytest.param("0513-86123456 分机 8001", "0513-86123456-8001", id="extension-分机"),
        pytest.param("0513-86123456 ext. 12", "0513-86123456-12", id="extension-ext"),
        pytest.param("0513-86123456#8001", "0513-86123456-8001", id="extension-hash"),
        pytest.param("0513-86123456-8001", "0513-86123456-8001", id="extension-hyphen"),
        *EMPTY,
    ],
)
def test_parse_phone(raw: object, expected: str | None) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("1381234567", "电话号码格式不正确：1381234567", id="mobile-10-digits"),
        pytest.param("138123456789", "电话号码格式不正确：138123456789", id="mobile-12-digits"),
        pytest.param("12812345678", "电话号码格式不正确：12812345678", id="mobile-12x"),
        pytest.param(
            "86123456",
            "电话号码格式不正确：86123456（固定电话需加区号，如 0513-86123456）",
            id="landline-without-area-code",
        ),
        pytest.param(
            "13812345678/13912345678",
            "电话号码格式不正确：13812345678/13912345678（每格只能填写一个号码）",
            id="two-numbers",
        ),
        pytest.param(
            "13812345678、0513-86123456",
            "电话号码格式不正确：13812345678、0513-86123456（每格只能填写一个号码）",
            id="two-numbers-dunhao",
        ),
        pytest.param("13812345678转1", "电话号码格式不正确：13812345678转1", id="mobile-with-extension"),
        pytest.param("0513-16123456", "电话号码格式不正确：0513-16123456", id="local-starting-1"),
        pytest.param("无", "电话号码格式不正确：无", id="none-written"),
        pytest.param(1381234567.8, "电话号码格式不正确：1381234567.8", id="fractional-float"),
        pytest.param(True, "电话号码格式不正确：是/否值", id="bool"),
    ],
)
def test_parse_phone_errors(raw: object, message: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.message == message


# ------------------------------------------------------------------ parse_bool


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("是", True, id="是"),
        pytest.param("否", False, id="否"),
        pytest.param("有", True, id="有"),
        pytest.param("无", False, id="无"),
        pytest.param("没有", False, id="没有"),
        pytest.param("Y", True, id="Y"),
        pytest.param("n", False, id="n"),
        pytest.param("Yes", True, id="Yes"),
        pytest.param("NO", False, id="NO"),
        pytest.param("TRUE", True, id="TRUE"),
        pytest.param("false", False, id="false"),
        pytest.param("1", True, id="text-1"),
        pytest.param(0, False, id="int-0"),
        pytest.param(1.0, True, id="float-1"),
        pytest.param("√", True, id="check-mark"),
        pytest.param("✓", True, id="check-mark-2"),
        pytest.param("×", False, id="multiplication-sign"),
        pytest.param(True, True, id="bool-true"),
        pytest.param(False, False, id="bool-false"),
        pytest.param(" ｙｅｓ ", True, id="full-width"),
        *EMPTY,
    ],
)
def test_parse_bool(raw: object, expected: bool | None) -> None:
    assert parse_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("也许", "无法识别的是/否值：也许（应填写“是”或“否”）", id="maybe"),
        pytest.param(2, "无法识别的是/否值：2（应填写“是”或“否”）", id="int-2"),
    ],
)
def test_parse_bool_errors(raw: object, message: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_bool(raw)
    assert excinfo.value.message == message


# ------------------------------------------------------------------ parse_choice

LIVING = {
    "独居": "alone",
    "一个人住": "alone",
    "空巢": "empty_nest",
    "与子女同住": "with_children",
    "Other": "other",
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("独居", "alone", id="label"),
        pytest.param("一个人住", "alone", id="synonym"),
        pytest.param("  空巢 ", "empty_nest", id="padded"),
        pytest.param("other", "other", id="case-insensitive"),
        pytest.param("ＯＴＨＥＲ", "other", id="full-width-case-insensitive"),
        *EMPTY,
    ],
)
def test_parse_choice(raw: object, expected: str | None) -> None:
    assert parse_choice(raw, LIVING) == expected


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("养老院", "养老院", id="unknown"),
        # Collapsed to one space, which the label does not have.
        pytest.param("与子女\u3000\u3000同住", "与子女 同住", id="inner-space-is-significant"),
        pytest.param(1, "1", id="number"),
    ],
)
def test_parse_choice_error_lists_one_label_per_code(raw: object, shown: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_choice(raw, LIVING)
    assert excinfo.value.message == f"无法识别的选项：{shown}，应为以下之一：独居、空巢、与子女同住、Other"


def test_parse_choice_normalises_keys_too() -> None:
    assert parse_choice("A座", {" Ａ座 ": "a"}) == "a"


# ------------------------------------------------------------------ parse_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(85, 85, id="int"),
        pytest.param(85.0, 85, id="integral-float"),
        pytest.param("85", 85, id="text"),
        pytest.param(" ８５ ", 85, id="full-width"),
        pytest.param("85.0", 85, id="text-with-dot-zero"),
        pytest.param("-3", -3, id="negative"),
        pytest.param("+3", 3, id="plus-sign"),
        pytest.param("1,234", 1234, id="thousands"),
        pytest.param("1,234,567", 1234567, id="millions"),
        pytest.param(0, 0, id="zero"),
        *EMPTY,
        pytest.param(float("nan"), None, id="nan"),
    ],
)
def test_parse_int(raw: object, expected: int | None) -> None:
    assert parse_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        pytest.param(85.5, {}, "应为整数：85.5", id="fraction"),
        pytest.param("85.5", {}, "应为整数：85.5", id="fraction-text"),
        pytest.param("八十五", {}, "应为整数：八十五", id="chinese-numeral"),
        pytest.param("85岁", {}, "应为整数：85岁", id="with-unit"),
        pytest.param("1,23", {}, "应为整数：1,23", id="bad-thousands"),
        pytest.param(True, {}, "应为整数：是/否值", id="bool"),
        pytest.param(float("inf"), {}, "应为整数：inf", id="inf"),
        pytest.param(-1, {"min_value": 0}, "数值 -1 不能小于 0", id="below-min"),
        pytest.param("121", {"min_value": 0, "max_value": 120}, "数值 121 不能大于 120", id="above-max"),
    ],
)
def test_parse_int_errors(raw: object, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_int(raw, **kwargs)
    assert excinfo.value.message == message


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        pytest.param(0, {"min_value": 0}, 0, id="at-min"),
        pytest.param(120, {"max_value": 120}, 120, id="at-max"),
        pytest.param(None, {"min_value": 1}, None, id="empty-skips-bounds"),
    ],
)
def test_parse_int_bounds_inclusive(raw: object, kwargs: dict[str, int], expected: int | None) -> None:
    assert parse_int(raw, **kwargs) == expected


# ------------------------------------------------------------------ robustness


@pytest.mark.parametrize(
    "parser",
    [clean_text, parse_sex, parse_phone, parse_bool, parse_int],
    ids=lambda f: f.__name__,
)
@given(raw=CELL_VALUES)
def test_other_parsers_only_raise_cell_error(parser: object, raw: object) -> None:
    assert callable(parser)
    try:
        parser(raw)
    except CellError as err:
        assert err.message
