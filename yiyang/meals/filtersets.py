from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yiyang.meals.choices import CanteenKind, Channel, DeliveryStatus, MealSlot
from yiyang.meals.models import Canteen, DeliveryOrder, MealRecord


class CanteenFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CanteenKind.choices)

    class Meta:
        model = Canteen
        fields = ["q", "kind"]

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(name__contains=value) | Q(operator__contains=value) | Q(address__contains=value))


class MealRecordFilterSet(django_filters.FilterSet):
    canteen = django_filters.ModelChoiceFilter(label=_("助餐点"), queryset=Canteen.objects.none())
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="date", lookup_expr="lte")
    slot = django_filters.ChoiceFilter(label=_("餐次"), choices=MealSlot.choices)
    channel = django_filters.ChoiceFilter(label=_("方式"), choices=Channel.choices)
    subsidised = django_filters.BooleanFilter(label=_("享受补贴"))

    class Meta:
        model = MealRecord
        fields = ["canteen", "date_from", "date_to", "slot", "channel", "subsidised"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["canteen"].queryset = Canteen.objects.for_user(request.user)


class DeliveryOrderFilterSet(MealRecordFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DeliveryStatus.choices)
    channel = None
    subsidised = None

    class Meta:
        model = DeliveryOrder
        fields = ["canteen", "date_from", "date_to", "slot", "status"]
