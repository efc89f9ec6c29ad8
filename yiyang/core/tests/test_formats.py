"""Dates and times in form inputs are ISO in both languages, and what people type is still read."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.utils import translation

LANGUAGES = ["zh-hans", "en"]


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.parametrize("language", LANGUAGES)
def test_inputs_render_iso(language: str) -> None:
    with translation.override(language):
        form = _Form(initial={"day": datetime.date(1966, 10, 4), "at": datetime.datetime(2026, 12, 5, 8, 30)})
        assert 'value="1966-10-04"' in str(form["day"])
        assert 'value="2026-12-05T08:30:00"' in str(form["at"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("1966-10-04", datetime.date(1966, 10, 4)),
        ("1966/10/04", datetime.date(1966, 10, 4)),
        ("1966/1/4", datetime.date(1966, 1, 4)),
        ("1966年10月4日", datetime.date(1966, 10, 4)),
        ("19661004", datetime.date(1966, 10, 4)),
    ],
)
def test_dates_people_type_are_read(language: str, typed: str, day: datetime.date) -> None:
    with translation.override(language):
        assert forms.DateField().clean(typed) == day


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "typed", ["2026-12-05T08:30", "2026-12-05T08:30:00", "2026-12-05 08:30", "2026/12/05 08:30"]
)
def test_datetimes_are_read(language: str, typed: str) -> None:
    with translation.override(language):
        value = forms.DateTimeField().clean(typed)
        assert (value.year, value.month, value.day, value.hour, value.minute) == (2026, 12, 5, 8, 30)
