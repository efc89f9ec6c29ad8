"""Protective follow-up pages (保护性跟进): the list (overdue and escalated first to hand), the
follow-up with its mandatory steps, completing a step, closing; opened from the case page."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.complaints.actions import protection_close, protection_open, step_complete
from yiyang.complaints.choices import ProtectionStatus, Risk, StepKind
from yiyang.complaints.models import Case, ProtectiveCase, ProtectiveStep
from yiyang.core.errors import error_text
from yiyang.core.exporting import datetime_, integer, text
from yiyang.core.scoping import require
from yiyang.core.tables import ElderColumn
from yiyang.core.views import ObjectDetailView, ObjectListView, ScopedViewMixin


def _late() -> Any:
    return Exists(
        ProtectiveStep.objects.filter(
            protection=OuterRef("pk"), done_at__isnull=True, due_at__lt=timezone.now()
        )
    )


class ProtectiveCaseFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label=gettext_lazy("区域"), field_name="area_path", lookup_expr="startswith",
                                     widget=forms.HiddenInput)  # fmt: skip
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=ProtectionStatus.choices)
    risk = django_filters.ChoiceFilter(label=gettext_lazy("风险等级"), choices=Risk.choices)
    overdue = django_filters.BooleanFilter(label=gettext_lazy("有环节超时"), method="filter_overdue")

    class Meta:
        model = ProtectiveCase
        fields = ["status", "risk", "overdue", "area"]

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        late = Q(_late()) & Q(status=ProtectionStatus.OPEN)
        return qs.filter(late) if value else qs.exclude(late)


class ProtectiveCaseTable(tables.Table):
    opened_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("开始时间"), linkify=True)
    case = tables.Column(gettext_lazy("投诉信访件"), accessor="case__number")
    elder = ElderColumn(gettext_lazy("老年人"))
    area = tables.Column(gettext_lazy("所在区域"), accessor="case__area__name", order_by=("area_path",))
    risk = tables.Column(gettext_lazy("风险等级"))
    next_step = tables.Column(gettext_lazy("待办环节"), accessor="pk", orderable=False)
    escalation_level = tables.Column(gettext_lazy("督办级别"))
    status = tables.Column(gettext_lazy("状态"))

    class Meta:
        model = ProtectiveCase
        fields = ()
        sequence = ("opened_at", "case", "elder", "area", "risk", "next_step", "escalation_level", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = gettext_lazy("没有保护性跟进")

    def render_next_step(self, record: ProtectiveCase) -> Any:
        step = next((s for s in record.steps.all() if s.done_at is None), None)
        if step is None:
            return "—"
        if step.overdue:
            return format_html('<span class="badge bg-danger">{} · {}</span>', step.get_kind_display(),
                               _("已超时"))  # fmt: skip
        return format_html(
            "{} · {}", step.get_kind_display(), timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
        )

    def render_escalation_level(self, value: int) -> Any:
        return format_html('<span class="badge bg-warning text-dark">{}</span>', value) if value else "—"


def _next_step(p: ProtectiveCase) -> str:
    step = next((s for s in p.steps.all() if s.done_at is None), None)
    return str(step.get_kind_display()) if step else ""


class ProtectiveCaseListView(ObjectListView):
    model = ProtectiveCase
    filterset = ProtectiveCaseFilterSet
    table = ProtectiveCaseTable
    export_columns = [
        datetime_("开始时间", "opened_at"), text("投诉信访件", "case__number"), text("老年人", "elder__name"),
        text("所在区域", "case__area__name"), text("风险等级", lambda p: p.get_risk_display()),
        text("待办环节", _next_step), integer("督办级别", "escalation_level"),
        text("状态", lambda p: p.get_status_display()), datetime_("结束时间", "closed_at"), text("跟进结论", "outcome"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super()
            .get_queryset(action)
            .select_related("case", "case__area", "elder")
            .prefetch_related("steps")
        )


class StepForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("情况记录"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    risk = forms.ChoiceField(label=gettext_lazy("风险等级"), choices=[("", "---------"), *Risk.choices],
                             required=False)  # fmt: skip

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs["prefix"] = f"step-{kind}"
        super().__init__(*args, **kwargs)
        if kind != StepKind.ASSESSMENT:
            del self.fields["risk"]


class CloseForm(forms.Form):
    outcome = forms.CharField(label=gettext_lazy("跟进结论"), max_length=300)


class ProtectiveCaseDetailView(ObjectDetailView):
    model = ProtectiveCase
    template_name = "complaints/protection_detail.html"
    log_views = True

    def get_context(self, obj: ProtectiveCase) -> dict[str, Any]:
        context = super().get_context(obj)
        may_change = (
            obj.status == ProtectionStatus.OPEN
            and ProtectiveCase.objects.for_user(self.request.user, "change").filter(pk=obj.pk).exists()
        )
        forms_ = getattr(self, "forms", {})
        steps = list(obj.steps.all())
        for step in steps:
            step.form = forms_.get(step.kind) or StepForm(kind=step.kind)  # type: ignore[attr-defined]
        context.update(may_change=may_change, steps=steps, referrals=obj.case.referrals.all(),
                       close_form=getattr(self, "close_form", None) or CloseForm())  # fmt: skip
        return context


class ProtectiveStepView(ProtectiveCaseDetailView):
    action = "change"

    def post(self, request: HttpRequest, pk: int, kind: str) -> HttpResponse:
        self.check_permission()
        protection = self.get_object()
        step = get_object_or_404(protection.steps, kind=kind)
        form = StepForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                step_complete(step=step, note=form.cleaned_data["note"], risk=form.cleaned_data.get("risk", ""),
                              actor=request.user)  # fmt: skip
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("已完成：%(step)s") % {"step": step.get_kind_display()})
                return HttpResponseRedirect(protection.get_absolute_url())
        self.forms, self.action = {kind: form}, "view"
        return render(request, self.template_name, self.get_context(protection), status=400)


class ProtectiveCaseCloseView(ProtectiveCaseDetailView):
    action = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        protection = self.get_object()
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                protection_close(
                    protection=protection, outcome=form.cleaned_data["outcome"], actor=request.user
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("保护性跟进已结束"))
            return HttpResponseRedirect(protection.get_absolute_url())
        self.close_form, self.action = form, "view"
        return render(request, self.template_name, self.get_context(protection), status=400)


class ProtectiveCaseOpenView(ScopedViewMixin, View):
    """POST from the case page: open the follow-up of a neglect or abuse case that has none."""

    model = Case
    action = "view"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        case = self.get_object()
        require(request.user, "add", ProtectiveCase)
        try:
            protection = protection_open(case=case, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(case.get_absolute_url())
        return HttpResponseRedirect(protection.get_absolute_url())
