from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.forms import HiddenInput
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.adaptation.choices import Category, Status
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, Project
from yiyang.core.filtersets import IdFilter
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q, validate_search_term


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("老人姓名/拼音"), method="filter_q", validators=[validate_search_term]
    )
    # the area a figure links from: a prefix of the project's area path
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=HiddenInput)  # fmt: skip
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    contractor = django_filters.ModelChoiceFilter(label=_("施工单位"), queryset=Contractor.objects.all())
    active = django_filters.BooleanFilter(label=_("未放弃"), method="filter_active", widget=HiddenInput)
    elder = IdFilter(label=_("老人编号"), field_name="elder_id", widget=HiddenInput)

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(elder__in=Elder.objects.filter(elder_search_q(value)))

    def filter_active(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.exclude(status=Status.OPTED_OUT) if value else qs.filter(status=Status.OPTED_OUT)


class UseCheckFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=HiddenInput)  # fmt: skip
    overdue = django_filters.BooleanFilter(label=_("已超过6个月"), method="filter_overdue")

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        today = timezone.localdate()
        return qs.filter(use_check_to__lt=today) if value else qs.filter(Q(use_check_to__gte=today))


class ContractorFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("单位名称"), lookup_expr="contains")

    class Meta:
        model = Contractor
        fields: list[str] = []


class CatalogueItemFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="contains")

    class Meta:
        model = CatalogueItem
        fields: list[str] = []


class CapRuleFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)

    class Meta:
        model = CapRule
        fields: list[str] = []
