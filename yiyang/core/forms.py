"""The scoped model form: choices come through the one door too.

A form listing other records (the elder of a device, the provider of an agreement, the community of
a canteen) must not offer what its user may not see: the choice list would leak names, and a posted
key for a hidden record would save a link to it. :class:`ScopedModelForm` takes ``user`` (the
generic edit view passes it) and limits every choice field over a scoped model to
``for_user(user, "view")``. A subclass narrows further (``field.queryset = field.queryset.filter(…)``)
after ``super().__init__``; a field over accounts it sets itself, from its own rules.
"""

from __future__ import annotations

from typing import Any

from django import forms

from yiyang.core.scoping import ScopedQuerySet


def limit_choices(form: forms.BaseForm, user: Any) -> None:
    """Every choice field of ``form`` over a scoped model, limited to what ``user`` may view."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, ScopedQuerySet):
            field.queryset = queryset.for_user(user, "view")  # type: ignore[attr-defined]


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        limit_choices(self, user)
