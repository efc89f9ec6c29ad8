"""Pages of complaints: the case list, intake, the case page with its verbs, the rules and the calendar."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiyang.complaints import actions
from yiyang.complaints.choices import Category, ExtensionStatus, Status
from yiyang.complaints.exports import case_columns
from yiyang.complaints.filtersets import CalendarDayFilterSet, CaseFilterSet, DeadlineRuleFilterSet
from yiyang.complaints.forms import (
    AssignForm,
    CalendarDayForm,
    CloseForm,
    DeadlineRuleForm,
    ExtensionForm,
    IntakeForm,
    ReferralForm,
    ReferralUpdateForm,
    ReplyForm,
    ReturnCallForm,
)
from yiyang.complaints.models import CalendarDay, Case, CaseEvent, DeadlineRule, ProtectiveCase, Referral
from yiyang.complaints.privacy import complainant_name, complainant_phone, identity_visible, relation_label
from yiyang.complaints.tables import CalendarDayTable, CaseTable, DeadlineRuleTable
from yiyang.core import search_tokens
from yiyang.core.errors import error_text
from yiyang.core.scoping import allowed
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q, search_term_valid


class CaseListView(ObjectListView):
    model = Case
    filterset = CaseFilterSet
    table = CaseTable

    @property
    def export_columns(self) -> Any:  # type: ignore[override]
        # The complainant columns depend on the reader (masked for a provider): built per request.
        return case_columns(self.request.user)

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area", "elder", "unit_provider", "unit_area")

    def add_url(self) -> str:
        return reverse("complaints:case_add")


class IntakeView(ScopedViewMixin, View):
    """登记: optionally find the elder (name, pinyin, ID or phone suffix), then the complaint."""

    model = Case
    action = "add"

    def _elder(self, request: HttpRequest) -> Elder | None:
        pk = request.GET.get("elder") or request.POST.get("elder")
        if not pk or not str(pk).isdigit():
            return None
        return Elder.objects.get_for_user_or_404(request.user, "view", pk=int(pk))

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(request, self._elder(request), IntakeForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        elder = self._elder(request)
        form = IntakeForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            data = actions.CaseData(
                channel=d["channel"], category=d["category"], title=d["title"], content=d["content"],
                area=d["area"], elder=elder, complainant_name=d["complainant_name"],
                complainant_phone=d["complainant_phone"], relation=d["relation"],
                consent_disclose=d["consent_disclose"], urgent=d["urgent"], external_ref=d["external_ref"],
                subject_provider=d["subject_provider"], institution_name=d["institution_name"],
                subject_institution=d["subject_institution"],
                work_order=d["work_order"],
            )  # fmt: skip
            try:
                case, created = actions.case_create(data=data, actor=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("已登记：%(number)s") % {"number": case.number})
                else:
                    messages.info(request, _("该来源单号已登记过：%(number)s") % {"number": case.number})
                return HttpResponseRedirect(case.get_absolute_url())
        return self.render(request, elder, form)

    def render(self, request: HttpRequest, elder: Elder | None, form: IntakeForm) -> HttpResponse:
        query = search_tokens.reveal(request.GET.get("q", "")).strip()
        found: list[Elder] = []
        if query and elder is None and search_term_valid(request, query):
            found = list(
                Elder.objects.for_user(request.user, "view")
                .filter(elder_search_q(query))
                .select_related("area")[:20]
            )
        title = _("登记投诉信访")
        return render(
            request,
            "complaints/intake.html",
            {
                "title": title,
                "breadcrumbs": [(_("投诉信访件"), reverse("complaints:case_list")), (title, "")],
                "query": query,
                "found": found,
                "elder": elder,
                "form": form,
            },
        )


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class CaseDetailView(ScopedViewMixin, View):
    model = Case

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        case = self.get_object()
        return render(request, "complaints/case_detail.html", self.context(case))

    def context(self, case: Case, **forms: Any) -> dict[str, Any]:
        user = self.request.user
        can = {verb: allowed(user, verb, case) for verb in ("assign", "reply", "callback", "approve")}
        return {
            "object": case,
            "title": str(case),
            "breadcrumbs": [(_("投诉信访件"), reverse("complaints:case_list")), (case.number, "")],
            "identity_visible": identity_visible(user, case),
            "complainant_name": complainant_name(user, case),
            "complainant_phone": complainant_phone(user, case),
            "relation": relation_label(user, case),
            "events": CaseEvent.objects.filter(case=case).order_by("at", "id"),
            "can": can,
            "assign_form": forms.get("assign") or AssignForm(user=user),
            "reply_form": forms.get("reply") or ReplyForm(),
            "call_form": forms.get("call") or ReturnCallForm(),
            "extension_form": forms.get("extension") or ExtensionForm(),
            "close_form": forms.get("close") or CloseForm(),
            "referrals": Referral.objects.for_user(user).filter(case=case).order_by("referred_at"),
            "referral_form": ReferralForm(),
            "referral_update_form": ReferralUpdateForm(),
            "can_refer": user.has_perm("complaints.add_referral"),
            # the follow-up of neglect or abuse: only for the roles that may see it (never the provider)
            "protection": ProtectiveCase.objects.for_user(user).filter(case=case).first(),
            "can_protect": case.category == Category.NEGLECT_ABUSE
            and user.has_perm("complaints.add_protectivecase")
            and not ProtectiveCase.objects.filter(case=case).exists(),
            "can_update_referral": user.has_perm("complaints.change_referral"),
            "Status": Status,
            "extension_pending": case.extension_status == ExtensionStatus.PENDING,
        }


_VERBS = {"assign", "reply", "return-call", "extend", "approve", "refuse", "close"}


class CaseActionView(CaseDetailView):
    """POST verbs from the case page; each calls one action. A refused verb keeps what was typed."""

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        if verb not in _VERBS:
            raise Http404
        self.check_permission()
        case = self.get_object()
        user = request.user
        post = request.POST
        form: Any = None
        key = ""
        try:
            if verb == "assign":
                key, form = "assign", AssignForm(post, user=user)
                if form.is_valid():
                    d = form.cleaned_data
                    actions.case_assign(case=case, unit_kind=d["unit_kind"], unit_area=d["unit_area"],
                                        unit_provider=d["unit_provider"], unit_name=d["unit_name"],
                                        note=d["note"], actor=user)  # fmt: skip
                    messages.success(request, _("已交办：%(unit)s") % {"unit": case.unit_label})
            elif verb == "reply":
                key, form = "reply", ReplyForm(post)
                if form.is_valid():
                    actions.case_reply(case=case, actor=user, **form.cleaned_data)
                    messages.success(request, _("已答复，待回访"))
            elif verb == "return-call":
                key, form = "call", ReturnCallForm(post)
                if form.is_valid():
                    actions.case_return_call(case=case, actor=user, **form.cleaned_data)
                    messages.success(
                        request, _("已记录回访：%(status)s") % {"status": case.get_status_display()}
                    )
            elif verb == "extend":
                key, form = "extension", ExtensionForm(post)
                if form.is_valid():
                    actions.case_extension_request(case=case, actor=user, **form.cleaned_data)
                    messages.success(request, _("已申请延期，待审批"))
            elif verb in ("approve", "refuse"):
                actions.case_extension_decide(case=case, approve=verb == "approve", note=post.get("note", ""),
                                              actor=user)  # fmt: skip
                messages.success(request, _("已批准延期") if verb == "approve" else _("已不予延期"))
            elif verb == "close":
                key, form = "close", CloseForm(post)
                if form.is_valid():
                    actions.case_close(case=case, actor=user, **form.cleaned_data)
                    messages.success(request, _("已办结"))
        except ValidationError as exc:
            if form is None:
                messages.error(request, error_text(exc))
            else:
                _add_errors(form, exc)
        if form is not None and form.errors:
            messages.error(request, _("未保存，请检查填写的内容"))
            case.refresh_from_db()
            return render(
                request, "complaints/case_detail.html", self.context(case, **{key: form}), status=400
            )
        return HttpResponseRedirect(case.get_absolute_url())


class DeadlineRuleListView(ObjectListView):
    model = DeadlineRule
    filterset = DeadlineRuleFilterSet
    table = DeadlineRuleTable


class DeadlineRuleEditView(ObjectEditView):
    model = DeadlineRule
    form = DeadlineRuleForm


class CalendarDayListView(ObjectListView):
    model = CalendarDay
    filterset = CalendarDayFilterSet
    table = CalendarDayTable
    per_page = 100


class CalendarDayEditView(ObjectEditView):
    model = CalendarDay
    form = CalendarDayForm
