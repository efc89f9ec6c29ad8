"""Pages of home adaptation: the project list and the due use checks, enrolment and application, and
the project page whose verbs each call one action (refused input keeps what was typed)."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.adaptation import actions
from yiyang.adaptation.choices import ACCEPTED_STATES, OPEN_FOR_OPT_OUT, PhotoStage, Status
from yiyang.adaptation.exports import PROJECT_COLUMNS
from yiyang.adaptation.filtersets import ProjectFilterSet, UseCheckFilterSet
from yiyang.adaptation.forms import (
    AcceptForm,
    ApplyForm,
    AssignForm,
    EnrolForm,
    FinishForm,
    OptOutForm,
    PayForm,
    PhotoForm,
    SurveyForm,
    UseCheckForm,
)
from yiyang.adaptation.models import Photo, PlanLine, Project
from yiyang.adaptation.tables import ProjectTable, UseCheckTable
from yiyang.core.errors import error_text
from yiyang.core.scoping import allowed
from yiyang.core.views import ObjectListView, ScopedViewMixin
from yiyang.people.models import Elder


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ProjectListView(ObjectListView):
    model = Project
    filterset = ProjectFilterSet
    table = ProjectTable
    export_columns = PROJECT_COLUMNS

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action).select_related("elder", "elder__area", "contractor")
            .prefetch_related("lines__item")
        )  # fmt: skip

    def add_url(self) -> str:
        return ""


class UseCheckDueView(ObjectListView):
    """待使用回访: accepted works whose 3-month mark has passed and which nobody has checked yet."""

    model = Project
    action = "check"
    filterset = UseCheckFilterSet
    table = UseCheckTable

    @property
    def list_title(self) -> str:
        return _("待使用回访")

    def list_url(self) -> str:
        return reverse("adaptation:usecheck_due")

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action)
            .filter(status__in=ACCEPTED_STATES, use_checked_on__isnull=True,
                    use_check_from__lte=timezone.localdate())
            .select_related("elder", "elder__area", "contractor").order_by("use_check_from", "id")
        )  # fmt: skip

    def add_url(self) -> str:
        return ""


class EnrolView(ScopedViewMixin, View):
    """从台账纳入: the year's eligible households of a street or community, in one statement."""

    model = Project
    action = "enrol"

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(EnrolForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        form = EnrolForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                made = actions.project_enrol_eligible(
                    area=form.cleaned_data["area"], on=form.cleaned_data["on"], actor=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已纳入 %(count)s 户") % {"count": made})
                area = form.cleaned_data["area"]
                return HttpResponseRedirect(
                    f"{reverse('adaptation:project_list')}?area={area.path}&year={form.cleaned_data['on'].year}"
                )
        return self.render(form, status=400)

    def render(self, form: EnrolForm, status: int = 200) -> HttpResponse:
        title = _("从台账纳入改造对象")
        return render(
            self.request, "adaptation/enrol.html",
            {"title": title, "form": form,
             "breadcrumbs": [(_("适老化改造项目"), reverse("adaptation:project_list")), (title, "")]},
            status=status,
        )  # fmt: skip


class ApplyView(ScopedViewMixin, View):
    """个人申请, from the elder's page."""

    model = Project
    action = "add"

    def _elder(self, request: HttpRequest) -> Elder:
        pk = request.GET.get("elder") or request.POST.get("elder") or ""
        if not str(pk).isdigit():
            raise Http404
        return Elder.objects.get_for_user_or_404(request.user, "view", pk=int(pk))

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(self._elder(request), ApplyForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        elder = self._elder(request)
        form = ApplyForm(request.POST)
        if form.is_valid():
            try:
                project = actions.project_apply(
                    elder=elder, note=form.cleaned_data["note"], actor=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已受理：%(project)s") % {"project": project.number})
                return HttpResponseRedirect(project.get_absolute_url())
        return self.render(elder, form, status=400)

    def render(self, elder: Elder, form: ApplyForm, status: int = 200) -> HttpResponse:
        title = _("申请适老化改造")
        return render(
            self.request, "adaptation/apply.html",
            {"title": title, "form": form, "elder": elder,
             "breadcrumbs": [(_("适老化改造项目"), reverse("adaptation:project_list")), (title, "")]},
            status=status,
        )  # fmt: skip


_VERBS = {
    "survey": "survey", "approve": "approve", "assign": "approve", "photo": "works", "finish": "works",
    "accept": "accept", "pay": "pay", "use-check": "check", "opt-out": "optout",
}  # fmt: skip


class ProjectDetailView(ScopedViewMixin, View):
    model = Project

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        return render(request, "adaptation/project_detail.html", self.context(self.get_object()))

    def context(self, project: Project, **forms: Any) -> dict[str, Any]:
        user = self.request.user
        can = {verb: allowed(user, action, project) for verb, action in _VERBS.items()}
        status = project.status
        show = {
            "survey": can["survey"] and status in (Status.ENROLLED, Status.SURVEYED),
            "approve": can["approve"] and status == Status.SURVEYED,
            "assign": can["assign"] and status == Status.APPROVED,
            "photo": can["photo"] and status == Status.ASSIGNED,
            "finish": can["finish"] and status == Status.ASSIGNED,
            "accept": can["accept"] and status == Status.WORKS_DONE,
            "pay": can["pay"] and status == Status.ACCEPTED,
            "use_check": can["use-check"] and project.use_check_due,
            "opt_out": can["opt-out"] and status in OPEN_FOR_OPT_OUT,
        }
        photos = Photo.objects.for_user(user).filter(project=project)
        return {
            "object": project,
            "title": str(project),
            "breadcrumbs": [(_("适老化改造项目"), reverse("adaptation:project_list")), (project.number, "")],
            "lines": PlanLine.objects.filter(project=project).select_related("item"),
            "before_photos": [p for p in photos if p.stage == PhotoStage.BEFORE],
            "after_photos": [p for p in photos if p.stage == PhotoStage.AFTER],
            "show": show,
            "may_open_elder": user.has_perm("people.view_elder"),
            "survey_form": forms.get("survey") or SurveyForm(project=project),
            "assign_form": forms.get("assign") or AssignForm(user=user),
            "photo_form": forms.get("photo") or PhotoForm(),
            "finish_form": forms.get("finish") or FinishForm(project=project),
            "accept_form": forms.get("accept") or AcceptForm(),
            "pay_form": forms.get("pay") or PayForm(initial={"amount": project.plan_total}),
            "use_check_form": forms.get("use-check") or UseCheckForm(),
            "opt_out_form": forms.get("opt-out") or OptOutForm(),
        }


class ProjectActionView(ProjectDetailView):
    """POST verbs from the project page; each calls one action."""

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        if verb not in _VERBS:
            raise Http404
        self.check_permission(_VERBS[verb])  # the verb's own permission first: 403 without it
        project = self.get_object()
        user, post = request.user, request.POST
        form: Any = None
        done = ""
        try:
            if verb == "survey":
                form = SurveyForm(post, project=project)
                if form.is_valid():
                    d = form.cleaned_data
                    items = [actions.PlanItem(item, qty) for item, qty in form.quantities()]
                    actions.project_survey(project=project, surveyed_on=d["surveyed_on"], surveyor=d["surveyor"],
                                           note=d["note"], items=items, actor=user)  # fmt: skip
                    done = _("已保存勘查方案，待街道审批")
            elif verb == "approve":
                actions.project_approve(project=project, actor=user)
                done = _("已审批改造方案")
            elif verb == "assign":
                form = AssignForm(post, user=user)
                if form.is_valid():
                    actions.project_assign(
                        project=project, contractor=form.cleaned_data["contractor"], actor=user
                    )
                    done = _("已指派施工单位")
            elif verb == "photo":
                form = PhotoForm(post, request.FILES)
                if form.is_valid():
                    upload = form.cleaned_data["photo"]
                    actions.project_add_photo(project=project, stage=form.cleaned_data["stage"],
                                              content=upload.read(), actor=user)  # fmt: skip
                    done = _("已上传照片")
            elif verb == "finish":
                form = FinishForm(post, project=project)
                if form.is_valid():
                    actions.project_finish_works(project=project, finished_on=form.cleaned_data["finished_on"],
                                                 serials=form.serials(), actor=user)  # fmt: skip
                    done = _("已报完工，待验收")
            elif verb == "accept":
                form = AcceptForm(post)
                if form.is_valid():
                    actions.project_accept(project=project, actor=user, **form.cleaned_data)
                    done = _("验收通过，设备已登记到安全设备台账")
            elif verb == "pay":
                form = PayForm(post)
                if form.is_valid():
                    actions.project_pay(project=project, actor=user, **form.cleaned_data)
                    done = _("已登记付款")
            elif verb == "use-check":
                form = UseCheckForm(post)
                if form.is_valid():
                    actions.project_use_check(project=project, actor=user, **form.cleaned_data)
                    done = _("已记录使用回访")
            elif verb == "opt-out":
                form = OptOutForm(post)
                if form.is_valid():
                    actions.project_opt_out(project=project, actor=user, **form.cleaned_data)
                    done = _("已登记放弃改造")
        except ValidationError as exc:
            # The reason on top of the page too: the refused step's card may not be shown (a payment
            # asked for before acceptance).
            messages.error(request, error_text(exc))
            if form is not None:
                _add_errors(form, exc)
        else:
            if form is not None and form.errors:
                messages.error(request, _("未保存，请检查填写的内容"))
        if form is not None and form.errors:
            project.refresh_from_db()
            return render(
                request, "adaptation/project_detail.html", self.context(project, **{verb: form}), status=400
            )
        if done:
            messages.success(request, done)
        return HttpResponseRedirect(project.get_absolute_url())


class PhotoView(ScopedViewMixin, View):
    """A works photo, to readers who may see its project: the files are never served directly."""

    model = Photo

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        self.check_permission()
        photo = self.get_object()
        content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
        response = FileResponse(photo.image.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        return response
