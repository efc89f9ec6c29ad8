"""Pages of residents: the list, admission, the stay (beds, risk register, moves, discharge) and the
GB 38600 risk assessments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import date, integer, text
from yiyang.core.scoping import is_in_scope
from yiyang.core.views import ObjectDetailView, ObjectListView, require_perm
from yiyang.institutions.actions import residents as actions
from yiyang.institutions.filtersets import BedAssignmentFilterSet, ResidentFilterSet, RiskAssessmentFilterSet
from yiyang.institutions.forms_residents import (
    AdmitForm,
    CareLevelForm,
    DischargeForm,
    MoveBedForm,
    RiskAssessmentForm,
)
from yiyang.institutions.models import BedAssignment, Resident, RiskAssessment
from yiyang.institutions.tables import BedAssignmentTable, ResidentTable, RiskAssessmentTable
from yiyang.people.choices import ElderStatus
from yiyang.people.exports import CLEAR_EXPORT, id_number_column


def add_errors(form: Any, exc: ValidationError) -> None:
    """An action's refusal on the form: field errors on their fields, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ResidentListView(ObjectListView):
    model = Resident
    filterset = ResidentFilterSet
    table = ResidentTable
    template_name = "institutions/resident_list.html"
    export_columns = [
        text("养老机构", "institution__name"), text("姓名", "elder__name"), id_number_column("elder__"),
        text("入住类型", lambda r: r.get_kind_display()), text("护理等级", lambda r: r.get_care_level_display()),
        integer("入住时能力等级", "capability_level"), text("合同编号", "contract_no"), date("入住日期", "admitted_on"),
        date("约定离院日期", "planned_end"), text("状态", lambda r: r.get_status_display()),
        date("离院日期", "discharged_on"), text("离院原因", lambda r: r.get_discharge_reason_display()),
        date("档案保存至", "retain_until"),
    ]  # fmt: skip
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution", "elder")


def risk_register(resident: Resident) -> tuple[RiskAssessment | None, list[Any]]:
    """The elder's risk register in the home: the latest assessment and its nine items."""
    latest = actions.latest_risk_assessment(resident.elder, resident.institution)
    if latest is None:
        return None, []
    return latest, list(latest.items.order_by("-level", "id"))


#: Sections other sub-domains add to a stay's page (incidents): ``panel(request, resident)`` returns
#: ``(template, context)`` or None.
RESIDENT_PANELS: list[Any] = []


class ResidentDetailView(ObjectDetailView):
    model = Resident
    template_name = "institutions/resident_detail.html"
    log_views = True

    def get_context(self, obj: Resident) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        latest, items = risk_register(obj)
        may_act = user.has_perm("institutions.admit_resident") and is_in_scope(user, obj, "admit")
        context.update(
            title=str(obj),
            beds=BedAssignment.objects.filter(resident=obj).select_related("bed").order_by("-start"),
            register=latest,
            register_items=items,
            may_act=may_act and obj.status == "resident",
            may_assess=user.has_perm("institutions.add_riskassessment"),
            move_form=MoveBedForm(user=user, institution=obj.institution),
            care_form=CareLevelForm(user=user, initial={"care_level": obj.care_level}),
            discharge_form=DischargeForm(user=user),
            registry_deceased=obj.status == "resident" and obj.elder.status == ElderStatus.DECEASED,
            panels=[p for p in (panel(self.request, obj) for panel in RESIDENT_PANELS) if p],
        )
        return context


class ResidentActionView(LoginRequiredMixin, View):
    """调床 / 护理等级 / 离院 from the stay's page: the action decides, the page says why not."""

    def post(self, request: HttpRequest, pk: int, op: str) -> HttpResponse:
        require_perm(request, "institutions.admit_resident")
        resident = Resident.objects.get_for_user_or_404(request.user, "admit", pk=pk)
        back = resident.get_absolute_url()
        forms = {"move": MoveBedForm, "care": CareLevelForm, "discharge": DischargeForm}
        if op not in forms:
            return HttpResponseRedirect(back)
        kwargs: dict[str, Any] = {"institution": resident.institution} if op == "move" else {}
        form = forms[op](request.POST, user=request.user, **kwargs)
        if not form.is_valid():
            messages.error(request, " ".join(f"{form.fields[f].label}：{'；'.join(e)}" if f in form.fields else "；".join(e)
                                             for f, e in form.errors.items()))  # fmt: skip
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        try:
            if op == "move":
                actions.resident_move_bed(
                    resident=resident, bed=data["bed"], on=data["on"], actor=request.user
                )
                messages.success(request, _("已调床：%(bed)s") % {"bed": data["bed"]})
            elif op == "care":
                actions.resident_change_care_level(
                    resident=resident, care_level=data["care_level"], on=data["on"], actor=request.user
                )
                messages.success(request, _("护理等级已变更"))
            else:
                actions.resident_discharge(
                    resident=resident,
                    on=data["on"],
                    reason=data["reason"],
                    note=data["note"],
                    actor=request.user,
                )
                messages.success(request, _("已办理离院：%(name)s") % {"name": resident.elder.name})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(back)


class AdmitView(LoginRequiredMixin, View):
    """入住登记: the elder by ID number and name, the home and bed; refused with the reasons."""

    template_name = "institutions/admit.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.admit_resident")
        return self.render(AdmitForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.admit_resident")
        form = AdmitForm(request.POST, user=request.user)
        if form.is_valid() and form.elder is not None:
            data = form.cleaned_data
            try:
                resident = actions.resident_admit(
                    elder=form.elder, institution=data["institution"], bed=data["bed"],
                    admitted_on=data["admitted_on"], kind=data["kind"], care_level=data["care_level"],
                    contract_no=data["contract_no"], planned_end=data["planned_end"], actor=request.user,
                    centralised_support=data["centralised_support"],
                )  # fmt: skip
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已办理入住：%(resident)s") % {"resident": resident})
                return HttpResponseRedirect(resident.get_absolute_url())
        return self.render(form)

    def render(self, form: AdmitForm) -> HttpResponse:
        title = _("入住登记")
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": title,
                "breadcrumbs": [(_("入住老人"), reverse("institutions:resident_list")), (title, "")],
            },
        )


class RiskAssessmentListView(ObjectListView):
    model = RiskAssessment
    filterset = RiskAssessmentFilterSet
    table = RiskAssessmentTable
    template_name = "institutions/riskassessment_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution", "elder")


class RiskAssessmentDetailView(ObjectDetailView):
    model = RiskAssessment
    template_name = "institutions/riskassessment_detail.html"

    def get_context(self, obj: RiskAssessment) -> dict[str, Any]:
        context = super().get_context(obj)
        context["items"] = obj.items.order_by("id")
        return context


class RiskAssessmentCreateView(LoginRequiredMixin, View):
    """服务安全风险评估: nine risks with levels and measures; for a resident (``?resident=``) or an elder
    about to be admitted (by ID number and name)."""

    template_name = "institutions/riskassessment_form.html"

    def resident(self) -> Resident | None:
        pk = self.request.GET.get("resident") or self.request.POST.get("resident")
        if not pk or not str(pk).isdigit():
            return None
        return Resident.objects.get_for_user_or_404(self.request.user, "view", pk=pk)

    def form(self, data: Any = None) -> RiskAssessmentForm:
        resident = self.resident()
        initial: dict[str, Any] = {}
        if resident is not None:
            initial = {"institution": resident.institution_id, "reason": "change"}
            _latest, items = risk_register(resident)
            for item in items:
                initial[f"level_{item.risk}"] = item.level
                initial[f"measures_{item.risk}"] = item.measures
        return RiskAssessmentForm(
            data, user=self.request.user, elder=resident.elder if resident else None, initial=initial
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_riskassessment")
        return self.render(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_riskassessment")
        form = self.form(request.POST)
        if form.is_valid() and form.elder is not None:
            data = form.cleaned_data
            try:
                assessment = actions.risk_assessment_create(
                    elder=form.elder, institution=data["institution"], items=form.items(),
                    assessor=data["assessor"], assessed_on=data["assessed_on"], reason=data["reason"],
                    note=data["note"], actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存风险评估：%(name)s") % {"name": form.elder.name})
                resident = self.resident()
                return HttpResponseRedirect(
                    resident.get_absolute_url() if resident else assessment.get_absolute_url()
                )
        return self.render(form)

    def render(self, form: RiskAssessmentForm) -> HttpResponse:
        title = _("服务安全风险评估")
        return render(
            self.request,
            self.template_name,
            {"form": form, "resident": self.resident(), "title": title,
             "breadcrumbs": [(_("风险评估"), reverse("institutions:riskassessment_list")), (title, "")]},
        )  # fmt: skip


class BedAssignmentListView(ObjectListView):
    """床位占用: who held which bed when (``?on=`` a day: that night's occupancy)."""

    model = BedAssignment
    filterset = BedAssignmentFilterSet
    table = BedAssignmentTable
    export_columns = [
        text("养老机构", "institution__name"), text("床位", lambda a: str(a.bed)), text("入住老人", "resident__elder__name"),
        text("护理等级", lambda a: a.get_care_level_display()), date("起始日期", "start"), date("结束日期", "end"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution", "bed", "resident__elder")
