from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.visits.choices import ContributionStatus, Festival, Seen, TaskKind, TaskStatus
from yiyang.visits.models import Campaign, Contribution, Contributor, VisitRecord, VisitRule, VisitTask


class VisitTaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("老人姓名"), method="filter_q")
    area = django_filters.CharFilter(label=_("区域路径"), field_name="area_path", lookup_expr="startswith")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TaskStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=TaskKind.choices)
    period = django_filters.CharFilter(label=_("周期"), field_name="period_key", lookup_expr="startswith")
    due_from = django_filters.DateFilter(label=_("截止日期从"), field_name="due_date", lookup_expr="gte")
    due_to = django_filters.DateFilter(label=_("截止日期至"), field_name="due_date", lookup_expr="lte")
    visited = django_filters.BooleanFilter(label=_("已走访"), method="filter_visited")
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")
    escalated = django_filters.BooleanFilter(label=_("已上报街道"), field_name="escalated_at",
                                             lookup_expr="isnull", exclude=True)  # fmt: skip

    class Meta:
        model = VisitTask
        fields = [
            "q",
            "area",
            "status",
            "kind",
            "period",
            "due_from",
            "due_to",
            "visited",
            "overdue",
            "escalated",
        ]

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(elder__name__startswith=value)

    def filter_visited(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        closed = Q(status__in=[TaskStatus.DONE, TaskStatus.NOBODY_HOME])
        if value is None:
            return qs
        return qs.filter(closed) if value else qs.exclude(closed)

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        late = Q(status=TaskStatus.OPEN, due_date__lt=timezone.localdate())
        if value is None:
            return qs
        return qs.filter(late) if value else qs.exclude(late)


class VisitRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("老人姓名"), field_name="elder__name", lookup_expr="startswith")
    area = django_filters.CharFilter(label=_("区域路径"), field_name="area_path", lookup_expr="startswith")
    seen = django_filters.ChoiceFilter(label=_("见到"), choices=Seen.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="checked_in_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="checked_in_at", lookup_expr="date__lte"
    )

    class Meta:
        model = VisitRecord
        fields = ["q", "area", "seen", "date_from", "date_to"]


class VisitRuleFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="contains")

    class Meta:
        model = VisitRule
        fields = ["name"]


class CampaignFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="contains")
    festival = django_filters.ChoiceFilter(label=_("节日"), choices=Festival.choices)

    class Meta:
        model = Campaign
        fields = ["name", "festival"]


class ContributionFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(label=_("慰问活动"), field_name="campaign_id")
    q = django_filters.CharFilter(label=_("老人姓名"), field_name="elder__name", lookup_expr="startswith")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ContributionStatus.choices)

    class Meta:
        model = Contribution
        fields = ["campaign", "q", "status"]


class ContributorFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="contains")

    class Meta:
        model = Contributor
        fields = ["name"]
