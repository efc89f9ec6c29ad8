"""Parsers for messy spreadsheet cells (python-calamine / csv values).

Every parser returns None for an empty cell; whether a value is required is
the caller's decision. Unusable values raise CellError with a message in the
active language (Chinese inside ``records_language()``, as imports run).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

__all__ = [
    "CellError",
    "clean_text",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_int",
    "parse_phone",
    "parse_sex",
]


class CellError(ValueError):
    """A cell value that cannot be used; ``message`` is for users, in the active language."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _build_text_translation() -> dict[int, str | None]:
    # Only the Halfwidth and Fullwidth Forms block is folded. NFKC would also
    # rewrite CJK compatibility ideographs, which do occur in people's names.
    table: dict[int, str | None] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    # Zero-width characters are not whitespace to str.split(), and arrive
    # with text pasted from web pages and WeChat.
    for cp in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[cp] = None
    return table


_TEXT_TRANSLATION = _build_text_translation()


def _number_text(value: float) -> str:
    # Excel shows 1.0 as "1"; repr-style "1.0" would leak into codes and names.
    if math.isfinite(value) and value.is_integer():
        return str(int(value))
    return repr(value)


# Anything clean_text would change in a string: whitespace, or a character the table folds.
_NEEDS_CLEANING = re.compile(r"[\s\u00AD\u200B-\u200D\u2060\uFEFF\uFF01-\uFF5E]")


def clean_text(raw: object) -> str | None:
    """Trimmed, whitespace-collapsed, half-width text; None when empty."""
    if raw is None:
        return None
    if isinstance(raw, str):
        # Most cells are already clean; one regex scan is ~8x cheaper than translate + split + join,
        # which matters at millions of cells per import.
        if _NEEDS_CLEANING.search(raw) is None:
            return raw or None
        text = " ".join(raw.translate(_TEXT_TRANSLATION).split())
        return text or None
    if isinstance(raw, bool):
        # What Excel displays for a boolean cell.
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        return _number_text(raw)
    if isinstance(raw, datetime):
        if raw.time() == time(0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return clean_text(str(raw))


# ---------------------------------------------------------------- sex

_SEXES = {
    "男": "M",
    "男性": "M",
    "m": "M",
    "male": "M",
    "1": "M",
    "女": "F",
    "女性": "F",
    "f": "F",
    "female": "F",
    "2": "F",
}


def parse_sex(raw: object) -> str | None:
    """Sex as "M" or "F"; GB/T 2261.1 codes 1/2 accepted, 0/9 rejected."""
    if isinstance(raw, bool):
        raise CellError(_("无法识别的性别：应填写“男”或“女”"))
    text = clean_text(raw)
    if text is None:
        return None
    sex = _SEXES.get(text.lower())
    if sex is not None:
        return sex
    if text in ("0", "9", "未知", "未说明", "未知的性别", "未说明的性别"):
        raise CellError(_("性别不能为“%(text)s”（未知或未说明），请填写“男”或“女”") % {"text": text})
    raise CellError(_("无法识别的性别：%(text)s（应填写“男”或“女”）") % {"text": text})


# ---------------------------------------------------------------- dates

# Excel's 1900 date system counts 1900-02-29, which never existed: serials
# 1-59 are offset from 1899-12-31 and serials from 61 on from 1899-12-30.
_EXCEL_EPOCH_EARLY = date(1899, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

_CN_DIGITS = {
    "〇": 0,
    "○": 0,  # WHITE CIRCLE, the usual IME substitute for 〇
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"[0-9〇○零一二三四五六七八九十]+"
_TIME_SUFFIX_RE = re.compile(r"(.*?)(?:\s*T|\s+)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?", re.ASCII)
_CN_DATE_RE = re.compile(rf"({_NUM})\s*年\s*({_NUM})\s*月\s*({_NUM})\s*[日号]?")
_CN_PARTIAL_RE = re.compile(rf"({_NUM})\s*年(?:\s*({_NUM})\s*月?)?")
_CN_NO_YEAR_RE = re.compile(rf"({_NUM})\s*月\s*({_NUM})\s*[日号]?")
_SEP_DATE_RE = re.compile(r"([0-9]+)\s*([-/.])\s*([0-9]+)\s*\2\s*([0-9]+)", re.ASCII)
_SEP_PARTIAL_RE = re.compile(r"([0-9]+)\s*[-/.]\s*([0-9]+)", re.ASCII)
_COMPACT_RE = re.compile(r"[0-9]{8}", re.ASCII)
_YEAR_ONLY_RE = re.compile(r"[0-9]{4}", re.ASCII)
_SHORT_COMPACT_RE = re.compile(r"[0-9]{6}", re.ASCII)


def _cn_number(token: str) -> int | None:
    """Arabic or Chinese numeral as int; None if malformed."""
    if token.isascii():
        # Length cap keeps int() away from pathological inputs.
        return int(token) if len(token) <= 4 else None
    if "十" not in token:
        # Digit-by-digit, as years are written: 一九五〇.
        if len(token) > 4:
            return None
        value = 0
        for ch in token:
            digit = _CN_DIGITS.get(ch)
            if digit is None:
                return None
            value = value * 10 + digit
        return value
    # 十 / 十五 / 二十 / 二十三: month and day numbers only.
    tens_text, _ten, units_text = token.partition("十")
    if len(tens_text) > 1 or len(units_text) > 1 or "十" in units_text:
        return None
    tens = 1 if not tens_text else _CN_DIGITS.get(tens_text)
    units = 0 if not units_text else _CN_DIGITS.get(units_text)
    if tens is None or units is None or tens == 0:
        return None
    return tens * 10 + units


def _make_date(year_text: str, month_text: str, day_text: str, original: str) -> date:
    year = _cn_number(year_text)
    month = _cn_number(month_text)
    day = _cn_number(day_text)
    if year is None or month is None or day is None:
        raise CellError(_("无法识别的日期：%(text)s") % {"text": original})
    if len(year_text) != 4:
        raise CellError(_("年份应为四位：%(text)s") % {"text": original})
    if year < 1000:
        raise CellError(_("年份不正确：%(text)s") % {"text": original})
    if not 1 <= month <= 12:
        raise CellError(_("无法识别的日期：%(text)s（月份应为1至12）") % {"text": original})
    if not 1 <= day <= 31:
        raise CellError(_("无法识别的日期：%(text)s（日应为1至31）") % {"text": original})
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("日期不存在：%(text)s") % {"text": original}) from None


def _date_from_number(value: float) -> date:
    if not math.isfinite(value) or not -1e15 < value < 1e15:
        raise CellError(_("无法识别的日期：数字超出日期范围"))
    original = _number_text(value) if isinstance(value, float) else str(value)
    serial = math.floor(value)
    if 10_000_000 <= serial <= 99_999_999 and value == serial:
        # 19500315 typed into a General-format cell.
        return _parse_date_text(str(serial))
    if 1800 <= serial <= 2100 and value == serial:
        # As a serial this is a day in 1904-1905; far likelier a bare year.
        raise CellError(_("日期缺少月和日：%(text)s") % {"text": original})
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise CellError(_("无法识别的日期：%(text)s") % {"text": original})
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH_EARLY + timedelta(days=serial)
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise CellError(_("日期不存在：1900年2月29日（Excel 序号 60）"))
    return _EXCEL_EPOCH + timedelta(days=serial)


def _parse_date_text(text: str) -> date:
    m = _TIME_SUFFIX_RE.fullmatch(text)
    body = m.group(1) if m is not None else text

    m = _SEP_DATE_RE.fullmatch(body)
    if m is not None:
        first, _sep, second, third = m.groups()
        if len(third) == 4 and len(first) <= 2:
            raise CellError(_("无法识别的日期：%(text)s（请按“年-月-日”顺序填写）") % {"text": text})
        return _make_date(first, second, third, text)
    m = _CN_DATE_RE.fullmatch(body)
    if m is not None:
        return _make_date(m.group(1), m.group(2), m.group(3), text)
    if _COMPACT_RE.fullmatch(body) is not None:
        return _make_date(body[:4], body[4:6], body[6:], text)

    if _SHORT_COMPACT_RE.fullmatch(body) is not None:
        if body[:2] in ("18", "19"):
            raise CellError(_("日期缺少日：%(text)s") % {"text": text})
        raise CellError(_("年份应为四位：%(text)s") % {"text": text})
    m = _CN_PARTIAL_RE.fullmatch(body)
    if m is not None:
        if len(m.group(1)) != 4:
            raise CellError(_("年份应为四位：%(text)s") % {"text": text})
        if m.group(2):
            raise CellError(_("日期缺少日：%(text)s") % {"text": text})
        raise CellError(_("日期缺少月和日：%(text)s") % {"text": text})
    m = _SEP_PARTIAL_RE.fullmatch(body)
    if m is not None:
        if len(m.group(1)) == 4:
            raise CellError(_("日期缺少日：%(text)s") % {"text": text})
        raise CellError(_("日期缺少年份：%(text)s") % {"text": text})
    if _CN_NO_YEAR_RE.fullmatch(body) is not None:
        raise CellError(_("日期缺少年份：%(text)s") % {"text": text})
    if _YEAR_ONLY_RE.fullmatch(body) is not None:
        raise CellError(_("日期缺少月和日：%(text)s") % {"text": text})
    raise CellError(_("无法识别的日期：%(text)s") % {"text": text})


def parse_date(raw: object, *, today: date | None = None) -> date | None:
    """A calendar date from a date cell, Excel serial or common text forms.

    Future dates are returned, not rejected: only the caller knows whether
    they make sense. ``today`` is accepted for signature symmetry with
    parse_id_number and is currently unused.
    """
    del today
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, time):
        raise CellError(_("单元格是时间而不是日期：%(text)s") % {"text": raw.isoformat()})
    if isinstance(raw, bool):
        raise CellError(_("无法识别的日期：是/否值"))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        return _date_from_number(raw)
    text = clean_text(raw)
    if text is None:
        return None
    return _parse_date_text(text)


# ---------------------------------------------------------------- phones

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# 010 and 02x are the only three-digit area codes; all others have four.
_LANDLINE_RE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))([2-9][0-9]{6,7})", re.ASCII)
_PHONE_EXT_RE = re.compile(r"(.*?)\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})", re.ASCII | re.IGNORECASE)
_PHONE_SPLIT_RE = re.compile(r"[\s\-‐‑–—－]+")
_PHONE_CHARS_RE = re.compile(r"[0-9+()]+", re.ASCII)
_MULTI_PHONE_RE = re.compile(r"[0-9].*[/,;、，；].*[0-9]")


def _normalize_phone_digits(digits: str) -> str:
    # International prefix: +86 / 0086 always; a bare 86 only in front of a
    # mobile number, where it cannot be a start of a landline.
    if digits.startswith("+86"):
        rest = digits[3:]
    elif digits.startswith("0086"):
        rest = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return digits[2:]
    else:
        return digits
    # Abroad, the trunk 0 of an area code is dropped: +86 513 86123456.
    return rest if rest.startswith("1") else "0" + rest


def _match_phone(groups: list[str], ext: str | None) -> str | None:
    joined = "".join(groups).replace("(", "").replace(")", "")
    if _PHONE_CHARS_RE.fullmatch(joined) is None or "+" in joined[1:]:
        return None
    digits = _normalize_phone_digits(joined)
    if _MOBILE_RE.fullmatch(digits) is not None:
        return digits if ext is None else None
    m = _LANDLINE_RE.fullmatch(digits)
    if m is None:
        return None
    number = f"{m.group(1)}-{m.group(2)}"
    return number if ext is None else f"{number}-{ext}"


def parse_phone(raw: object) -> str | None:
    """Mobile as 11 digits, landline as "0513-86123456[-ext]"."""
    if isinstance(raw, bool):
        raise CellError(_("电话号码格式不正确：是/否值"))
    if type(raw) is str and _MOBILE_RE.fullmatch(raw) is not None:
        return raw  # the common case, already clean
    if isinstance(raw, float) and math.isfinite(raw) and not raw.is_integer():
        raise CellError(_("电话号码格式不正确：%(text)s") % {"text": repr(raw)})
    text = clean_text(raw)
    if text is None:
        return None

    m = _PHONE_EXT_RE.fullmatch(text)
    main, ext = (m.group(1), m.group(2)) if m is not None else (text, None)
    groups = _PHONE_SPLIT_RE.split(main.strip())
    result = _match_phone(groups, ext)
    if result is None and ext is None and len(groups) >= 3 and groups[-1].isdigit() and len(groups[-1]) <= 6:
        # "0513-86123456-8001": a trailing group after a complete number is
        # an extension.
        result = _match_phone(groups[:-1], groups[-1])
    if result is not None:
        return result

    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if _MULTI_PHONE_RE.search(text) is not None and len(digits) > 12:
        raise CellError(_("电话号码格式不正确：%(text)s（每格只能填写一个号码）") % {"text": text})
    if len(digits) in (7, 8) and digits[0] in "23456789":
        raise CellError(
            _("电话号码格式不正确：%(text)s（固定电话需加区号，如 0513-86123456）") % {"text": text}
        )
    raise CellError(_("电话号码格式不正确：%(text)s") % {"text": text})


# ---------------------------------------------------------------- booleans

_BOOLS = {
    "是": True,
    "有": True,
    "y": True,
    "yes": True,
    "true": True,
    "1": True,
    "√": True,
    "✓": True,
    "✔": True,
    "否": False,
    "无": False,
    "没有": False,
    "n": False,
    "no": False,
    "false": False,
    "0": False,
    "×": False,
    "✗": False,
    "✘": False,
}


def parse_bool(raw: object) -> bool | None:
    """是/否 and the usual synonyms."""
    if isinstance(raw, bool):
        return raw
    text = clean_text(raw)
    if text is None:
        return None
    value = _BOOLS.get(text.lower())
    if value is None:
        raise CellError(_("无法识别的是/否值：%(text)s（应填写“是”或“否”）") % {"text": text})
    return value


# ---------------------------------------------------------------- choices


def parse_choice(raw: object, choices: Mapping[str, str]) -> str | None:
    """Map a label or synonym to its code, ignoring case and width."""
    text = clean_text(raw)
    if text is None:
        return None
    code = choices.get(text)
    if code is not None:
        return code
    wanted = text.casefold()
    for label, code in choices.items():
        if (clean_text(label) or "").casefold() == wanted:
            return code
    # The first label per code is the canonical one; synonyms stay out of the
    # message so that it reads like the template's dropdown.
    labels: dict[str, str] = {}
    for label, code in choices.items():
        labels.setdefault(code, label)
    raise CellError(
        _("无法识别的选项：%(text)s，应为以下之一：%(choices)s")
        % {"text": text, "choices": _("、").join(labels.values())}
    )


# ---------------------------------------------------------------- integers

_INT_RE = re.compile(r"[+-]?[0-9]{1,18}(?:\.0*)?", re.ASCII)
_THOUSANDS_RE = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.0*)?", re.ASCII)


def parse_int(raw: object, *, min_value: int | None = None, max_value: int | None = None) -> int | None:
    """An integer, optionally bounded; "1,234" and 12.0 accepted."""
    if isinstance(raw, bool):
        raise CellError(_("应为整数：是/否值"))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if math.isnan(raw):
            return None
        if not raw.is_integer():
            raise CellError(_("应为整数：%(text)s") % {"text": repr(raw)})
        value = int(raw)
    else:
        text = clean_text(raw)
        if text is None:
            return None
        if _INT_RE.fullmatch(text) is None and _THOUSANDS_RE.fullmatch(text) is None:
            raise CellError(_("应为整数：%(text)s") % {"text": text})
        value = int(text.replace(",", "").split(".", 1)[0])
    if min_value is not None and value < min_value:
        raise CellError(_("数值 %(value)s 不能小于 %(min)s") % {"value": value, "min": min_value})
    if max_value is not None and value > max_value:
        raise CellError(_("数值 %(value)s 不能大于 %(max)s") % {"value": value, "max": max_value})
    return value
