"""Filters, tables and forms of needs surveys (the registry pages' generic machinery)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import AreaLevel
from yiyang.core.forms import ScopedModelForm
from yiyang.core.tables import ElderColumn, permitted, permitted_link
from yiyang.visits.choices import ProposalStatus, QuestionKind, RegistryField, ResponseStatus, RoundStatus
from yiyang.visits.models import (
    RegistryProposal,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
)
from yiyang.visits.survey_rules import question_problems

_TABLE = {"class": "table table-sm table-hover align-middle"}
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# -- filters ---------------------------------------------------------------------------------------------


class SurveyTemplateFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="contains")

    class Meta:
        model = SurveyTemplate
        fields = ["name"]


class SurveyQuestionFilterSet(django_filters.FilterSet):
    template = django_filters.NumberFilter(label=_("调查问卷"), field_name="template_id")
    kind = django_filters.ChoiceFilter(label=_("题型"), choices=QuestionKind.choices)

    class Meta:
        model = SurveyQuestion
        fields = ["template", "kind"]


class SurveyRoundFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="contains")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RoundStatus.choices)
    area = django_filters.CharFilter(label=_("区域路径"), method="reaching")

    class Meta:
        model = SurveyRound
        fields = ["name", "status", "area"]

    def reaching(self, queryset: Any, name: str, value: str) -> Any:
        """Rounds that reach the area: over it, within it, or over an area that contains it."""
        from django.db.models import Q

        above = [value[:n] for n in range(1, len(value) + 1)]
        return queryset.filter(Q(area_path__startswith=value) | Q(area_path__in=above))


class SurveyResponseFilterSet(django_filters.FilterSet):
    round = django_filters.NumberFilter(label=_("调查批次"), field_name="round_id")
    q = django_filters.CharFilter(label=_("老人姓名"), field_name="elder__name", lookup_expr="startswith")
    area = django_filters.CharFilter(label=_("区域路径"), field_name="area_path", lookup_expr="startswith")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ResponseStatus.choices)
    round_status = django_filters.ChoiceFilter(
        label=_("调查批次状态"), field_name="round__status", choices=RoundStatus.choices
    )

    class Meta:
        model = SurveyResponse
        fields = ["round", "q", "area", "status", "round_status"]


class SurveyAnswerFilterSet(django_filters.FilterSet):
    round = django_filters.NumberFilter(label=_("调查批次"), field_name="round_id")
    question = django_filters.NumberFilter(label=_("题目"), field_name="question_id")
    value = django_filters.CharFilter(label=_("答案"), field_name="value")
    area = django_filters.CharFilter(label=_("区域路径"), field_name="area_path", lookup_expr="startswith")
    q = django_filters.CharFilter(label=_("老人姓名"), field_name="elder__name", lookup_expr="startswith")

    class Meta:
        model = SurveyAnswer
        fields = ["round", "question", "value", "area", "q"]


class RegistryProposalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("老人姓名"), field_name="elder__name", lookup_expr="startswith")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProposalStatus.choices)
    field = django_filters.ChoiceFilter(label=_("台账字段"), choices=RegistryField.choices[1:])
    area = django_filters.CharFilter(label=_("区域路径"), field_name="area_path", lookup_expr="startswith")

    class Meta:
        model = RegistryProposal
        fields = ["q", "status", "field", "area"]


# -- tables ----------------------------------------------------------------------------------------------


class SurveyTemplateTable(tables.Table):
    name = tables.Column(_("名称"), linkify=permitted(lambda record: record.get_absolute_url()))
    description = tables.Column(_("说明"), orderable=False)
    questions = tables.Column(_("题目"), empty_values=(), orderable=False)
    export = tables.Column(_("导出"), empty_values=(), orderable=False)
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=_("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("失效日期"))

    class Meta:
        model = SurveyTemplate
        fields = ()
        sequence = ("name", "description", "questions", "valid_from", "valid_to", "export")
        attrs = _TABLE
        empty_text = _("没有调查问卷")

    def render_questions(self, record: SurveyTemplate) -> Any:
        url = reverse("visits:surveyquestion_list") + f"?template={record.pk}"
        return permitted_link(self, url, _("查看题目"))

    def render_export(self, record: SurveyTemplate) -> Any:
        url = reverse("visits:surveytemplate_export", args=[record.pk])
        return permitted_link(self, url, _("导出问卷（Excel）"))


class SurveyQuestionTable(tables.Table):
    position = tables.Column(_("题号"))
    text = tables.Column(_("题目"), linkify=permitted(lambda record: record.get_absolute_url()))
    template = tables.Column(_("调查问卷"), accessor="template__name", orderable=False)
    kind = tables.Column(_("题型"))
    options = tables.Column(_("选项"), orderable=False)
    registry_field = tables.Column(_("对应台账字段"))
    follow_up = tables.Column(_("发现需求后"))

    class Meta:
        model = SurveyQuestion
        fields = ()
        sequence = ("position", "text", "template", "kind", "options", "registry_field", "follow_up")
        attrs = _TABLE
        empty_text = _("没有题目")

    def render_options(self, record: SurveyQuestion) -> str:
        return "、".join(record.option_list)


class SurveyRoundTable(tables.Table):
    name = tables.Column(_("名称"), linkify=lambda record: record.get_absolute_url())
    template = tables.Column(_("调查问卷"), accessor="template__name", orderable=False)
    area = tables.Column(_("调查区域"), accessor="area__name", order_by=("area_path",))
    start_date = tables.DateColumn(format="Y-m-d", verbose_name=_("开始日期"))
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("截止日期"))
    status = tables.Column(_("状态"))

    class Meta:
        model = SurveyRound
        fields = ()
        sequence = ("name", "template", "area", "start_date", "due_date", "status")
        attrs = _TABLE
        empty_text = _("没有调查批次")


class SurveyResponseTable(tables.Table):
    elder = ElderColumn(order_by=("elder__name_pinyin",))
    round = tables.Column(_("调查批次"), accessor="round__name", orderable=False)
    area = tables.Column(_("社区/网格"), accessor="elder__area__name", order_by=("area_path",))
    assignee = tables.Column(_("调查人"), accessor="assignee__username", orderable=False)
    status = tables.Column(_("状态"))
    answered_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("调查时间"))

    class Meta:
        model = SurveyResponse
        fields = ()
        sequence = ("elder", "round", "area", "assignee", "status", "answered_at")
        attrs = _TABLE
        empty_text = _("没有调查任务")


class SurveyAnswerTable(tables.Table):
    elder = ElderColumn(order_by=("elder__name_pinyin",))
    area = tables.Column(_("社区/网格"), accessor="elder__area__name", order_by=("area_path",))
    question = tables.Column(_("题目"), accessor="question__text", orderable=False)
    value = tables.Column(_("答案"), empty_values=(), orderable=False)

    class Meta:
        model = SurveyAnswer
        fields = ()
        sequence = ("elder", "area", "question", "value")
        attrs = _TABLE
        empty_text = _("没有调查答案")

    def render_value(self, record: SurveyAnswer) -> str:
        from yiyang.core.numbers import grouped

        return grouped(record.number) if record.number is not None else record.value


class RegistryProposalTable(tables.Table):
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("提出时间"))
    elder = ElderColumn(order_by=("elder__name_pinyin",))
    field = tables.Column(_("台账字段"))
    current_display = tables.Column(_("台账现值"), orderable=False)
    proposed_display = tables.Column(_("调查所得"), orderable=False)
    status = tables.Column(_("状态"))
    review = tables.TemplateColumn(template_name="visits/_proposal_review.html", verbose_name=_("审核"),
                                   orderable=False, empty_values=())  # fmt: skip

    class Meta:
        model = RegistryProposal
        fields = ()
        sequence = ("created_at", "elder", "field", "current_display", "proposed_display", "status", "review")
        attrs = _TABLE
        empty_text = _("没有台账变更建议")


# -- forms -----------------------------------------------------------------------------------------------


class SurveyTemplateForm(ScopedModelForm):
    class Meta:
        model = SurveyTemplate
        fields = ["name", "description", "valid_from", "valid_to"]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("失效日期不能早于生效日期"))
        return data


class SurveyQuestionForm(ScopedModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["template", "position", "code", "text", "kind", "options", "required", "min_value", "max_value",
                  "unit", "registry_field", "follow_up", "follow_up_when"]  # fmt: skip
        widgets = {"options": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = question_problems(
            kind=data.get("kind") or "",
            options=[line.strip() for line in (data.get("options") or "").splitlines() if line.strip()],
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
            registry_field=data.get("registry_field") or "",
            follow_up=data.get("follow_up") or "",
            follow_up_when=data.get("follow_up_when") or "",
        )
        for field, message in problems:
            self.add_error(field, message)
        return data


class SurveyRoundForm(ScopedModelForm):
    class Meta:
        model = SurveyRound
        fields = ["name", "template", "area", "population", "start_date", "due_date"]
        widgets = {"start_date": _DATE, "due_date": _DATE}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area: Any = self.fields["area"]
        area.queryset = area.queryset.filter(
            level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
        )
        population: Any = self.fields["population"]
        from django.db.models import Q

        population.queryset = population.queryset.filter(Q(owner=None) | Q(owner=user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("due_date")
        if start and end and end < start:
            self.add_error("due_date", _("截止日期不能早于开始日期"))
        return data
