from __future__ import annotations

import datetime
from typing import Any

from django import template

from yiyang.core import numbers

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def compact(value: Any) -> str:
    """A count where space is short: 289000 → 28.9万 (English 289k); see core.numbers."""
    return numbers.compact(value)


#: The first name of :func:`compact`, still used by templates.
wan = register.filter("wan", compact)


@register.filter
def grouped(value: Any) -> str:
    """A count in a table or a sentence: 289000 → 289,000."""
    return numbers.grouped(value)


@register.filter
def money(value: Any) -> str:
    """An amount of yuan: 1234.5 → 1,234.50."""
    return numbers.money(value)


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


def _audit_reader(context: Any) -> Any:
    from yiyang.core.audit_reading import AuditReader

    reader = context.get("audit_reader")
    if reader is None:
        request = context.get("request")
        reader = AuditReader(getattr(request, "user", None))
        context["audit_reader"] = reader
    return reader


@register.inclusion_tag("core/_audit_changes.html", takes_context=True)
def audit_changes(context: Any, entry: Any) -> dict[str, Any]:
    """An audit row's before/after as a table of field labels and display values."""
    return {"changes": _audit_reader(context).changes(entry)}


@register.simple_tag(takes_context=True)
def audit_operation(context: Any, entry: Any) -> str:
    """An audit row's operation in words (派单), not its verb (workorder.dispatch)."""
    return str(_audit_reader(context).operation(entry))


@register.simple_tag(takes_context=True)
def table_body(context: template.Context, table: Any) -> str:
    """A django-tables2 table's ``<tbody>``, built in Python: what its template does, without a
    template node per cell (an elder list page's 450 cells cost more than its queries).

    Each cell is the column's own rendering (``BoundRow.items``) and each ``<td>`` its attributes for
    that row, output as ``{{ cell }}`` would be: localised, escaped unless safe."""
    from django.template.base import render_value_in_context
    from django.utils import formats
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    rows = table.paginated_rows if hasattr(table, "page") else table.rows
    tbody: Any = table.attrs.get("tbody") if hasattr(table.attrs, "get") else None
    parts = [f"<tbody {tbody.as_html() if hasattr(tbody, 'as_html') else ''}>"]
    empty = True
    for row in rows:
        empty = False
        cells = []
        for column, cell in row.items():
            if column.localize is None:
                text = render_value_in_context(cell, context)
            else:
                text = conditional_escape(formats.localize(cell, use_l10n=column.localize))
            cells.append(f"<td {column.attrs['td'].as_html()}>{text}</td>")
        parts.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    if empty and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    parts.append("</tbody>")
    return mark_safe("".join(parts))
