from __future__ import annotations

import datetime
import inspect
from functools import partial, partialmethod
from typing import Any

from django import template
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from yiyang.core import numbers

register = template.Library()


@register.simple_tag(takes_context=True)
def sidebar_menu(context: Any) -> str:
    """The left-hand menu's groups and entries (``core.navigation.menu_html``)."""
    from django.utils.safestring import mark_safe

    from yiyang.core.navigation import menu_html

    request = context.get("request")
    return mark_safe(menu_html(context.get("menu") or [], getattr(request, "path", "")))


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


_UNSET = object()


def _has_callable(value: Any) -> bool:
    if callable(value):
        return True
    if isinstance(value, dict):
        return any(_has_callable(v) for v in value.values())
    return False


class _CellPlan:
    """What a column's cells need, worked out once per table rather than once per cell: the
    arguments its render function takes (django-tables2 inspects the signature for every cell) and
    its ``<td>`` attributes when they do not depend on the row (no callable among them)."""

    def __init__(self, table: Any, column: Any) -> None:
        from django_tables2 import Column
        from django_tables2.utils import signature

        self.column = column
        self.render_fn = column.render
        self.args, self.catch_all = signature(self.render_fn)
        # django-tables2's own Column.render and no link: the value is the cell as it is
        self.as_is = getattr(self.render_fn, "__func__", None) is Column.render and not column.link
        attrs = {**dict(table.attrs), **dict(column.column.attrs)}
        self._ways: dict[type, Any] = {}
        self.td = (
            None if _has_callable(attrs.get("td", attrs.get("cell", {}))) else column.attrs["td"].as_html()
        )

    def cell(self, row: Any) -> Any:
        """What ``BoundRow.get_cell`` gives, the model field's value read directly when the column
        shows one field of the record (its choice's label as ``get_FOO_display`` gives it)."""
        record = row.record
        way = self._ways.get(type(record), _UNSET)
        if way is _UNSET:
            way = self._ways[type(record)] = self._way_for(record)
        column = self.column
        if way is None:
            return row._get_and_render_with(column, partial(self.render, row), column.default)
        path, labels = way
        value = record
        for name in path:  # a field of the record, or of a record it refers to (area__name)
            value = getattr(value, name)
            if value is None:
                break
        if labels is not None:
            value = force_str(labels.get(make_hashable(value), value), strings_only=True)
        if value in column.column.empty_values:
            return column.default
        return value if self.as_is else self.render(row, column, value)

    def _way_for(self, record: Any) -> tuple[tuple[str, ...], dict[Any, Any] | None] | None:
        """(attributes to follow, labels of its choices or None) when the accessor names one concrete
        field of a model instance, or (for a column shown as it is) of a record it refers to by a
        foreign key (``area__name``), and the label is Django's own ``get_FOO_display``; None:
        django-tables2's way."""
        from django.core.exceptions import FieldDoesNotExist
        from django.db import models

        accessor = str(self.column.accessor)
        if not isinstance(record, models.Model) or "." in accessor:
            return None
        *links, name = accessor.split("__")
        if links and not self.as_is:
            return None
        model: Any = type(record)
        try:
            for link in links:
                field = model._meta.get_field(link)
                if not (getattr(field, "concrete", False) and (field.many_to_one or field.one_to_one)):
                    return None
                model = field.related_model
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if (
            not isinstance(field, models.Field)
            or not getattr(field, "concrete", False)
            or field.is_relation
            or field.attname != name
        ):
            return None
        path = (*links, name)
        if not getattr(field, "choices", None):
            return path, None
        if links or not isinstance(inspect.getattr_static(model, f"get_{name}_display", None), partialmethod):
            return None  # a model's own get_FOO_display: let django-tables2 call it
        # Django's _get_FIELD_display, its labels made text once for the table (one language a request)
        return path, {k: force_str(v, strings_only=True) for k, v in make_hashable(field.flatchoices)}

    def render(self, row: Any, bound_column: Any, value: Any = None) -> Any:
        # BoundRow._call_render, with the signature looked up once (call_with_appropriate)
        column = self.column
        kwargs = {
            "value": value,
            "record": row.record,
            "column": column.column,
            "bound_column": column,
            "bound_row": row,
            "table": row.table,
        }
        if self.catch_all:
            content = self.render_fn(**kwargs)
        elif all(a in kwargs for a in self.args):
            content = self.render_fn(**{a: kwargs[a] for a in self.args})
        else:
            content = None
        return column.link(content, **kwargs) if column.link else content


@register.simple_tag(takes_context=True)
def table_body(context: template.Context, table: Any) -> str:
    """A django-tables2 table's ``<tbody>``, built in Python: what its template does, without a
    template node per cell (an elder list page's 450 cells cost more than its queries).

    Each cell is the column's own rendering (what ``BoundRow.items`` yields, through the row's own
    value look-up: choices displayed, empty values defaulted) and each ``<td>`` its attributes for
    that row, output as ``{{ cell }}`` would be: localised, escaped unless safe. What does not change
    from row to row (the render function's signature, attributes without callables) is worked out
    once per column (``_CellPlan``)."""
    from html import escape

    from django.conf import settings
    from django.template.base import render_value_in_context
    from django.utils import formats
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    rows = table.paginated_rows if hasattr(table, "page") else table.rows
    tbody: Any = table.attrs.get("tbody") if hasattr(table.attrs, "get") else None
    parts = [f"<tbody {tbody.as_html() if hasattr(tbody, 'as_html') else ''}>"]
    plans = [_CellPlan(table, column) for column in table.columns]
    autoescape = context.autoescape
    grouping = settings.USE_THOUSAND_SEPARATOR  # without it, localize() gives an integer as str() does
    row_attrs: dict[tuple[Any, ...], str] = {}
    empty = True
    for row in rows:
        empty = False
        cells = []
        for plan in plans:
            column = plan.column
            cell = plan.cell(row)
            if plan.td is None:
                # attributes computed from the record and value, as BoundRow.items() lets them be
                column.current_value, column.current_record = cell, row.record
                td = column.attrs["td"].as_html()
            else:
                td = plan.td
            if column.localize is None:
                # render_value_in_context, which gives a plain string escaped (or as it is)
                if type(cell) is str:
                    text = escape(cell) if autoescape else cell
                elif type(cell) is int and not grouping:
                    text = str(cell)
                else:
                    text = render_value_in_context(cell, context)
            else:
                text = conditional_escape(formats.localize(cell, use_l10n=column.localize))
            cells.append(f"<td {td}>{text}</td>")
        attrs = row.attrs  # the same few (class="even", "odd") on most rows: made once each
        key = tuple(attrs.items())
        if all(type(value) is str for _name, value in key):
            html = row_attrs.get(key) or row_attrs.setdefault(key, attrs.as_html())
        else:
            html = attrs.as_html()
        parts.append(f"<tr {html}>{''.join(cells)}</tr>")
    if empty and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    parts.append("</tbody>")
    return mark_safe("".join(parts))
