"""Numbers as people read them: one set of rules for pages, tables and charts.

* :func:`compact` — a count where space is short (dashboard cards, chart axes): 28.9万 and 1.23亿 in
  Chinese; in English 289k and 1.23M (万 and 亿 have no English word, and a thousand-based short form
  keeps English cards as short as Chinese ones). Counts under 100,000 are shown whole: 12,345.
* :func:`grouped` — a count anywhere else (tables, totals): 289,000, in both languages.
* :func:`money` — an amount of yuan, always with two decimals and grouped: 1,234.50.

``static/yiyang/numbers.js`` applies the same rules in the browser (ECharts axis labels and tooltips);
``core/tests/test_numbers.py`` holds both to one table of cases.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import translation

#: (threshold, divisor, unit, decimals) from the largest; a count below the last threshold is whole.
_UNITS = {
    "zh": ((100_000_000, 100_000_000, "亿", 2), (100_000, 10_000, "万", 1)),
    "en": ((1_000_000_000, 1_000_000_000, "B", 2), (1_000_000, 1_000_000, "M", 2), (100_000, 1_000, "k", 0)),
}


def _number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _language(language: str | None) -> str:
    code = language or translation.get_language() or "zh-hans"
    return "zh" if code.startswith("zh") else "en"


def _round(number: Decimal, decimals: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _short(number: Decimal, decimals: int) -> str:
    text = f"{_round(number, decimals):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def grouped(value: Any) -> str:
    """289000 → "289,000"; a count with decimals keeps them (12345.5 → "12,345.5"); not a number → ""."""
    number = _number(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,f}"


def money(value: Any) -> str:
    """An amount of yuan: 1234.5 → "1,234.50" (rounded half up to the fen); not a number → ""."""
    number = _number(value)
    if number is None:
        return ""
    rounded = _round(number, 2)
    return f"{rounded + 0:,.2f}"  # + 0 turns -0.00 into 0.00


def compact(value: Any, language: str | None = None) -> str:
    """A count in little space: 289000 → "28.9万" (Chinese) or "289k" (English); 12345 → "12,345"."""
    number = _number(value)
    if number is None:
        return ""
    number = _round(number, 0)
    units = _UNITS[_language(language)]
    size = abs(number)
    for index, (threshold, divisor, unit, decimals) in enumerate(units):
        if size < threshold:
            continue
        scaled = _round(size / divisor, decimals)
        # 99,999,999 rounds to 10000.0万: that is 1亿, the next unit up.
        if index > 0 and scaled * divisor >= units[index - 1][0]:
            threshold, divisor, unit, decimals = units[index - 1]
            scaled = _round(size / divisor, decimals)
        sign = "-" if number < 0 else ""
        return f"{sign}{_short(scaled, decimals)}{unit}"
    return grouped(number)
