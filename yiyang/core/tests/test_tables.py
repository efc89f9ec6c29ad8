"""Shared table columns."""

from __future__ import annotations

from types import SimpleNamespace

import django_tables2 as tables
from django.urls import reverse

from yiyang.core.tables import ElderColumn


class ElderTable(tables.Table):
    elder = ElderColumn()


def test_elder_column_links_the_name_to_the_elders_page() -> None:
    record = SimpleNamespace(elder_id=7, elder=SimpleNamespace(name="张<三>"))
    cell = ElderTable([record]).rows[0].get_cell("elder")
    assert cell == f'<a href="{reverse("people:elder_detail", args=[7])}">张&lt;三&gt;</a>'
