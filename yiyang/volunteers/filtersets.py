from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.volunteers.choices import (
    AccountKind,
    ActivityKind,
    CampaignStage,
    DaySlot,
    HonourKind,
    MovementKind,
    PairStatus,
    RequestStatus,
    ServiceStatus,
    Skill,
    VolunteerKind,
    VolunteerStatus,
    Weekday,
)
from yiyang.volunteers.models import (
    Activity,
    BankRule,
    HelpRequest,
    HonourCampaign,
    MonthEndCheck,
    MutualAidPair,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
    Volunteer,
    VolunteerTeam,
)


class VolunteerTeamFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=VolunteerKind.choices)

    class Meta:
        model = VolunteerTeam
        fields = ["q", "kind"]

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(
            Q(name__contains=value) | Q(organisation__contains=value) | Q(leader_name__contains=value)
        )


class VolunteerFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=forms.HiddenInput)  # fmt: skip
    q = django_filters.CharFilter(label=_("姓名"), field_name="name", lookup_expr="startswith")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=VolunteerKind.choices)
    skill = django_filters.ChoiceFilter(label=_("技能"), choices=Skill.choices, method="filter_packed")
    day = django_filters.ChoiceFilter(label=_("可服务日"), choices=Weekday.choices, method="filter_packed")
    slot = django_filters.ChoiceFilter(label=_("可服务时段"), choices=DaySlot.choices, method="filter_packed")
    team = django_filters.ModelChoiceFilter(label=_("志愿服务队"), queryset=VolunteerTeam.objects.all())
    status = django_filters.ChoiceFilter(label=_("状态"), choices=VolunteerStatus.choices)
    talent_pool = django_filters.BooleanFilter(label=_("老年人才库（60岁以上）"), method="filter_talent")

    class Meta:
        model = Volunteer
        fields = ["q", "kind", "skill", "day", "slot", "team", "status", "talent_pool", "area"]

    _FIELDS = {"skill": "skills", "day": "available_days", "slot": "available_slots"}

    def filter_packed(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{self._FIELDS[name]}__contains": f",{value},"})

    def filter_talent(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        today = timezone.localdate()
        try:
            cutoff = today.replace(year=today.year - 60)
        except ValueError:
            cutoff = today.replace(year=today.year - 60, day=28)
        older = Q(birth_date__lte=cutoff)
        return qs.filter(older) if value else qs.exclude(older)


class TimeAccountFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=forms.HiddenInput)  # fmt: skip
    q = django_filters.CharFilter(label=_("户名"), field_name="name", lookup_expr="startswith")
    kind = django_filters.ChoiceFilter(label=_("账户类型"), choices=AccountKind.choices)

    class Meta:
        model = TimeAccount
        fields = ["q", "kind", "area"]


class TimeMovementFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("业务类型"), choices=MovementKind.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="occurred_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="occurred_at", lookup_expr="date__lte"
    )

    class Meta:
        model = TimeMovement
        fields = ["kind", "date_from", "date_to"]


class ServiceRecordFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=forms.HiddenInput)  # fmt: skip
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ServiceStatus.choices)
    skill = django_filters.ChoiceFilter(label=_("服务内容"), choices=Skill.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="checked_in_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="checked_in_at", lookup_expr="date__lte"
    )

    class Meta:
        model = ServiceRecord
        fields = ["status", "skill", "date_from", "date_to", "area"]


class MonthEndCheckFilterSet(django_filters.FilterSet):
    ok = django_filters.BooleanFilter(label=_("通过"))

    class Meta:
        model = MonthEndCheck
        fields = ["ok"]


class BankRuleFilterSet(django_filters.FilterSet):
    class Meta:
        model = BankRule
        fields: list[str] = []


class HelpRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RequestStatus.choices)
    skill = django_filters.ChoiceFilter(label=_("需要的服务"), choices=Skill.choices)
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="wanted_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="wanted_on", lookup_expr="lte")

    class Meta:
        model = HelpRequest
        fields = ["status", "skill", "date_from", "date_to"]


class ActivityFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ActivityKind.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="starts_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Activity
        fields = ["kind", "date_from", "date_to"]


class HonourCampaignFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=HonourKind.choices)
    stage = django_filters.ChoiceFilter(label=_("阶段"), choices=CampaignStage.choices)

    class Meta:
        model = HonourCampaign
        fields = ["kind", "stage"]


class MutualAidPairFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=forms.HiddenInput)  # fmt: skip
    q = django_filters.CharFilter(label=_("姓名"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PairStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("关怀逾期"), method="filter_overdue")

    class Meta:
        model = MutualAidPair
        fields = ["q", "status", "overdue", "area"]

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(volunteer__name__startswith=value) | Q(elder__name__startswith=value))

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(status=PairStatus.ACTIVE, next_due_on__lt=timezone.localdate())
