from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.forms import HiddenInput
from django.utils.translation import gettext_lazy as _

from yiyang.core.filtersets import IdFilter
from yiyang.safety.choices import (
    AlarmKind,
    AlarmStatus,
    DeviceKind,
    DeviceStatus,
    EventType,
    MaintenanceKind,
    TaskStatus,
)
from yiyang.safety.models import Alarm, Device, DeviceEvent, MaintenanceTask, RejectedMessage


class DeviceFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(
        label=_("区域"), field_name="elder__area_path", lookup_expr="startswith", widget=HiddenInput
    )
    q = django_filters.CharFilter(label=_("序列号/老人"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("设备类型"), choices=DeviceKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DeviceStatus.choices)
    elder = IdFilter(label=_("老人编号"), field_name="elder_id")

    class Meta:
        model = Device
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(serial__icontains=value) | Q(elder__name__contains=value))


class AlarmFilterSet(django_filters.FilterSet):
    # the area a dashboard figure links from: a prefix of the elder's area path (digits only)
    area = django_filters.CharFilter(
        label=_("区域"), field_name="elder__area_path", lookup_expr="startswith", widget=HiddenInput
    )
    kind = django_filters.ChoiceFilter(label=_("告警类型"), choices=AlarmKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AlarmStatus.choices)
    elder = IdFilter(label=_("老人编号"), field_name="elder_id")
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="raised_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="raised_at", lookup_expr="date__lte")

    class Meta:
        model = Alarm
        fields: list[str] = []


class DeviceEventFilterSet(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(label=_("事件类型"), choices=EventType.choices)
    serial = django_filters.CharFilter(label=_("设备序列号"), field_name="device__serial")
    device = IdFilter(label=_("设备编号"), field_name="device_id")

    class Meta:
        model = DeviceEvent
        fields: list[str] = []


class MaintenanceTaskFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=MaintenanceKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TaskStatus.choices)

    class Meta:
        model = MaintenanceTask
        fields: list[str] = []


class RejectedMessageFilterSet(django_filters.FilterSet):
    serial = django_filters.CharFilter(label=_("设备序列号"))
    reason = django_filters.CharFilter(label=_("原因"), lookup_expr="contains")

    class Meta:
        model = RejectedMessage
        fields: list[str] = []
