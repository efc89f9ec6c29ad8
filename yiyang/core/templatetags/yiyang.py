from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def wan(value: Any) -> str:
    """Large counts as Chinese readers expect them: 289000 → 28.9万.

    Other languages group thousands instead (289,000): 万 and 亿 have no English equivalent."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    if not (translation.get_language() or "zh").startswith("zh"):
        return f"{n:,}"
    if abs(n) >= 100_000_000:
        return f"{n / 100_000_000:.2f}亿".replace(".00亿", "亿")
    if abs(n) >= 100_000:
        return f"{n / 10_000:.1f}万".replace(".0万", "万")
    return f"{n:,}"


@register.filter
def cn_date(value: datetime.date | None) -> str:
    """2026年11月22日, for printed documents."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


@register.filter
def percent(part: Any, whole: Any) -> str:
    try:
        return f"{100 * int(part) / int(whole):.1f}%"
    except (TypeError, ValueError, ZeroDivisionError):
        return "–"
