from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from yiyang.core.audit_reading import record_type_choices
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.widgets import LongSelect


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A record's id in a query (``?elder=42``): a whole number the database can hold. A number
    filter on a foreign key took any decimal, and one past the integer range was a server error."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def _people(request: Any) -> models.QuerySet[Any]:
    """The accounts the reader may see (the one door; the list view limits the choice again)."""
    manager: Any = get_user_model()._default_manager
    user = getattr(request, "user", None)
    return manager.for_user(user, "view") if user is not None else manager.none()


class _LogFilterSet(django_filters.FilterSet):
    """What an auditor asks of either log: who, where (the area tree), what, and when (local dates)."""

    actor = django_filters.ModelChoiceFilter(label=_("操作人"), queryset=_people, widget=LongSelect)
    area = django_filters.ChoiceFilter(label=_("区域"), method="filter_area", widget=LongSelect)
    object_type = django_filters.ChoiceFilter(label=_("记录类型"), choices=record_type_choices)
    time_after = django_filters.DateFilter(
        label=_("起始日期"),
        field_name="time",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time_before = django_filters.DateFilter(
        label=_("截止日期"),
        field_name="time",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(data, *args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["area"].extra["choices"] = area_tree_choices(user) if user is not None else []

    def filter_area(self, qs: models.QuerySet[Any], name: str, value: str) -> models.QuerySet[Any]:
        return qs.filter(area_path__startswith=value) if value else qs


def area_tree_choices(user: Any) -> list[tuple[str, str]]:
    """The areas ``user`` may see from the district down to the grids, indented as a tree."""
    area_model: Any = apps.get_model("areas", "Area")
    rows = (
        area_model._default_manager.for_user(user, "view")
        .filter(level__gte=3, level__lte=6)
        .order_by("path")
        .values_list("path", "name", "level")
    )
    return [(path, "\u3000" * (level - 3) + name) for path, name, level in rows]


class AuditEntryFilterSet(_LogFilterSet):
    class Meta:
        model = AuditEntry
        fields = ["actor", "area", "object_type", "action", "time_after", "time_before"]


class AccessLogFilterSet(_LogFilterSet):
    class Meta:
        model = AccessLog
        fields = ["actor", "area", "object_type", "kind", "time_after", "time_before"]
