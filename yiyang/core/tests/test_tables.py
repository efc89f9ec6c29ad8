"""Shared table columns."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import django_tables2 as tables
from django.test import RequestFactory
from django.urls import reverse

from yiyang.core.tables import ElderColumn
from yiyang.core.testing import table_both_ways


class ElderTable(tables.Table):
    elder = ElderColumn()


def test_elder_column_links_the_name_for_readers_who_may_open_the_elders_page(world: Any) -> None:
    record = SimpleNamespace(elder_id=7, elder=SimpleNamespace(name="张<三>"))
    table = ElderTable([record])
    table.request = RequestFactory().get("/")
    table.request.user = world.bob
    link = f'<a href="{reverse("people:elder_detail", args=[7])}">张&lt;三&gt;</a>'
    assert table.rows[0].get_cell("elder") == link
    assert str(ElderTable([record]).rows[0].get_cell("elder")) == "张&lt;三&gt;"  # no reader, no link


class _Mixed(tables.Table):
    name = tables.Column(attrs={"td": {"class": lambda record: f"row-{record['n']}"}})
    amount = tables.Column(localize=False)
    when = tables.DateColumn(format="Y-m-d")
    note = tables.Column(empty_values=())

    def render_note(self, record: dict[str, Any]) -> Any:
        from django.utils.html import format_html

        return format_html("<b>{}</b>", record["name"])


def test_the_python_table_body_renders_what_the_django_tables2_template_does() -> None:
    import datetime

    from django.template import Context, Template

    rows = [
        {"n": 1, "name": "张<三>", "amount": 12345, "when": datetime.date(2026, 3, 1)},
        {"n": 2, "name": "李四", "amount": 1.5, "when": None},
    ]
    request = RequestFactory().get("/")
    html, theirs = table_both_ways(_Mixed, rows, request)
    assert html == theirs
    assert '<td class="row-1">张&lt;三&gt;</td>' in html and "<b>李四</b>" in html

    fast = Template('{% load django_tables2 %}{% render_table table "generic/table.html" %}')
    empty = _Mixed([])
    assert "没有" not in fast.render(Context({"table": empty, "request": request}))
    empty.empty_text = "没有记录"
    assert '<td colspan="4">没有记录</td>' in fast.render(Context({"table": empty, "request": request}))


class _Areas(tables.Table):
    name = tables.Column()
    parent = tables.Column(accessor="parent__name")  # through a foreign key, None for the district
    grand = tables.Column(accessor="parent__parent__code")
    level = tables.Column()  # a choice: its label
    parent_level = tables.Column(accessor="parent__level")  # a choice through a key: django-tables2's way
    pk = tables.Column(accessor="id")  # an integer


def test_the_python_table_body_reads_fields_through_foreign_keys_as_django_tables2_does(world: Any) -> None:
    from yiyang.areas.models import Area

    areas = list(Area.objects.select_related("parent__parent").order_by("path"))
    assert any(a.parent is None for a in areas) and any(a.parent and a.parent.parent for a in areas)
    html, theirs = table_both_ways(_Areas, areas, RequestFactory().get("/"))
    assert html == theirs
    district = next(a for a in areas if a.parent is None)
    assert f"<td>{district.name}</td><td>—</td><td>—</td>" in html
