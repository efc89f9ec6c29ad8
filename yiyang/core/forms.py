"""The scoped model form: choices come through the one door too.

A form listing other records (the elder of a device, the provider of an agreement, the community of
a canteen) must not offer what its user may not see: the choice list would leak names, and a posted
key for a hidden record would save a link to it. :class:`ScopedModelForm` takes ``user`` (the
generic edit view passes it) and limits every choice field over a scoped model to
``for_user(user, "view")``. A subclass narrows further (``field.queryset = field.queryset.filter(…)``)
after ``super().__init__``; a field over accounts it sets itself, from its own rules.

A date-time input shows minutes: a stored time with seconds (written by a device, an import, the
API) comes back without them. When what comes back is the stored time as the input showed it, the
stored time is kept — saving a form unchanged changes nothing.

Editing a record keeps the links it already has: a volunteer of a team in another district, edited by
a district administrator who cannot see that team, would otherwise come back with the team cleared —
a save that changes what nobody touched. So the choices are what the user may see *plus* the records
the instance links to now (whose names its own page shows anyway); nothing else can be posted.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from django import forms
from django.db.models import Q

from yiyang.core.scoping import ScopedQuerySet


def limit_choices(form: forms.BaseForm, user: Any, keep: Mapping[str, Collection[Any]] | None = None) -> None:
    """Every choice field of ``form`` over a scoped model, limited to what ``user`` may view, and
    to the keys in ``keep[field name]`` (the record's current links)."""
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, ScopedQuerySet):
            visible = queryset.for_user(user, "view")
            current = (keep or {}).get(name)
            if current:
                visible = queryset.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=list(current)))
            field.queryset = visible  # type: ignore[attr-defined]


def current_links(form: forms.ModelForm) -> dict[str, list[Any]]:
    """Field name → keys of the records the saved instance links to through that field."""
    instance = form.instance
    if instance.pk is None:
        return {}
    links: dict[str, list[Any]] = {}
    for field in instance._meta.get_fields():
        if field.name not in form.fields or not getattr(field, "is_relation", False):
            continue
        if field.many_to_one or field.one_to_one:
            key = getattr(instance, field.attname, None)
            if key is not None:
                links[field.name] = [key]
        elif field.many_to_many and not field.auto_created:
            links[field.name] = list(getattr(instance, field.name).values_list("pk", flat=True))
    return links


def keep_stored_times(form: forms.ModelForm, data: dict[str, Any]) -> None:
    """A posted date-time equal to the stored one as its input showed it (to the minute or the
    second) is the stored one."""
    instance = form.instance
    if instance.pk is None:
        return
    for name, field in form.fields.items():
        stored = getattr(instance, name, None)
        posted = data.get(name)
        if (
            not isinstance(field, forms.DateTimeField)
            or not isinstance(stored, datetime.datetime)
            or not posted
        ):
            continue
        if posted in (stored.replace(second=0, microsecond=0), stored.replace(microsecond=0)):
            data[name] = stored


class ScopedModelForm(forms.ModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        limit_choices(self, user, keep=current_links(self))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keep_stored_times(self, data)
        return data
