from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.forms import HiddenInput
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.complaints.choices import SATISFIED, UNANSWERED, Category, Channel, Finding, Satisfaction, Status
from yiyang.complaints.models import CalendarDay, Case, DeadlineRule
from yiyang.core.filtersets import IdFilter


def month_bounds(value: str) -> tuple[datetime.date, datetime.date] | None:
    """The first day of the month ``YYYY-MM`` and of the next; None for anything else."""
    try:
        start = datetime.date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        return None
    return start, (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编号/标题"), method="filter_q")
    # the area a figure links from: a prefix of the case's area path (digits only)
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=HiddenInput)  # fmt: skip
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    month = django_filters.CharFilter(label=_("受理月份"), method="filter_month", widget=HiddenInput)
    received_from = django_filters.DateFilter(
        label=_("受理起始"), field_name="received_at", lookup_expr="date__gte"
    )
    received_to = django_filters.DateFilter(
        label=_("受理截止"), field_name="received_at", lookup_expr="date__lte"
    )
    unit = django_filters.CharFilter(label=_("承办单位"), method="filter_unit", widget=HiddenInput)
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    escalated = django_filters.BooleanFilter(label=_("督办中"), method="filter_escalated")
    on_time = django_filters.BooleanFilter(label=_("按时办结"), widget=HiddenInput)
    satisfied = django_filters.BooleanFilter(label=_("满意"), method="filter_satisfied", widget=HiddenInput)
    satisfaction = django_filters.ChoiceFilter(
        label=_("满意度"), choices=Satisfaction.choices, widget=HiddenInput
    )
    finding = django_filters.ChoiceFilter(label=_("核实结论"), choices=Finding.choices, widget=HiddenInput)
    unit_provider = IdFilter(label=_("承办服务商编号"), field_name="unit_provider_id", widget=HiddenInput)
    subject_provider = IdFilter(
        label=_("被投诉服务商编号"), field_name="subject_provider_id", widget=HiddenInput
    )
    elder = IdFilter(label=_("老人编号"), field_name="elder_id", widget=HiddenInput)

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return qs.filter(Q(number=value) | Q(external_ref=value) | Q(title__contains=value))

    def filter_month(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        bounds = month_bounds(value)
        if bounds is None:
            return qs.none()
        start, end = bounds
        tz = timezone.get_current_timezone()
        return qs.filter(
            received_at__gte=datetime.datetime.combine(start, datetime.time(), tz),
            received_at__lt=datetime.datetime.combine(end, datetime.time(), tz),
        )

    def filter_unit(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # "-": not yet assigned to any unit
        return qs.filter(unit_name="" if value == "-" else value)

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        overdue = Q(status__in=UNANSWERED, due_at__lt=timezone.now())
        return qs.filter(overdue) if value else qs.exclude(overdue)

    def filter_escalated(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        return qs.filter(escalation_level__gt=0) if value else qs.filter(escalation_level=0)

    def filter_satisfied(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        return qs.filter(satisfaction__in=SATISFIED) if value else qs.exclude(satisfaction__in=SATISFIED)


class DeadlineRuleFilterSet(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)

    class Meta:
        model = DeadlineRule
        fields: list[str] = []


class CalendarDayFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年份"), field_name="date", lookup_expr="year")

    class Meta:
        model = CalendarDay
        fields: list[str] = []
