from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yiyang.benefits.choices import AdjustmentKind, ChangeType, RecoveryStatus, RollStatus
from yiyang.benefits.models import (
    Budget,
    ElderBankAccount,
    LifeEventBatch,
    PaymentRoll,
    Programme,
    Recovery,
    RollLine,
    Suspension,
)
from yiyang.core.filtersets import IdFilter


class PaymentRollFilterSet(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("项目"), queryset=Programme.objects.all())
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RollStatus.choices)
    month = django_filters.DateFilter(label=_("月份（该月1日）"))

    class Meta:
        model = PaymentRoll
        fields = ["programme", "status", "month"]


class RollLineFilterSet(django_filters.FilterSet):
    change_type = django_filters.ChoiceFilter(label=_("变动类型"), choices=ChangeType.choices)
    flagged = django_filters.BooleanFilter(label=_("复核标记"))
    roll = IdFilter(label=_("花名册"))
    elder = IdFilter(label=_("老人"))
    month = django_filters.DateFilter(label=_("月份"))

    class Meta:
        model = RollLine
        fields = ["roll", "elder", "month", "change_type", "flagged"]


class AdjustmentFilterSet(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("项目"), queryset=Programme.objects.all())
    adjustment_kind = django_filters.ChoiceFilter(label=_("调整类型"), choices=AdjustmentKind.choices)
    roll = IdFilter(label=_("花名册"))
    name = django_filters.CharFilter(label=_("姓名"), field_name="elder__name", lookup_expr="startswith")

    class Meta:
        model = RollLine
        fields = ["programme", "adjustment_kind", "roll", "name"]


class RecoveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RecoveryStatus.choices)
    programme = django_filters.ModelChoiceFilter(label=_("项目"), queryset=Programme.objects.all())

    class Meta:
        model = Recovery
        fields = ["status", "programme"]


class SuspensionFilterSet(django_filters.FilterSet):
    open = django_filters.BooleanFilter(label=_("暂停中"), field_name="resumed_month", lookup_expr="isnull")

    class Meta:
        model = Suspension
        fields = ["reason", "open"]


class LifeEventBatchFilterSet(django_filters.FilterSet):
    class Meta:
        model = LifeEventBatch
        fields = ["kind"]


class BudgetFilterSet(django_filters.FilterSet):
    class Meta:
        model = Budget
        fields = ["year", "programme"]


class ElderBankAccountFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("姓名"), field_name="elder__name", lookup_expr="startswith")

    class Meta:
        model = ElderBankAccount
        fields = ["name", "bank_name"]
