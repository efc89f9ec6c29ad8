"""Pages of needs surveys: questionnaires, rounds with progress and results, the phone form, reviews."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import XLSX_TYPE, Sheet, date, datetime_, download, money, number, text, xlsx_bytes
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.visits import survey_figures, survey_imports, surveys
from yiyang.visits.choices import QuestionKind, ResponseStatus, RoundStatus
from yiyang.visits.models import (
    RegistryProposal,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
)
from yiyang.visits.survey_lists import (
    RegistryProposalFilterSet,
    RegistryProposalTable,
    SurveyAnswerFilterSet,
    SurveyAnswerTable,
    SurveyQuestionFilterSet,
    SurveyQuestionForm,
    SurveyQuestionTable,
    SurveyResponseFilterSet,
    SurveyResponseTable,
    SurveyRoundFilterSet,
    SurveyRoundForm,
    SurveyRoundTable,
    SurveyTemplateFilterSet,
    SurveyTemplateForm,
    SurveyTemplateTable,
)
from yiyang.visits.survey_rules import YES

ANSWER = "visits.answer_surveyresponse"

# -- questionnaires (generic registry pages) -------------------------------------------------------------


class SurveyTemplateListView(ObjectListView):
    model = SurveyTemplate
    filterset = SurveyTemplateFilterSet
    table = SurveyTemplateTable
    template_name = "visits/surveytemplate_list.html"

    def get_context(self, **extra: Any) -> dict[str, Any]:
        may_import = self.request.user.has_perm("visits.import_surveyquestion")
        return super().get_context(
            import_url=reverse("visits:surveytemplate_import") if may_import else "", **extra
        )


class SurveyTemplateEditView(ObjectEditView):
    model = SurveyTemplate
    form = SurveyTemplateForm


class SurveyTemplateExportView(LoginRequiredMixin, View):
    """导出问卷 (.xlsx): the questions in order, in the columns the questionnaire import reads."""

    required_permission = "visits.view_surveyquestion"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_surveyquestion")
        template = SurveyTemplate.objects.get_for_user_or_404(request.user, pk=pk)
        questions = SurveyQuestion.objects.for_user(request.user).filter(template=template)
        rows = list(questions.select_related("template").order_by("position", "id"))
        with records_language():
            content, count = xlsx_bytes([Sheet("调查问卷", survey_imports.export_columns(), rows)])
        audit.record_access(actor=request.user, kind=AccessLog.Kind.EXPORT, object_type="visits.surveytemplate",
                            object_id=str(template.pk), row_count=count, reason="导出调查问卷")  # fmt: skip
        return download(content, f"调查问卷-{template.name}.xlsx", XLSX_TYPE)


class SurveyQuestionListView(ObjectListView):
    model = SurveyQuestion
    filterset = SurveyQuestionFilterSet
    table = SurveyQuestionTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("template")


class SurveyQuestionEditView(ObjectEditView):
    model = SurveyQuestion
    form = SurveyQuestionForm

    def success_url(self, obj: Any) -> str:
        return reverse("visits:surveyquestion_list") + f"?template={obj.template_id}"


# -- rounds ----------------------------------------------------------------------------------------------


class SurveyRoundListView(ObjectListView):
    model = SurveyRound
    filterset = SurveyRoundFilterSet
    table = SurveyRoundTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("template", "area")


class SurveyRoundEditView(ObjectEditView):
    model = SurveyRound
    form = SurveyRoundForm


class SurveyRoundDetailView(ObjectDetailView):
    """The round: progress by area side by side, each figure linking to its elders; the results."""

    model = SurveyRound
    template_name = "visits/surveyround_detail.html"

    def get_context(self, obj: SurveyRound) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        rows = survey_figures.progress(obj, user)
        results = survey_figures.results(obj, user) if user.has_perm("visits.view_surveyanswer") else []
        responses = reverse("visits:surveyresponse_list") + f"?round={obj.pk}"
        context.update(
            progress=rows,
            assigned=sum(r.assigned for r in rows),
            answered=sum(r.answered for r in rows),
            responses_url=responses,
            results=results,
            can_change=SurveyRound.objects.for_user(user, "change").filter(pk=obj.pk).exists()
            and obj.status == RoundStatus.OPEN,
            may_export=user.has_perm("visits.export_surveyanswer"),
            chart={
                "results": [r.chart() for r in results],
            },
        )
        return context


class SurveyRoundActionView(LoginRequiredMixin, View):
    """POST: 派发调查任务 (assign) or 结束调查 (close)."""

    def post(self, request: HttpRequest, pk: int, op: str) -> HttpResponse:
        require_perm(request, "visits.change_surveyround")
        survey_round = SurveyRound.objects.get_for_user_or_404(request.user, "change", pk=pk)
        try:
            if op == "assign":
                added = surveys.round_assign(survey_round=survey_round, actor=request.user)
                messages.success(request, _("已派发调查任务 %(n)s 户；已派发的不会重复") % {"n": added})
            elif op == "close":
                surveys.round_close(survey_round=survey_round, actor=request.user)
                messages.success(request, _("调查已结束"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(survey_round.get_absolute_url())


class SurveyResultsExportView(LoginRequiredMixin, View):
    """调查结果 (.xlsx): one row per elder answered, one typed column per question; logged."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.export_surveyanswer")
        survey_round = SurveyRound.objects.get_for_user_or_404(request.user, pk=pk)
        questions = list(
            SurveyQuestion.objects.filter(template_id=survey_round.template_id).order_by("position", "id")
        )
        responses = list(
            SurveyResponse.objects.for_user(request.user, "export").filter(round=survey_round, status=ResponseStatus.DONE)
            .select_related("elder__area", "worker").order_by("area_path", "id")[:200_000]
        )  # fmt: skip
        by_response: dict[int, dict[int, list[SurveyAnswer]]] = {}
        for answer in SurveyAnswer.objects.filter(response__in=[r.pk for r in responses]).order_by("id"):
            by_response.setdefault(answer.response_id, {}).setdefault(answer.question_id, []).append(answer)

        def cell(q: SurveyQuestion) -> Any:
            def read(r: SurveyResponse) -> Any:
                got = by_response.get(r.pk, {}).get(q.pk, [])
                if q.kind == QuestionKind.NUMBER:
                    return got[0].number if got else None
                return "、".join(a.value for a in got)

            return read

        columns = [
            text("老人", "elder__name"), text("社区/网格", "elder__area__name"),
            datetime_("调查时间", "answered_at"), text("填报人", lambda r: r.worker.username if r.worker else ""),
            *[_column(q)(_header(q), cell(q)) for q in questions],
        ]  # fmt: skip
        with records_language():
            content, count = xlsx_bytes([Sheet("调查结果", columns, responses)])
        audit.record_access(actor=request.user, kind=AccessLog.Kind.EXPORT, object_type="visits.surveyround",
                            object_id=str(survey_round.pk), area_path=survey_round.area_path, row_count=count,
                            reason="摸底调查结果")  # fmt: skip
        return download(content, f"调查结果-{survey_round.name}.xlsx", XLSX_TYPE)


def _header(q: SurveyQuestion) -> str:
    return f"{q.position}. {q.text}"[:60] + (f"（{q.unit}）" if q.unit and q.unit not in q.text else "")


def _column(q: SurveyQuestion) -> Any:
    """A number question is a number cell (money with two decimals when counted in 元); others text."""
    if q.kind != QuestionKind.NUMBER:
        return text
    return money if q.unit == "元" or "元" in q.text else number


class SurveyResponseListView(ObjectListView):
    model = SurveyResponse
    filterset = SurveyResponseFilterSet
    table = SurveyResponseTable
    export_columns = [
        text("老人", "elder__name"), text("社区/网格", "elder__area__name"), text("调查批次", "round__name"),
        text("调查人", lambda r: r.assignee.username if r.assignee else ""),
        text("状态", lambda r: r.get_status_display()), datetime_("调查时间", "answered_at"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder__area", "round", "assignee")


class SurveyAnswerListView(ObjectListView):
    """The elders behind a figure of the results (round, question, answer, area)."""

    model = SurveyAnswer
    filterset = SurveyAnswerFilterSet
    table = SurveyAnswerTable
    export_columns = [
        text("老人", "elder__name"), text("社区/网格", "elder__area__name"), text("调查批次", "round__name"),
        text("题目", "question__text"), text("答案", "value"), number("数值", "number"),
        date("调查日期", lambda a: a.response.answered_at.date() if a.response.answered_at else None),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder__area", "round", "question", "response")


# -- the phone ------------------------------------------------------------------------------------------


class SurveyTodayView(LoginRequiredMixin, View):
    """入户调查 (375 px): the signed-in worker's open surveys, round by round."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, ANSWER)
        rows = list(
            SurveyResponse.objects.for_user(request.user).filter(
                assignee_id=request.user.pk, status=ResponseStatus.OPEN, round__status=RoundStatus.OPEN
            ).select_related("elder", "round").order_by("round__due_date", "area_path", "id")[:300]
        )  # fmt: skip
        return render(request, "visits/survey_today.html", {
            "title": _("入户调查"), "breadcrumbs": [(_("入户调查"), "")], "rows": rows, "texts": _texts(),
            "sw_url": reverse("visits:service_worker"),
        })  # fmt: skip


def _texts() -> dict[str, str]:
    return {
        "queued": _("有 %(n)s 份调查保存在手机上，联网后自动上传"),
        "sent": _("调查已上传：%(name)s"),
        "refused": _("未能保存（%(name)s）：%(error)s"),
        "required": _("必答题"),
        "offline": _("离线"),
        "online": _("在线"),
    }


class SurveyFillView(LoginRequiredMixin, View):
    """One elder's questionnaire. The script sends it to the API with a client key (queued offline);
    without the script the form posts here with the same key, and a second post stores nothing."""

    def page(self, request: HttpRequest, response: SurveyResponse, errors: dict[str, str] | None = None,
             values: dict[str, Any] | None = None, key: str = "") -> HttpResponse:  # fmt: skip
        questions = list(
            SurveyQuestion.objects.filter(template_id=response.round.template_id).order_by("position", "id")
        )
        return render(request, "visits/survey_fill.html", {
            "title": _("入户调查：%(name)s") % {"name": response.elder.name},
            "breadcrumbs": [(_("入户调查"), reverse("visits:survey_today")), (response.elder.name, "")],
            "response": response, "questions": questions, "errors": errors or {}, "values": values or {},
            "general_error": (errors or {}).get("__all__") or (errors or {}).get("client_key", ""),
            "client_key": key or str(uuid.uuid4()), "yes": YES,
            "submit_url": reverse("surveyresponse-submit", args=[response.pk]),
            "done_url": reverse("visits:survey_today"), "texts": _texts(),
            "sw_url": reverse("visits:service_worker"),
        }, status=400 if errors else 200)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_surveyresponse")
        response = SurveyResponse.objects.get_for_user_or_404(request.user, pk=pk)
        return self.page(request, response)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, ANSWER)
        response = SurveyResponse.objects.get_for_user_or_404(request.user, pk=pk)
        questions = SurveyQuestion.objects.filter(template_id=response.round.template_id)
        answers: dict[str, Any] = {}
        for q in questions:
            answers[q.code] = (
                request.POST.getlist(q.code) if q.kind == QuestionKind.MULTI else request.POST.get(q.code, "")
            )
        key = request.POST.get("client_key", "")
        try:
            result = surveys.survey_submit(
                response=response, answers=answers, client_key=key, actor=request.user
            )
        except ValidationError as exc:
            errors = {k: "；".join(str(m) for m in v) for k, v in exc.message_dict.items()} if hasattr(
                exc, "error_dict") else {"__all__": error_text(exc)}  # fmt: skip
            return self.page(request, response, errors, answers, key)
        messages.success(request, _("调查已保存：%(name)s") % {"name": result.response.elder.name})
        return HttpResponseRedirect(reverse("visits:survey_today"))


# -- proposed registry changes ---------------------------------------------------------------------------


class RegistryProposalListView(ObjectListView):
    model = RegistryProposal
    filterset = RegistryProposalFilterSet
    table = RegistryProposalTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder")


class RegistryProposalReviewView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.review_registryproposal")
        proposal = RegistryProposal.objects.get_for_user_or_404(request.user, pk=pk)
        try:
            surveys.proposal_review(proposal=proposal, accept=request.POST.get("accept") == "1",
                                    note=request.POST.get("note", ""), actor=request.user)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已审核：%(name)s") % {"name": proposal.elder.name})
        return HttpResponseRedirect(_back_to_list(request))


def _back_to_list(request: HttpRequest) -> str:
    """The list the reviewer came from, with its filter (e.g. a street's pending changes from the
    dashboard), so the next one is on the page; any other referrer: the plain list."""
    from urllib.parse import urlsplit

    listed = reverse("visits:registryproposal_list")
    came = urlsplit(request.META.get("HTTP_REFERER", ""))
    same_site = not came.netloc or came.netloc == request.get_host()
    return f"{listed}?{came.query}" if same_site and came.path == listed and came.query else listed
