"""Pages of GB 38600 safety and supervision: incidents, rounds, inspections and their findings,
the checklist and star thresholds (rules as data), and GB/T 37276 self-assessments."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import datetime_ as datetime_column
from yiyang.core.exporting import text
from yiyang.core.scoping import is_in_scope
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.institutions.actions import safety as actions
from yiyang.institutions.choices import FindingSeverity, FindingStatus, InspectionStatus
from yiyang.institutions.filtersets import (
    ChecklistItemFilterSet,
    FindingFilterSet,
    IncidentFilterSet,
    InspectionFilterSet,
    RoundLogFilterSet,
    StarAssessmentFilterSet,
    StarThresholdFilterSet,
)
from yiyang.institutions.forms_safety import (
    ChecklistItemForm,
    FindingForm,
    IncidentForm,
    InspectionForm,
    RecheckForm,
    RectifyForm,
    RoundLogForm,
    StarAssessmentForm,
    StarThresholdForm,
)
from yiyang.institutions.models import (
    ChecklistItem,
    Finding,
    Incident,
    Inspection,
    Resident,
    RoundLog,
    StarAssessment,
    StarThreshold,
)
from yiyang.institutions.tables_safety import (
    ChecklistItemTable,
    FindingTable,
    IncidentTable,
    InspectionTable,
    RoundLogTable,
    StarAssessmentTable,
    StarThresholdTable,
)
from yiyang.institutions.views.residents import RESIDENT_PANELS, add_errors


def _form_page(
    request: HttpRequest, form: Any, title: str, back: tuple[str, str], **extra: Any
) -> HttpResponse:
    return render(request, "institutions/form.html",
                  {"form": form, "title": title, "breadcrumbs": [back, (title, "")], **extra})  # fmt: skip


# -- incidents -----------------------------------------------------------------------------------------


class IncidentListView(ObjectListView):
    model = Incident
    filterset = IncidentFilterSet
    table = IncidentTable
    template_name = "institutions/incident_list.html"
    export_columns = [
        datetime_column("发生时间", "occurred_at"), text("养老机构", "institution__name"),
        text("入住老人", "resident__elder__name"), text("事件类型", lambda i: i.get_kind_display()),
        text("伤害程度", lambda i: i.get_harm_display()), text("地点", "place"), text("经过", "description"),
        text("处置情况", "handling"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution", "resident__elder")


class IncidentDetailView(ObjectDetailView):
    model = Incident
    template_name = "institutions/incident_detail.html"


class IncidentReportView(LoginRequiredMixin, View):
    """安全事件报告: the resident's risk register of that kind goes up with it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_incident")
        form = IncidentForm(user=request.user, initial={"resident": request.GET.get("resident")})
        return self.render(form)

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_incident")
        form = IncidentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = actions.incident_report(
                    resident=data["resident"], kind=data["kind"], occurred_at=data["occurred_at"],
                    description=data["description"], harm=data["harm"], place=data["place"],
                    handling=data["handling"], actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("已报告安全事件，风险登记已更新：%(incident)s") % {"incident": incident}
                )
                return HttpResponseRedirect(incident.resident.get_absolute_url())
        return self.render(form)

    def render(self, form: IncidentForm) -> HttpResponse:
        return _form_page(
            self.request, form, _("报告安全事件"), (_("安全事件"), reverse("institutions:incident_list"))
        )


def incident_panel(request: HttpRequest, resident: Resident) -> tuple[str, dict[str, Any]] | None:
    if not request.user.has_perm("institutions.view_incident"):
        return None
    rows = Incident.objects.for_user(request.user).filter(resident=resident).order_by("-occurred_at")[:20]
    return "institutions/_incident_panel.html", {
        "incidents": rows, "resident": resident, "can_add": request.user.has_perm("institutions.add_incident"),
    }  # fmt: skip


RESIDENT_PANELS.append(incident_panel)


# -- rounds ----------------------------------------------------------------------------------------------


class RoundLogListView(ObjectListView):
    model = RoundLog
    filterset = RoundLogFilterSet
    table = RoundLogTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")


class RoundLogEditView(ObjectEditView):
    model = RoundLog
    form = RoundLogForm


# -- supervision -------------------------------------------------------------------------------------------


class InspectionListView(ObjectListView):
    model = Inspection
    filterset = InspectionFilterSet
    table = InspectionTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")


class InspectionEditView(ObjectEditView):
    model = Inspection
    form = InspectionForm


class InspectionDetailView(ObjectDetailView):
    model = Inspection
    template_name = "institutions/inspection_detail.html"

    def get_context(self, obj: Inspection) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        today = timezone.localdate()
        context.update(
            today=today,
            findings=Finding.objects.for_user(user).filter(inspection=obj).select_related("item"),
            can_supervise=user.has_perm("institutions.supervise_inspection")
            and is_in_scope(user, obj, "supervise"),
            can_rectify=user.has_perm("institutions.change_finding"),
            can_close=obj.status == InspectionStatus.OPEN
            and not obj.findings.exclude(status=FindingStatus.VERIFIED).exists(),
            finding_form=FindingForm(),
            rectify_form=RectifyForm(initial={"on": today}),
            recheck_form=RecheckForm(initial={"on": today, "passed": "1"}),
        )
        return context


class FindingActionView(LoginRequiredMixin, View):
    """Add a finding to an inspection, report it rectified, re-check it."""

    def post(self, request: HttpRequest, pk: int, op: str) -> HttpResponse:
        if op == "add":
            require_perm(request, "institutions.supervise_inspection")
            inspection = Inspection.objects.get_for_user_or_404(request.user, "supervise", pk=pk)
            form: Any = FindingForm(request.POST)
            if form.is_valid():
                self.run(request, lambda: actions.finding_add(
                    inspection=inspection, description=form.cleaned_data["description"],
                    deadline=form.cleaned_data["deadline"], item=form.cleaned_data["item"], actor=request.user,
                    severity=form.cleaned_data["severity"] or FindingSeverity.GENERAL,
                ), _("已记录整改事项"))  # fmt: skip
            else:
                messages.error(request, error_text(ValidationError(form.errors)))
            return HttpResponseRedirect(inspection.get_absolute_url())
        finding = Finding.objects.get_for_user_or_404(
            request.user, "change" if op == "rectify" else "view", pk=pk
        )
        if op == "rectify":
            require_perm(request, "institutions.change_finding")
            form = RectifyForm(request.POST)
            if form.is_valid():
                self.run(request, lambda: actions.finding_rectify(
                    finding=finding, on=form.cleaned_data["on"], note=form.cleaned_data["rectification"], actor=request.user,
                ), _("已报整改"))  # fmt: skip
            else:
                messages.error(request, error_text(ValidationError(form.errors)))
        elif op == "recheck":
            require_perm(request, "institutions.supervise_inspection")
            form = RecheckForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                self.run(request, lambda: actions.finding_recheck(
                    finding=finding, passed=data["passed"], on=data["on"], note=data["note"],
                    new_deadline=data["new_deadline"], actor=request.user,
                ), _("已复查"))  # fmt: skip
            else:
                messages.error(request, error_text(ValidationError(form.errors)))
        return HttpResponseRedirect(finding.get_absolute_url())

    def run(self, request: HttpRequest, call: Any, done: str) -> None:
        try:
            call()
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, done)


class FindingListView(ObjectListView):
    model = Finding
    filterset = FindingFilterSet
    table = FindingTable
    template_name = "institutions/finding_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        overdue = Finding.objects.for_user(self.request.user).filter(
            status=FindingStatus.OPEN, deadline__lt=timezone.localdate()
        )
        context.update(
            overdue=overdue.count(),
            can_escalate=self.request.user.has_perm("institutions.supervise_inspection"),
        )
        return context


class InspectionCloseView(LoginRequiredMixin, View):
    """结案: an inspection with nothing (left) to rectify."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "institutions.supervise_inspection")
        inspection = Inspection.objects.get_for_user_or_404(request.user, "supervise", pk=pk)
        try:
            actions.inspection_close(inspection=inspection, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("检查已结案"))
        return HttpResponseRedirect(inspection.get_absolute_url())


class EscalateView(LoginRequiredMixin, View):
    """督办: escalate every overdue finding in the user's areas (also run nightly by ``institutions_escalate``)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.supervise_inspection")
        count = actions.findings_escalate_overdue(actor=request.user)
        messages.success(request, _("已督办逾期整改事项 %(count)s 项") % {"count": count})
        return HttpResponseRedirect(reverse("institutions:finding_list"))


class ChecklistItemListView(ObjectListView):
    model = ChecklistItem
    filterset = ChecklistItemFilterSet
    table = ChecklistItemTable


class ChecklistItemEditView(ObjectEditView):
    model = ChecklistItem
    form = ChecklistItemForm


class StarThresholdListView(ObjectListView):
    model = StarThreshold
    filterset = StarThresholdFilterSet
    table = StarThresholdTable


class StarThresholdEditView(ObjectEditView):
    model = StarThreshold
    form = StarThresholdForm


class StarAssessmentListView(ObjectListView):
    model = StarAssessment
    filterset = StarAssessmentFilterSet
    table = StarAssessmentTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")

    def add_url(self) -> str:
        return reverse("institutions:starassessment_add")


class StarAssessmentSubmitView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_starassessment")
        return self.render(StarAssessmentForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_starassessment")
        form = StarAssessmentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            scores = {k: data[k] for k in ("environment", "facilities", "management", "service")}
            try:
                row = actions.star_assessment_submit(
                    institution=data["institution"],
                    scores=scores,
                    assessed_on=data["assessed_on"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("自评总分 %(total)s，可达 %(level)s 星")
                    % {"total": row.total, "level": row.level or 0},
                )
                return HttpResponseRedirect(row.get_absolute_url())
        return self.render(form)

    def render(self, form: StarAssessmentForm) -> HttpResponse:
        return _form_page(
            self.request,
            form,
            _("等级评定自评"),
            (_("等级评定"), reverse("institutions:starassessment_list")),
        )


class StarConfirmView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "institutions.confirm_starassessment")
        row = StarAssessment.objects.get_for_user_or_404(request.user, "confirm", pk=pk)
        try:
            home = actions.star_assessment_confirm(assessment=row, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("已评定：%(home)s %(level)s 星") % {"home": home, "level": home.star_level or 0}
            )
        return HttpResponseRedirect(row.get_absolute_url())


def overdue_inspections(user: Any, today: datetime.date) -> Any:
    """Active homes with no inspection in the last year (养老机构管理办法 第三十八条: at least yearly)."""
    from yiyang.institutions.models import Institution

    recent = Inspection.objects.filter(inspected_on__gt=today - datetime.timedelta(days=365)).values(
        "institution_id"
    )
    return Institution.objects.for_user(user).filter(is_active=True).exclude(pk__in=recent)
