from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from yiyang.workforce.choices import (
    CertificateLevel,
    ClassStatus,
    EmployerKind,
    Post,
    RollStatus,
    WorkerStatus,
)
from yiyang.workforce.models import (
    CareWorker,
    Certificate,
    PostSubsidyLine,
    PostSubsidyRoll,
    PostSubsidyRule,
    TrainingClass,
    TrainingPlanRule,
)


class CareWorkerFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=_("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=forms.HiddenInput)  # fmt: skip
    q = django_filters.CharFilter(label=_("姓名"), field_name="name", lookup_expr="startswith")
    employer_kind = django_filters.ChoiceFilter(label=_("用人单位类型"), choices=EmployerKind.choices)
    post = django_filters.ChoiceFilter(label=_("岗位"), choices=Post.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=WorkerStatus.choices)

    class Meta:
        model = CareWorker
        fields = ["area", "q", "employer_kind", "post", "status"]


class CertificateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名"), field_name="worker__name", lookup_expr="startswith")
    level = django_filters.ChoiceFilter(label=_("等级"), choices=CertificateLevel.choices)

    class Meta:
        model = Certificate
        fields = ["q", "level"]


class TrainingClassFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("班次名称"), field_name="name", lookup_expr="contains")
    level = django_filters.ChoiceFilter(label=_("培训等级"), choices=CertificateLevel.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ClassStatus.choices)

    class Meta:
        model = TrainingClass
        fields = ["q", "level", "status"]


class TrainingPlanRuleFilterSet(django_filters.FilterSet):
    class Meta:
        model = TrainingPlanRule
        fields: list[str] = []


class PostSubsidyRuleFilterSet(django_filters.FilterSet):
    class Meta:
        model = PostSubsidyRule
        fields = ["kind"]


class PostSubsidyRollFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RollStatus.choices)

    class Meta:
        model = PostSubsidyRoll
        fields = ["status"]


class PostSubsidyLineFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名"), field_name="worker__name", lookup_expr="startswith")
    month = django_filters.DateFilter(label=_("发放月份"), field_name="month",
                                      widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    level = django_filters.ChoiceFilter(label=_("证书等级"), choices=CertificateLevel.choices)

    class Meta:
        model = PostSubsidyLine
        fields = ["q", "month", "level"]
