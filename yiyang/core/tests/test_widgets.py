"""LongSelect renders what Django's Select renders, without a template per option."""

from __future__ import annotations

import re

from django import forms

from yiyang.core.widgets import LongSelect

CHOICES = [("", "---------"), ("3206", "南通市"), ("320612001", "金沙街道 <b>&"), ("320612002", "西亭镇")]


def options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_long_select_matches_django_select() -> None:
    ours = LongSelect(choices=CHOICES, attrs={"class": "x"}).render(
        "area", "320612001", attrs={"id": "id_area"}
    )
    django = forms.Select(choices=CHOICES, attrs={"class": "x"}).render(
        "area", "320612001", attrs={"id": "id_area"}
    )
    assert options(ours) == options(django)
    assert ("金沙街道 &lt;b&gt;&amp;" in ours) and "<b>" not in ours  # labels are escaped
    assert (
        ours.startswith("<select")
        and 'name="area"' in ours
        and 'id="id_area"' in ours
        and 'class="x"' in ours
    )


def test_long_select_without_a_value_selects_the_empty_choice_as_django_does() -> None:
    ours = options(LongSelect(choices=CHOICES).render("area", None))
    assert ours == options(forms.Select(choices=CHOICES).render("area", None))
    assert [value for value, selected, _ in ours if selected] == [""]
