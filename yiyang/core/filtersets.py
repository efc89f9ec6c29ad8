import django_filters
from django.utils.translation import gettext_lazy as _

from yiyang.core.models import AccessLog, AuditEntry


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
