from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.assessments.choices import Level, Reason, Scheme, Status
from yiyang.assessments.models import Assessment, ScoringConfig
from yiyang.assessments.selectors import due_for_reassessment
from yiyang.core.filtersets import IdFilter
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q, validate_search_term

DUE_CHOICES = [("due", _("即将到期或已过期")), ("soon", _("即将到期")), ("expired", _("已过期"))]


class AssessmentFilterSet(django_filters.FilterSet):
    """One filter for the list, the due list (复评提醒), the export and the API."""

    q = django_filters.CharFilter(label=_("老人"), method="filter_q", validators=[validate_search_term])
    area = django_filters.ModelChoiceFilter(
        label=_("区域"), queryset=Area.objects.none(), method="filter_area", to_field_name="path"
    )
    scheme = django_filters.ChoiceFilter(label=_("评估标准"), choices=Scheme.choices)
    reason = django_filters.ChoiceFilter(label=_("评估原因"), choices=Reason.choices)
    final_level = django_filters.TypedChoiceFilter(label=_("最终等级"), choices=Level.choices, coerce=int)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    due = django_filters.ChoiceFilter(label=_("复评提醒"), choices=DUE_CHOICES, method="filter_due")
    days = django_filters.NumberFilter(
        label=_("到期天数内"), method="filter_days", min_value=0, max_value=3660
    )
    assessed_from = django_filters.DateFilter(
        label=_("评估日期自"),
        field_name="assessed_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    assessed_to = django_filters.DateFilter(
        label=_("评估日期至"),
        field_name="assessed_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    elder = IdFilter(label=_("老人编号"), field_name="elder_id", widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = ["q", "area", "scheme", "reason", "final_level", "status", "due", "days"]

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user if request is not None else None
        if user is not None:
            self.filters["area"].queryset = Area.objects.for_user(user).filter(
                level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
            )

    def filter_q(self, qs: QuerySet[Assessment], name: str, value: str) -> QuerySet[Assessment]:
        return qs.filter(elder__in=Elder.objects.filter(elder_search_q(value)).values("pk"))

    def filter_area(self, qs: QuerySet[Assessment], name: str, value: Area | None) -> QuerySet[Assessment]:
        return qs.filter(elder__area_path__startswith=value.path) if value else qs

    def filter_due(self, qs: QuerySet[Assessment], name: str, value: str) -> QuerySet[Assessment]:
        if not value:
            return qs
        today = timezone.localdate()
        days = self.form.cleaned_data.get("days")
        within = int(days) if days is not None else 30
        if value == "expired":
            return due_for_reassessment(qs, today, expired=True)
        if value == "soon":
            return due_for_reassessment(qs, today, within_days=within, expired=False)
        return due_for_reassessment(qs, today, within_days=within)

    def filter_days(self, qs: QuerySet[Assessment], name: str, value: Any) -> QuerySet[Assessment]:
        return qs  # read by filter_due


class ScoringConfigFilterSet(django_filters.FilterSet):
    class Meta:
        model = ScoringConfig
        fields: list[str] = []
