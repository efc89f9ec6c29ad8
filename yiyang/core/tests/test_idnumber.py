"""Tests for yiyang.core.idnumber (pure Python, no Django)."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiyang.core.idnumber import (
    IdNumber,
    IdNumberError,
    age_on,
    check_char,
    is_valid_id_number,
    make_id_number,
    mask_id_number,
    normalize_id_text,
    parse_id_number,
)

TODAY = date(2026, 5, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = [
    str(code)
    for block in (range(11, 16), range(21, 24), range(31, 38), range(41, 47), range(50, 55), range(61, 66))
    for code in block
] + ["71", "81", "82"]
STORED_AS_NUMBER = "身份证号被存为数字，末几位已丢失，请将该列设为文本格式后重新填写"


def reference_check_char(body17: str) -> str:
    """The textbook weighted-sum definition, independent of the module's trick."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]


# ------------------------------------------------------------------ valid input

VALID = [
    pytest.param(
        "11010519491231002X",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="verified-example-X",
    ),
    pytest.param(
        "440524188001010014",
        IdNumber("440524188001010014", date(1880, 1, 1), "M", "440524", False),
        id="verified-example-1880",
    ),
    pytest.param(
        "11010519491231002x",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="lowercase-x",
    ),
    pytest.param(
        "110105491231002",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", True),
        id="legacy-15-digit",
    ),
    pytest.param(
        110105491231002,
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", True),
        id="legacy-15-as-int",
    ),
    pytest.param(
        110105491231002.0,
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", True),
        id="legacy-15-as-float",
    ),
    pytest.param(
        "110105491231002.0",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", True),
        id="legacy-15-as-csv-float-text",
    ),
    pytest.param(
        "１１０１０５１９４９１２３１００２Ｘ",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="full-width-digits-and-X",
    ),
    pytest.param(
        "１１０１０５１９４９１２３１００２ｘ",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="full-width-lowercase-x",
    ),
    pytest.param(
        "\u3000 110105 19491231 002X\xa0\t",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="ideographic-space-nbsp-tab",
    ),
    pytest.param(
        "110105-19491231-002X",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="inner-hyphens",
    ),
    pytest.param(
        "\ufeff11010519491231\u200b002X",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="bom-and-zero-width-space",
    ),
    pytest.param(
        "'11010519491231002X",
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="excel-text-apostrophe",
    ),
    pytest.param(
        '="11010519491231002X"',
        IdNumber("11010519491231002X", date(1949, 12, 31), "F", "110105", False),
        id="csv-formula-text-wrapper",
    ),
    pytest.param(
        make_id_number("320624", date(1938, 6, 1), 11),
        IdNumber(make_id_number("320624", date(1938, 6, 1), 11), date(1938, 6, 1), "M", "320624", False),
        id="retired-nantong-code-320624",
    ),
    pytest.param(
        make_id_number("320683", date(1940, 2, 29), 22),
        IdNumber(make_id_number("320683", date(1940, 2, 29), 22), date(1940, 2, 29), "F", "320683", False),
        id="retired-code-320683-leap-day-birth",
    ),
    pytest.param(
        make_id_number("820000", TODAY, 1),
        IdNumber(make_id_number("820000", TODAY, 1), TODAY, "M", "820000", False),
        id="born-today-macau",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), VALID)
def test_parse_valid(raw: object, expected: IdNumber) -> None:
    assert parse_id_number(raw, today=TODAY) == expected


@pytest.mark.parametrize(("raw", "expected"), VALID)
def test_is_valid_for_valid_input(raw: object, expected: IdNumber) -> None:
    assert is_valid_id_number(raw)


# ------------------------------------------------------------------ errors

ERRORS = [
    pytest.param(None, "empty", "身份证号为空", id="none"),
    pytest.param("", "empty", "身份证号为空", id="empty-string"),
    pytest.param(" \u3000\xa0", "empty", "身份证号为空", id="whitespace-only"),
    pytest.param(3.20612195003e17, "stored_as_number", STORED_AS_NUMBER, id="float-18-digit"),
    pytest.param(320612195003151234, "stored_as_number", STORED_AS_NUMBER, id="int-18-digit"),
    pytest.param(1234567890123456, "stored_as_number", STORED_AS_NUMBER, id="int-16-digit"),
    pytest.param("3.20612195003E+17", "stored_as_number", STORED_AS_NUMBER, id="scientific-text"),
    pytest.param("3.20612195003e+17", "stored_as_number", STORED_AS_NUMBER, id="scientific-text-lower"),
    pytest.param(
        "３．２０６１２１９５００３Ｅ＋１７", "stored_as_number", STORED_AS_NUMBER, id="scientific-full-width"
    ),
    pytest.param("320612195003151000", "stored_as_number", STORED_AS_NUMBER, id="last-three-zeroed"),
    pytest.param("320612195003151234.0", "stored_as_number", STORED_AS_NUMBER, id="18-digit-float-text"),
    pytest.param(12345, "bad_format", "身份证号应为18位（旧号15位），实际为5位", id="short-int"),
    pytest.param(-110105491231002, "bad_format", "身份证号不能是负数", id="negative-int"),
    pytest.param(1.5, "bad_format", "身份证号不能是小数", id="fractional-float"),
    pytest.param(float("nan"), "bad_format", "身份证号不能是小数", id="nan"),
    pytest.param(float("inf"), "bad_format", "身份证号不能是小数", id="inf"),
    pytest.param(True, "bad_format", "身份证号不能是“是/否”值", id="bool"),
    pytest.param(date(1949, 12, 31), "bad_format", "身份证号格式不正确", id="date-object"),
    pytest.param("1101051949123100", "bad_format", "身份证号应为18位（旧号15位），实际为16位", id="16-chars"),
    pytest.param(
        "11010519491231002X1", "bad_format", "身份证号应为18位（旧号15位），实际为19位", id="19-chars"
    ),
    pytest.param("11010519491231O02X", "bad_format", "身份证号含有无效字符“O”", id="letter-O-for-zero"),
    pytest.param("11010519491231X021", "bad_format", "身份证号只有最后一位可以是 X", id="inner-X"),
    pytest.param("11010549123100X", "bad_format", "15位旧身份证号只能由数字组成", id="15-with-X"),
    pytest.param(
        "11010517491231002X", "bad_date", "出生年份 1749 无效，应在1800至2099年之间", id="century-17"
    ),
    pytest.param("110105194913310029", "bad_date", "出生日期不存在：1949年13月31日", id="month-13"),
    pytest.param("110105195002300029", "bad_date", "出生日期不存在：1950年02月30日", id="feb-30"),
    pytest.param("110105194902290029", "bad_date", "出生日期不存在：1949年02月29日", id="feb-29-common-year"),
    pytest.param("110105194912000029", "bad_date", "出生日期不存在：1949年12月00日", id="day-00"),
    pytest.param("110105491331002", "bad_date", "出生日期不存在：1949年13月31日", id="legacy-month-13"),
    pytest.param("110105202605020018", "future_date", "出生日期 2026-05-02 晚于今天", id="tomorrow"),
    pytest.param(
        "110105194912310021", "bad_checksum", "校验码不符：号码有误，请核对证件", id="checksum-X-expected"
    ),
    pytest.param(
        "440524188001010015", "bad_checksum", "校验码不符：号码有误，请核对证件", id="checksum-digit"
    ),
    pytest.param(
        "11010519491213002X", "bad_checksum", "校验码不符：号码有误，请核对证件", id="swapped-digits"
    ),
    pytest.param(
        "99010519491231002X", "bad_province", "前两位 99 不是有效的省级行政区代码", id="province-99"
    ),
    pytest.param(
        "83010519491231002X", "bad_province", "前两位 83 不是有效的省级行政区代码", id="province-83"
    ),
    pytest.param(
        "010105491231002", "bad_province", "前两位 01 不是有效的省级行政区代码", id="legacy-province-01"
    ),
]


@pytest.mark.parametrize(("raw", "code", "message"), ERRORS)
def test_parse_errors(raw: object, code: str, message: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        parse_id_number(raw, today=TODAY)
    assert excinfo.value.code == code
    assert excinfo.value.message == message
    assert str(excinfo.value) == message


def test_every_error_code_is_covered() -> None:
    codes = {p.values[1] for p in ERRORS}
    assert codes == {
        "empty",
        "stored_as_number",
        "bad_format",
        "bad_date",
        "future_date",
        "bad_checksum",
        "bad_province",
    }


def test_error_is_value_error_and_pickles() -> None:
    err = IdNumberError("bad_checksum", "校验码应为 X，实际为 5")
    assert isinstance(err, ValueError)
    clone = pickle.loads(pickle.dumps(err))
    assert (clone.code, clone.message, str(clone)) == (err.code, err.message, str(err))


def test_future_check_uses_real_today_by_default() -> None:
    future = make_id_number("110105", date(2099, 1, 1), 1)
    assert not is_valid_id_number(future)
    with pytest.raises(IdNumberError) as excinfo:
        parse_id_number(future)
    assert excinfo.value.code == "future_date"


def test_today_parameter_also_applies_to_old_dates() -> None:
    with pytest.raises(IdNumberError) as excinfo:
        parse_id_number("11010519491231002X", today=date(1949, 12, 30))
    assert excinfo.value.code == "future_date"


def test_trusted_zero_ending_with_good_checksum_is_accepted() -> None:
    # Real numbers can end in "000" (sequence x00, check 0); only a failing
    # checksum marks them as Excel-truncated.
    for seq in range(0, 1000, 100):
        value = make_id_number("320612", date(1950, 3, 15), seq)
        if value.endswith("000"):
            assert parse_id_number(value, today=TODAY).value == value
            break
    else:  # pragma: no cover - depends only on constants
        pytest.fail("no sequence produced a number ending in 000")


@pytest.mark.parametrize("province", PROVINCES)
def test_every_province_accepted(province: str) -> None:
    value = make_id_number(province + "0000", date(1950, 1, 1), 1)
    assert parse_id_number(value, today=TODAY).region_code == province + "0000"


# ------------------------------------------------------------------ normalize_id_text

NORMALIZE = [
    pytest.param(None, "", id="none"),
    pytest.param("11010519491231002X", "11010519491231002X", id="already-clean"),
    pytest.param(" 1101 0519-4912－3100 2x ", "11010519491231002X", id="spaces-ascii-and-fullwidth-hyphen"),
    pytest.param("１２ab", "12AB", id="full-width-digits-uppercased"),
    pytest.param(110105491231002, "110105491231002", id="15-digit-int"),
    pytest.param(110105491231002.0, "110105491231002", id="15-digit-float"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE)
def test_normalize_id_text(raw: object, expected: str) -> None:
    assert normalize_id_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(320612195003151234, id="int"),
        pytest.param(3.20612195003151e17, id="float"),
        pytest.param("3.20612195003151E+17", id="scientific"),
        pytest.param("320612195003151234.0", id="decimal-text"),
    ],
)
def test_normalize_rejects_numbers(raw: object) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        normalize_id_text(raw)
    assert excinfo.value.code == "stored_as_number"


# ------------------------------------------------------------------ check_char


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("11010519491231002", "X", id="X"),
        pytest.param("44052418800101001", "4", id="four"),
        pytest.param("00000000000000000", "1", id="all-zero"),
        pytest.param("32061219500315123", reference_check_char("32061219500315123"), id="reference"),
    ],
)
def test_check_char(body: str, expected: str) -> None:
    assert check_char(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("1101051949123100", id="16-digits"),
        pytest.param("110105194912310021", id="18-digits"),
        pytest.param("1101051949123100X", id="X-in-body"),
        pytest.param("１１０１０５１９４９１２３１００２", id="full-width"),
        pytest.param("+1010519491231002", id="sign"),
        pytest.param("1_010519491231002", id="underscore"),
    ],
)
def test_check_char_rejects_bad_body(body: str) -> None:
    with pytest.raises(IdNumberError) as excinfo:
        check_char(body)
    assert excinfo.value.code == "bad_format"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_weighted_sum(body: str) -> None:
    assert check_char(body) == reference_check_char(body)


# ------------------------------------------------------------------ mask


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("320612195003151234", "320612********1234", id="18"),
        pytest.param("11010519491231002X", "110105********002X", id="18-with-X"),
        pytest.param("110105491231002", "110**********02", id="15"),
        pytest.param("123456", "123*56", id="6"),
        pytest.param("12345", "*****", id="5-fully-hidden"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_id_number(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected
    assert len(mask_id_number(value)) == len(value)


# ------------------------------------------------------------------ age_on


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        pytest.param(date(1950, 3, 15), date(2026, 3, 14), 75, id="day-before-birthday"),
        pytest.param(date(1950, 3, 15), date(2026, 3, 15), 76, id="on-birthday"),
        pytest.param(date(1950, 3, 15), date(2026, 12, 31), 76, id="after-birthday"),
        pytest.param(date(1950, 3, 15), date(1950, 3, 15), 0, id="day-of-birth"),
        pytest.param(date(1948, 2, 29), date(2026, 2, 28), 77, id="leap-birthday-feb-28-common-year"),
        pytest.param(date(1948, 2, 29), date(2026, 3, 1), 78, id="leap-birthday-mar-1-common-year"),
        pytest.param(date(1948, 2, 29), date(2028, 2, 28), 79, id="leap-birthday-feb-28-leap-year"),
        pytest.param(date(1948, 2, 29), date(2028, 2, 29), 80, id="leap-birthday-in-leap-year"),
        pytest.param(date(1949, 12, 31), date(2026, 1, 1), 76, id="new-years-day"),
    ],
)
def test_age_on(birth: date, on: date, expected: int) -> None:
    assert age_on(birth, on) == expected


def test_age_on_rejects_date_before_birth() -> None:
    with pytest.raises(ValueError):
        age_on(date(1950, 3, 15), date(1950, 3, 14))


# ------------------------------------------------------------------ make_id_number


@pytest.mark.parametrize(
    ("region", "birth", "sequence", "expected"),
    [
        pytest.param("110105", date(1949, 12, 31), 2, "11010519491231002X", id="verified-X"),
        pytest.param("440524", date(1880, 1, 1), 1, "440524188001010014", id="verified-1880"),
    ],
)
def test_make_id_number_known(region: str, birth: date, sequence: int, expected: str) -> None:
    assert make_id_number(region, birth, sequence) == expected


@pytest.mark.parametrize(
    ("region", "birth", "sequence"),
    [
        pytest.param("99010", date(1950, 1, 1), 1, id="short-region"),
        pytest.param("990105", date(1950, 1, 1), 1, id="bad-province"),
        pytest.param("１１０１０５", date(1950, 1, 1), 1, id="full-width-region"),
        pytest.param("110105", date(1799, 12, 31), 1, id="year-too-early"),
        pytest.param("110105", date(2100, 1, 1), 1, id="year-too-late"),
        pytest.param("110105", date(1950, 1, 1), -1, id="negative-sequence"),
        pytest.param("110105", date(1950, 1, 1), 1000, id="sequence-too-large"),
    ],
)
def test_make_id_number_rejects(region: str, birth: date, sequence: int) -> None:
    with pytest.raises(ValueError):
        make_id_number(region, birth, sequence)


@given(
    province=st.sampled_from(PROVINCES),
    rest=st.text(alphabet="0123456789", min_size=4, max_size=4),
    birth=st.dates(min_value=date(1800, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_make_id_number_round_trips(province: str, rest: str, birth: date, sequence: int) -> None:
    value = make_id_number(province + rest, birth, sequence)
    parsed = parse_id_number(value, today=TODAY)
    assert parsed.value == value
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if sequence % 2 else "F")
    assert parsed.region_code == province + rest
    assert not parsed.converted_from_15
    assert parse_id_number(value.lower(), today=TODAY) == parsed


@given(
    province=st.sampled_from(PROVINCES),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_legacy_15_converts_to_18(province: str, birth: date, sequence: int) -> None:
    value18 = make_id_number(province + "0102", birth, sequence)
    value15 = value18[:6] + value18[8:17]
    parsed = parse_id_number(value15, today=TODAY)
    assert parsed.value == value18
    assert parsed.converted_from_15
    assert parsed.birth_date == birth


# ------------------------------------------------------------------ robustness

ANY_CELL = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789xX-. ０１２３４５６７８９Ｘｘ\u3000E+", max_size=25),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)


@given(ANY_CELL)
def test_parse_never_raises_other_errors(raw: object) -> None:
    try:
        result = parse_id_number(raw, today=TODAY)
    except IdNumberError as err:
        assert err.code in {
            "empty",
            "stored_as_number",
            "bad_format",
            "bad_date",
            "future_date",
            "bad_checksum",
            "bad_province",
        }
        assert err.message
    else:
        assert len(result.value) == 18
        assert result.value[-1] == check_char(result.value[:17])
        assert parse_id_number(result.value, today=TODAY) == result or result.converted_from_15
