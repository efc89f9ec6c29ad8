from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from yiyang.people.selectors import elder_search_q
from yiyang.services.choices import (
    ExceptionKind,
    ExceptionStatus,
    OrderStatus,
    ServiceCategory,
    SettlementStatus,
    Urgency,
)
from yiyang.services.models import (
    Provider,
    RecurringPlan,
    ReturnCall,
    ServiceException,
    ServiceItem,
    Settlement,
    WorkOrder,
)


def _elder_q(prefix: str, value: str) -> Q:
    q = elder_search_q(value)
    return Q(**{f"{prefix}__in": _elder_ids(q)}) if q else Q()


def _elder_ids(q: Q) -> Any:
    from yiyang.people.models import Elder

    return Elder.objects.filter(q).values("pk")


class WorkOrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="老人/工单号", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=OrderStatus.choices)
    category = django_filters.ChoiceFilter(
        label="服务类别", choices=ServiceCategory.choices, field_name="item__category"
    )
    urgency = django_filters.ChoiceFilter(label="紧急程度", choices=Urgency.choices)
    provider = django_filters.ModelChoiceFilter(label="服务商", queryset=Provider.objects.all())
    date_from = django_filters.DateFilter(label="服务日期从", field_name="plan_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label="至", field_name="plan_date", lookup_expr="lte")

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        value = value.strip()
        if value.upper().startswith(("GD", "JH")):
            return qs.filter(number__startswith=value.upper())
        return qs.filter(_elder_q("elder", value))


class ExceptionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="处理状态", choices=ExceptionStatus.choices)
    kind = django_filters.ChoiceFilter(label="异常类型", choices=ExceptionKind.choices)
    provider = django_filters.ModelChoiceFilter(label="服务商", queryset=Provider.objects.all())

    class Meta:
        model = ServiceException
        fields: list[str] = []


class ReturnCallFilterSet(django_filters.FilterSet):
    pending = django_filters.BooleanFilter(label="待回访", field_name="called_at", lookup_expr="isnull")
    complaint = django_filters.BooleanFilter(label="有投诉")

    class Meta:
        model = ReturnCall
        fields: list[str] = []


class SettlementFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=SettlementStatus.choices)
    provider = django_filters.ModelChoiceFilter(label="服务商", queryset=Provider.objects.all())
    month = django_filters.DateFilter(label="月份（当月1日）")

    class Meta:
        model = Settlement
        fields: list[str] = []


class ServiceItemFilterSet(django_filters.FilterSet):
    class Meta:
        model = ServiceItem
        fields = ["category", "payment_mode"]


class ProviderFilterSet(django_filters.FilterSet):
    class Meta:
        model = Provider
        fields = ["kind", "is_active"]


class RecurringPlanFilterSet(django_filters.FilterSet):
    class Meta:
        model = RecurringPlan
        fields = ["provider", "is_active"]
