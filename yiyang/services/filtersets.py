from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.dated import in_force_q
from yiyang.people.selectors import elder_search_q, validate_search_term
from yiyang.services.choices import (
    EntitlementUnit,
    ExceptionKind,
    ExceptionStatus,
    OrderStatus,
    PointKind,
    ServiceCategory,
    SettlementStatus,
    Urgency,
)
from yiyang.services.models import (
    Entitlement,
    Provider,
    RecurringPlan,
    ReturnCall,
    ServiceAgreement,
    ServiceException,
    ServiceItem,
    ServicePoint,
    Settlement,
    Worker,
    WorkOrder,
)


def _elder_q(prefix: str, value: str) -> Q:
    q = elder_search_q(value)
    return Q(**{f"{prefix}__in": _elder_ids(q)}) if q else Q()


def _elder_ids(q: Q) -> Any:
    from yiyang.people.models import Elder

    return Elder.objects.filter(q).values("pk")


class WorkOrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("老人/工单号"), method="filter_q", validators=[validate_search_term]
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OrderStatus.choices)
    category = django_filters.ChoiceFilter(
        label=_("服务类别"), choices=ServiceCategory.choices, field_name="item__category"
    )
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices)
    provider = django_filters.ModelChoiceFilter(label=_("服务商"), queryset=Provider.objects.all())
    date_from = django_filters.DateFilter(label=_("服务日期从"), field_name="plan_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("至"), field_name="plan_date", lookup_expr="lte")

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        value = value.strip()
        if value.upper().startswith(("GD", "JH")):
            return qs.filter(number__startswith=value.upper())
        return qs.filter(_elder_q("elder", value))


class ExceptionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("处理状态"), choices=ExceptionStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("异常类型"), choices=ExceptionKind.choices)
    provider = django_filters.ModelChoiceFilter(label=_("服务商"), queryset=Provider.objects.all())

    class Meta:
        model = ServiceException
        fields: list[str] = []


class ReturnCallFilterSet(django_filters.FilterSet):
    pending = django_filters.BooleanFilter(label=_("待回访"), field_name="called_at", lookup_expr="isnull")
    complaint = django_filters.BooleanFilter(label=_("有投诉"))

    class Meta:
        model = ReturnCall
        fields: list[str] = []


class SettlementFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SettlementStatus.choices)
    provider = django_filters.ModelChoiceFilter(label=_("服务商"), queryset=Provider.objects.all())
    month = django_filters.DateFilter(label=_("月份（当月1日）"))

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


class ServiceAgreementFilterSet(django_filters.FilterSet):
    number = django_filters.CharFilter(label=_("协议编号"), lookup_expr="icontains")
    provider = django_filters.ModelChoiceFilter(label=_("服务商"), queryset=Provider.objects.all())

    class Meta:
        model = ServiceAgreement
        fields: list[str] = []


class ServicePointFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=PointKind.choices)
    provider = django_filters.ModelChoiceFilter(label=_("服务商"), queryset=Provider.objects.all())

    class Meta:
        model = ServicePoint
        fields = ["is_active"]


class WorkerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("姓名"), lookup_expr="contains")
    provider = django_filters.ModelChoiceFilter(label=_("服务商"), queryset=Provider.objects.all())
    category = django_filters.ChoiceFilter(
        label=_("资质类别"),
        choices=ServiceCategory.choices,
        field_name="qualifications__category",
        distinct=True,
    )

    class Meta:
        model = Worker
        fields = ["is_active"]


class EntitlementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("老人（姓名/拼音/证件后四位）"), method="filter_q", validators=[validate_search_term]
    )
    unit = django_filters.ChoiceFilter(label=_("额度单位"), choices=EntitlementUnit.choices)
    current = django_filters.BooleanFilter(label=_("当前有效"), method="filter_current")

    class Meta:
        model = Entitlement
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Entitlement], name: str, value: str) -> QuerySet[Entitlement]:
        return qs.filter(_elder_q("elder", value.strip()))

    def filter_current(
        self, qs: QuerySet[Entitlement], name: str, value: bool | None
    ) -> QuerySet[Entitlement]:
        if value is None:
            return qs
        current = in_force_q(timezone.localdate())
        return qs.filter(current) if value else qs.exclude(current)
