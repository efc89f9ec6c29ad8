from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from yiyang.core.models import AccessLog, AuditEntry


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A record's id in a query (``?elder=42``): a whole number the database can hold. A number
    filter on a foreign key took any decimal, and one past the integer range was a server error."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class AuditEntryFilterSet(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("操作人"), lookup_expr="startswith")
    time_after = django_filters.DateFilter(label=_("起始日期"), field_name="time", lookup_expr="date__gte")
    time_before = django_filters.DateFilter(label=_("截止日期"), field_name="time", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = [
            "action",
            "object_type",
            "actor_name",
            "time_after",
            "time_before",
            "request_id",
            "subject_id",
        ]


class AccessLogFilterSet(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("操作人"), lookup_expr="startswith")
    time_after = django_filters.DateFilter(label=_("起始日期"), field_name="time", lookup_expr="date__gte")
    time_before = django_filters.DateFilter(label=_("截止日期"), field_name="time", lookup_expr="date__lte")

    class Meta:
        model = AccessLog
        fields = ["kind", "object_type", "actor_name", "time_after", "time_before", "subject_id"]
