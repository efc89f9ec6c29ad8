from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yiyang.institutions.choices import (
    BedKind,
    BedStatus,
    CareLevel,
    FindingSeverity,
    FindingStatus,
    InspectionStatus,
    InstitutionKind,
    MedicalIntegration,
    Risk,
    RiskAssessmentReason,
    ScoringArea,
    Shift,
    StayKind,
    StayStatus,
)
from yiyang.institutions.models import (
    Bed,
    BedAssignment,
    ChecklistItem,
    Finding,
    Incident,
    Inspection,
    Institution,
    InsurancePolicy,
    Resident,
    RiskAssessment,
    RoundLog,
    StarAssessment,
    StarThreshold,
)


class AreaPathFilter(django_filters.CharFilter):
    """``?area=<path>``: rows in that area and below (the dashboard links here)."""

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        super().__init__(field_name=field_name, lookup_expr="startswith", label=_("区域"), **kwargs)


class InstitutionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("性质"), choices=InstitutionKind.choices)
    medical = django_filters.ChoiceFilter(label=_("医养结合"), choices=MedicalIntegration.choices)
    star_level = django_filters.NumberFilter(label=_("星级"))
    area = AreaPathFilter("area_path")

    class Meta:
        model = Institution
        fields = ["q", "kind", "medical", "star_level", "area"]

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(name__contains=value) | Q(operator__contains=value) | Q(address__contains=value))


class _ByInstitution(django_filters.FilterSet):
    institution = django_filters.ModelChoiceFilter(label=_("养老机构"), queryset=Institution.objects.none())

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["institution"].queryset = Institution.objects.for_user(request.user)


class BedFilterSet(_ByInstitution):
    kind = django_filters.ChoiceFilter(label=_("床位类型"), choices=BedKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=BedStatus.choices)
    area = AreaPathFilter("institution__area_path")

    class Meta:
        model = Bed
        fields = ["institution", "kind", "status", "area"]


class InsurancePolicyFilterSet(_ByInstitution):
    class Meta:
        model = InsurancePolicy
        fields = ["institution"]


class ResidentFilterSet(_ByInstitution):
    q = django_filters.CharFilter(label=_("姓名"), field_name="elder__name", lookup_expr="startswith")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=StayStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("入住类型"), choices=StayKind.choices)
    care_level = django_filters.ChoiceFilter(label=_("护理等级"), choices=CareLevel.choices)
    area = AreaPathFilter("institution__area_path")

    class Meta:
        model = Resident
        fields = ["q", "institution", "status", "kind", "care_level", "area"]


class RiskAssessmentFilterSet(_ByInstitution):
    q = django_filters.CharFilter(label=_("姓名"), field_name="elder__name", lookup_expr="startswith")
    reason = django_filters.ChoiceFilter(label=_("评估原因"), choices=RiskAssessmentReason.choices)

    class Meta:
        model = RiskAssessment
        fields = ["q", "institution", "reason"]


class BedAssignmentFilterSet(_ByInstitution):
    on = django_filters.DateFilter(label=_("日期"), method="filter_on")
    open = django_filters.BooleanFilter(label=_("当前占用"), field_name="end", lookup_expr="isnull")

    class Meta:
        model = BedAssignment
        fields = ["institution", "on", "open"]

    def filter_on(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Who held a bed on the night of ``value``."""
        return qs.filter(Q(start__lte=value) & (Q(end__isnull=True) | Q(end__gt=value)))


class IncidentFilterSet(_ByInstitution):
    kind = django_filters.ChoiceFilter(label=_("事件类型"), choices=Risk.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="occurred_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="occurred_at", lookup_expr="date__lte"
    )
    area = AreaPathFilter("institution__area_path")

    class Meta:
        model = Incident
        fields = ["institution", "kind", "date_from", "date_to", "area"]


class RoundLogFilterSet(_ByInstitution):
    shift = django_filters.ChoiceFilter(label=_("班次"), choices=Shift.choices)

    class Meta:
        model = RoundLog
        fields = ["institution", "shift"]


class InspectionFilterSet(_ByInstitution):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=InspectionStatus.choices)

    class Meta:
        model = Inspection
        fields = ["institution", "status"]


class FindingFilterSet(_ByInstitution):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("严重程度"), choices=FindingSeverity.choices)

    class Meta:
        model = Finding
        fields = ["institution", "status", "severity"]


class ChecklistItemFilterSet(django_filters.FilterSet):
    area = django_filters.ChoiceFilter(label=_("类别"), choices=ScoringArea.choices)

    class Meta:
        model = ChecklistItem
        fields = ["area"]


class StarThresholdFilterSet(django_filters.FilterSet):
    class Meta:
        model = StarThreshold
        fields = ["level"]


class StarAssessmentFilterSet(_ByInstitution):
    confirmed = django_filters.BooleanFilter(label=_("已评定"))

    class Meta:
        model = StarAssessment
        fields = ["institution", "confirmed"]
