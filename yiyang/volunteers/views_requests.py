"""Pages of help requests: register, match (skill, distance, availability), offer, accept or decline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import date, text
from yiyang.core.views import ObjectDetailView, ObjectListView, ScopedViewMixin, _add_errors
from yiyang.volunteers import matching
from yiyang.volunteers.actions import requests as actions
from yiyang.volunteers.choices import RequestStatus
from yiyang.volunteers.filtersets import HelpRequestFilterSet
from yiyang.volunteers.forms_bank import HelpRequestForm
from yiyang.volunteers.models import HelpRequest, Volunteer
from yiyang.volunteers.tables import HelpRequestTable


class HelpRequestListView(ObjectListView):
    model = HelpRequest
    filterset = HelpRequestFilterSet
    table = HelpRequestTable
    export_columns = [
        date("希望日期", "wanted_on"), text("老人", "elder__name"), text("需要的服务", lambda r: r.get_skill_display()),
        text("需求说明", "description"), text("来源", lambda r: r.get_channel_display()),
        text("状态", lambda r: r.get_status_display()), text("志愿者", "volunteer__name"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "volunteer")


class HelpRequestDetailView(ObjectDetailView):
    model = HelpRequest
    template_name = "volunteers/request_detail.html"

    def get_context(self, obj: HelpRequest) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        may_match = HelpRequest.objects.for_user(user, "match").filter(pk=obj.pk).exists()
        may_change = HelpRequest.objects.for_user(user, "change").filter(pk=obj.pk).exists()
        context.update(
            may_match=may_match and obj.status in (RequestStatus.OPEN, RequestStatus.OFFERED),
            may_answer=may_change and obj.status == RequestStatus.OFFERED,
            may_check_in=obj.status == RequestStatus.ACCEPTED
            and user.has_perm("volunteers.add_servicerecord"),
            may_cancel=may_change and obj.status not in (RequestStatus.DONE, RequestStatus.CANCELLED),
            candidates=matching.candidates(obj, user)
            if may_match and obj.status == RequestStatus.OPEN
            else [],
            declined=Volunteer.objects.filter(pk__in=[int(v) for v in obj.declined]).values_list(
                "name", flat=True
            ),
            services=obj.services.all(),
        )
        return context


class HelpRequestVerbView(ScopedViewMixin, View):
    """POST offer (a volunteer), accept, decline or cancel; a refusal becomes a message."""

    model = HelpRequest

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        self.action = "match" if verb == "offer" else "change"
        if verb not in ("offer", "accept", "decline", "cancel"):
            raise PermissionDenied
        self.check_permission()
        obj = self.get_object()
        try:
            if verb == "offer":
                key = request.POST.get("volunteer", "")
                volunteer = (
                    Volunteer.objects.for_user(request.user)
                    .filter(pk=int(key) if key.isdigit() else 0)
                    .first()
                )
                if volunteer is None:
                    raise ValidationError(_("请选择志愿者"))
                actions.request_offer(request=obj, volunteer=volunteer, actor=request.user)
                messages.success(
                    request, _("已推荐给 %(name)s，请电话确认是否接单") % {"name": volunteer.name}
                )
            elif verb == "accept":
                actions.request_accept(request=obj, actor=request.user)
                messages.success(request, _("志愿者已接单"))
            elif verb == "decline":
                actions.request_decline(
                    request=obj, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("志愿者婉拒，求助重新待匹配"))
            else:
                actions.request_cancel(request=obj, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("求助已取消"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(obj.get_absolute_url())


class HelpRequestAddView(ScopedViewMixin, View):
    model = HelpRequest
    action = "add"
    template_name = "generic/object_edit.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(HelpRequestForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        form = HelpRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                obj = actions.request_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已登记求助：%(request)s") % {"request": obj})
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render(form, status=400)

    def render(self, form: HelpRequestForm, status: int = 200) -> HttpResponse:
        title = _("登记求助")
        return render(self.request, self.template_name, {"form": form, "view": self, "title": title,
                      "breadcrumbs": [*self.breadcrumbs(), (title, "")]}, status=status)  # fmt: skip
