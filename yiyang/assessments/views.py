from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.assessments import actions, report, risk_events, scoring
from yiyang.assessments.choices import Scheme, Status
from yiyang.assessments.filtersets import AssessmentFilterSet, ScoringConfigFilterSet
from yiyang.assessments.forms import AssessmentForm, ScoringConfigForm, VoidForm, risk_field_name
from yiyang.assessments.models import Assessment, ScoringConfig
from yiyang.assessments.selectors import level_history, rules_in_force
from yiyang.assessments.tables import AssessmentTable, ScoringConfigTable
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import Column, date, integer, text
from yiyang.core.models import AccessLog
from yiyang.core.pdf import pdf_response
from yiyang.core.scoping import home_path
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.people.exports import CLEAR_EXPORT, id_number_column
from yiyang.people.models import Elder

if TYPE_CHECKING:
    pass

# Spreadsheet column headers stay Chinese whatever the interface language.
EXPORT_COLUMNS: list[Column] = [
    integer("编号", "pk"),
    text("老人", "elder__name"),
    id_number_column("elder__"),
    text("社区/网格", "elder__area__name"),
    text("评估标准", lambda a: a.get_scheme_display()),
    text("评估原因", lambda a: a.get_reason_display()),
    date("评估日期", "assessed_on"),
    integer("自理能力", lambda a: (a.subtotals or {}).get("B.1")),
    integer("基础运动能力", lambda a: (a.subtotals or {}).get("B.2")),
    integer("精神状态", lambda a: (a.subtotals or {}).get("B.3")),
    integer("感知觉与社会参与", lambda a: (a.subtotals or {}).get("B.4")),
    integer("总分", "total"),
    text("初步等级", lambda a: a.preliminary_level_name),
    text("最终等级", lambda a: a.final_level_name),
    date("有效期至", "valid_to"),
    text("评估机构", "organisation"),
    text("评估员", "assessor_name"),
    text("状态", lambda a: a.get_status_display()),
]


class AssessmentListView(ObjectListView):
    model = Assessment
    filterset = AssessmentFilterSet
    table = AssessmentTable
    export_columns = EXPORT_COLUMNS
    clear_export_permission = CLEAR_EXPORT
    template_name = "assessments/assessment_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "elder__area")

    def add_url(self) -> str:
        return ""  # an assessment starts from an elder: /assessments/new/?elder=<id>


class AssessmentDueView(AssessmentListView):
    """到期复评: each elder's latest confirmed assessment that expires soon or has expired."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if "due" not in request.GET:
            query = request.GET.copy()
            query["due"] = "due"
            days = rules_in_force(home_path(request.user), timezone.localdate()).reminder_days
            query.setdefault("days", str(days))
            request.GET = query  # type: ignore[assignment]
        return super().get(request, **kwargs)

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["title"] = _("到期复评提醒")
        return context

    def breadcrumbs(self) -> list[tuple[str, str]]:
        return [(_("能力评估"), self.list_url()), (_("到期复评"), "")]


class AssessmentDetailView(ObjectDetailView):
    model = Assessment
    template_name = "assessments/assessment_detail.html"
    log_views = True

    def get_context(self, obj: Assessment) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            title=_("能力评估 #%(pk)s") % {"pk": obj.pk},
            rows=report.item_rows(obj),
            subtotal_rows=report.subtotal_rows(obj),
            history=level_history(obj.elder).select_related(None),
            can_edit=obj.status == Status.DRAFT and user.has_perm("assessments.change_assessment"),
            can_confirm=obj.status == Status.DRAFT and user.has_perm("assessments.confirm_assessment"),
            can_void=obj.status != Status.VOID and user.has_perm("assessments.void_assessment"),
            can_print=user.has_perm("assessments.print_assessment"),
            void_form=VoidForm(),
            risk_rows=[
                (label, getattr(obj, Assessment.RISK_FIELDS[kind]))
                for kind, label in scoring.RISK_EVENT_TYPES.items()
            ],
        )
        return context


class AssessmentEditView(ScopedViewMixin, View):
    """The assessment sheet: new (``?elder=<id>``) or a draft. "保存草稿" keeps partial answers;
    "保存并确认" scores it and makes the elder's level follow."""

    model = Assessment
    template_name = "assessments/assessment_form.html"

    @property
    def creating(self) -> bool:
        return "pk" not in self.kwargs

    def setup_objects(self) -> tuple[Elder, Assessment | None]:
        user = self.request.user
        if self.creating:
            self.check_permission("add")
            elder_id = self.request.GET.get("elder") or self.request.POST.get("elder")
            if not elder_id or not str(elder_id).isdigit():
                raise Http404
            elder = Elder.objects.get_for_user_or_404(user, "view", pk=int(elder_id))
            return elder, None
        self.check_permission("change")
        assessment = self.get_object("change")
        if assessment.status != Status.DRAFT:
            raise PermissionDenied
        return assessment.elder, assessment

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        elder, assessment = self.setup_objects()
        scheme = assessment.scheme if assessment else request.GET.get("scheme", Scheme.GB42195)
        initial = AssessmentForm.initial_for(assessment, request.user)
        if assessment is None:
            last = Assessment.objects.filter(elder=elder, status=Status.CONFIRMED).first()
            initial["reason"] = "routine" if last else "first"
            initial["organisation"] = last.organisation if last else ""
        # The sheet starts from the risk events recorded in the 30 days before the assessment date.
        found = risk_events.counts(
            risk_events.recorded(elder, initial.get("assessed_on") or timezone.localdate())
        )
        for kind, count in found.items():
            initial[risk_field_name(kind)] = max(int(initial.get(risk_field_name(kind)) or 0), count)
        form = AssessmentForm(initial=initial, scheme=scheme)
        return self.render(form, elder, assessment)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        elder, assessment = self.setup_objects()
        form = AssessmentForm(request.POST)
        if not form.is_valid():
            return self.render(form, elder, assessment)
        try:
            assessment = actions.assessment_save_draft(
                elder=elder, data=form.to_data(request.user), actor=request.user, assessment=assessment
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.render(form, elder, assessment)
        if "confirm" in request.POST:
            try:
                actions.assessment_confirm(assessment=assessment, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.warning(
                    request, _("已保存草稿，但还不能确认：%(reason)s") % {"reason": _message(exc)}
                )
                return HttpResponseRedirect(reverse("assessments:assessment_edit", args=[assessment.pk]))
            messages.success(
                request,
                _("评估已确认：%(name)s，%(level)s")
                % {"name": assessment.elder.name, "level": _refreshed(assessment).final_level_name},
            )
        else:
            messages.success(request, _("草稿已保存"))
        return HttpResponseRedirect(assessment.get_absolute_url())

    def render(self, form: AssessmentForm, elder: Elder, assessment: Assessment | None) -> HttpResponse:
        title = (
            _("新增能力评估")
            if assessment is None
            else _("编辑能力评估 #%(pk)s（草稿）") % {"pk": assessment.pk}
        )
        preview_url = reverse("assessments:assessment_preview") + f"?elder={elder.pk}"
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "elder": elder,
                "assessment": assessment,
                "title": title,
                "breadcrumbs": [(_("能力评估"), reverse("assessments:assessment_list")), (title, "")],
                "preview_url": preview_url,
                "preview": _preview_context(form, elder),
                "recorded_events": _recorded_events(form, elder, assessment),
                "risk_window_days": risk_events.WINDOW_DAYS,
                "can_confirm": self.request.user.has_perm("assessments.confirm_assessment"),
                "schemes": Scheme.choices,
            },
        )


def _recorded_events(
    form: AssessmentForm, elder: Elder, assessment: Assessment | None
) -> list[risk_events.RecordedEvent]:
    """The risk events recorded for the elder in the 30 days before the sheet's assessment date."""
    on = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data.get("assessed_on")
    on = on or (assessment.assessed_on if assessment else None) or form.initial.get("assessed_on")
    return risk_events.recorded(elder, on or timezone.localdate())


def _refreshed(a: Assessment) -> Assessment:
    a.refresh_from_db()
    return a


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return error_text(exc)
    return _("没有确认权限")


def _add_errors(form: AssessmentForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _preview_context(form: AssessmentForm, elder: Elder) -> dict[str, Any]:
    """Running subtotals while answering, and the levels once every item is answered."""
    scheme = form.scheme_code
    if form.is_bound:
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        answers = {i.code: cleaned.get(i.code) for i in scoring.items_for(scheme)}
        facts = scoring.ChangeFacts(
            coma=bool(cleaned.get("coma")),
            dementia=bool(cleaned.get("dementia")),
            mental_disorder=bool(cleaned.get("mental_disorder")),
            risk_events={k: int(cleaned.get(f"risk_{k}") or 0) for k in scoring.RISK_EVENT_TYPES},
        )
        on = cleaned.get("assessed_on") or timezone.localdate()
    else:
        answers = {i.code: form.initial.get(i.code) for i in scoring.items_for(scheme)}
        facts = scoring.ChangeFacts(
            coma=bool(form.initial.get("coma")),
            dementia=bool(form.initial.get("dementia")),
            mental_disorder=bool(form.initial.get("mental_disorder")),
            risk_events={k: int(form.initial.get(f"risk_{k}") or 0) for k in scoring.RISK_EVENT_TYPES},
        )
        on = form.initial.get("assessed_on") or timezone.localdate()
    # What saving would keep: never fewer risk events than were recorded (``risk_events``).
    facts = replace(facts, risk_events=risk_events.at_least_recorded(dict(facts.risk_events), elder, on))
    clean_answers = {k: v for k, v in answers.items() if isinstance(v, int)}
    subtotals, total, answered = scoring.partial_subtotals(scheme, clean_answers)
    result = actions.preview(elder, scheme, clean_answers, facts, on)
    groups = scoring.groups_for(scheme)
    return {
        "scheme": scheme,
        "rows": [(g.code, g.name, subtotals[g.code], g.max_score) for g in groups],
        "total": total if scheme == Scheme.GB42195 else None,
        "answered": answered,
        "count": len(scoring.items_for(scheme)),
        "result": result,
    }


class AssessmentPreviewView(ScopedViewMixin, View):
    """htmx: the score panel for the answers on the sheet so far (nothing is saved)."""

    model = Assessment

    def post(self, request: HttpRequest) -> HttpResponse:
        if not (
            request.user.has_perm("assessments.add_assessment")
            or request.user.has_perm("assessments.change_assessment")
        ):
            raise PermissionDenied
        elder_id = request.GET.get("elder", "")
        if not elder_id.isdigit():
            raise Http404
        elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=int(elder_id))
        form = AssessmentForm(request.POST)
        return render(request, "assessments/_score_panel.html", {"preview": _preview_context(form, elder)})


class AssessmentConfirmView(ScopedViewMixin, View):
    model = Assessment
    action = "confirm"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        assessment = self.get_object()
        try:
            actions.assessment_confirm(assessment=assessment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, _("不能确认：%(reason)s") % {"reason": error_text(exc)})
        else:
            messages.success(request, _("评估已确认，老人的能力等级已更新"))
        return HttpResponseRedirect(assessment.get_absolute_url())


class AssessmentVoidView(ScopedViewMixin, View):
    model = Assessment
    action = "void"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        assessment = self.get_object()
        form = VoidForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写作废原因（至少2个字）"))
            return HttpResponseRedirect(assessment.get_absolute_url())
        try:
            actions.assessment_void(
                assessment=assessment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("评估已作废，老人的能力等级已按其余已确认评估重新确定"))
        return HttpResponseRedirect(assessment.get_absolute_url())


class AssessmentReportView(ScopedViewMixin, View):
    """评估报告 (Annex C style): printable HTML, or PDF with ``?format=pdf`` / ``report.pdf``."""

    model = Assessment
    action = "print"
    pdf = False

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        assessment = self.get_object()
        as_pdf = self.pdf or request.GET.get("format") == "pdf"
        audit.record_access(
            actor=request.user,
            kind=AccessLog.Kind.PRINT,
            object_type="assessments.assessment",
            object_id=str(assessment.pk),
            subject_id=assessment.elder_id,
            area_path=assessment.elder.area_path,
            fields=["report.pdf" if as_pdf else "report.html"],
        )
        if as_pdf:
            return pdf_response(report.render_pdf(assessment), f"assessment-{assessment.pk}.pdf")
        return HttpResponse(report.render_html(assessment, request=request))


# -- scoring configuration -----------------------------------------------------------------------------


class ScoringConfigListView(ObjectListView):
    model = ScoringConfig
    filterset = ScoringConfigFilterSet
    table = ScoringConfigTable
    template_name = "assessments/scoringconfig_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area")


class ScoringConfigEditView(ObjectEditView):
    model = ScoringConfig
    form = ScoringConfigForm

    def success_url(self, obj: Any) -> str:
        return reverse("assessments:scoringconfig_list")
