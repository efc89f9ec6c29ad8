"""The form renderer's inputs are the characters Django's own templates give."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from yiyang.core.renderers import INPUT_TEMPLATES, Renderer


class _Everything(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": _("搜索")}))
    number = forms.IntegerField(required=False, min_value=0, max_value=150)
    decimal = forms.DecimalField(required=False, max_digits=6, decimal_places=2)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    flags = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"readonly": True, "disabled": False, "data-x": 'a"<b'})
    )
    safe = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": mark_safe("<i>")}))


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound: initial values, None left out
        {"text": 'a"<b>&', "number": "3", "decimal": "1.50", "date": "2026-12-06", "email": "x@y.cn"},
        {"secret": "s<", "hidden": "h&", "tick": "on", "flags": "z", "safe": "q"},
        {"number": "not a number", "date": "2026-13-45"},  # invalid input is shown back as typed
    ],
)
def test_inputs_are_what_the_templates_give(data: dict[str, str] | None) -> None:
    initial = {"date": datetime.date(2026, 12, 6), "text": mark_safe("<b>safe</b>")}
    ours, django = _Everything(data, initial=initial), _Everything(data, initial=initial)
    ours.renderer, django.renderer = Renderer(), DjangoTemplates()
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name


def test_only_the_input_templates_are_written_directly() -> None:
    assert "django/forms/widgets/text.html" in INPUT_TEMPLATES
    assert "django/forms/widgets/select.html" not in INPUT_TEMPLATES
    form = forms.Form()
    form.fields["choice"] = forms.ChoiceField(choices=[("a", "甲")])
    form.renderer = Renderer()
    assert '<option value="a">甲</option>' in str(form["choice"])
