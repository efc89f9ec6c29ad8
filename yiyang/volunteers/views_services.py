"""Pages of volunteer services: check in at the elder's home on a phone, check out, the elder's sign-off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.exporting import datetime_, integer, text
from yiyang.core.views import ObjectDetailView, ObjectListView, ScopedViewMixin, _add_errors
from yiyang.volunteers.actions import services
from yiyang.volunteers.choices import PairStatus, ServiceStatus
from yiyang.volunteers.filtersets import ServiceRecordFilterSet
from yiyang.volunteers.forms_bank import CheckInForm, PositionForm, SignOffForm
from yiyang.volunteers.models import HelpRequest, MutualAidPair, ServiceRecord
from yiyang.volunteers.tables import ServiceRecordTable


class ServiceRecordListView(ObjectListView):
    model = ServiceRecord
    filterset = ServiceRecordFilterSet
    table = ServiceRecordTable
    export_columns = [
        datetime_("签到时间", "checked_in_at"), datetime_("签退时间", "checked_out_at"), text("志愿者", "volunteer__name"),
        text("服务对象", "elder__name"), text("服务内容", lambda r: r.get_skill_display()),
        integer("计入时长（分钟）", "minutes"), text("状态", lambda r: r.get_status_display()),
        text("确认人", "signed_by"), integer("满意度", "rating"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("volunteer", "elder")


class ServiceRecordDetailView(ObjectDetailView):
    model = ServiceRecord
    template_name = "volunteers/service_detail.html"

    def get_context(self, obj: ServiceRecord) -> dict[str, Any]:
        context = super().get_context(obj)
        may_change = ServiceRecord.objects.for_user(self.request.user, "change").filter(pk=obj.pk).exists()
        context.update(
            may_check_out=may_change and obj.status == ServiceStatus.IN_PROGRESS,
            may_sign_off=may_change and obj.status == ServiceStatus.CHECKED_OUT,
            position_form=getattr(self, "position_form", None) or PositionForm(),
            signoff_form=getattr(self, "signoff_form", None)
            or SignOffForm(initial={"signed_by": obj.elder.name}),
            movements=obj.movements(),
        )
        return context


class ServiceCheckOutView(ServiceRecordDetailView):
    action = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        record = self.get_object()
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                services.service_check_out(record=record, latitude=form.cleaned_data["latitude"],
                                           longitude=form.cleaned_data["longitude"], actor=request.user)  # fmt: skip
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已签退，请老人确认服务"))
                return HttpResponseRedirect(record.get_absolute_url())
        self.position_form, self.action = form, "view"
        return render(request, self.template_name, self.get_context(record), status=400)


class ServiceSignOffView(ServiceRecordDetailView):
    action = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        record = self.get_object()
        form = SignOffForm(request.POST)
        if form.is_valid():
            try:
                services.service_sign_off(record=record, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                record.refresh_from_db()
                messages.success(request, _("老人已确认，%(hours)s 小时已存入志愿者的时间账户")
                                 % {"hours": round(record.minutes / 60, 2)})  # fmt: skip
                return HttpResponseRedirect(record.get_absolute_url())
        self.signoff_form, self.action = form, "view"
        return render(request, self.template_name, self.get_context(record), status=400)


class ServiceCheckInView(ScopedViewMixin, View):
    """签到: on a phone at the elder's home; the position comes from the phone's location."""

    model = ServiceRecord
    action = "add"
    template_name = "volunteers/service_checkin.html"

    def help_request(self) -> HelpRequest | None:
        key = self.request.GET.get("request") or self.request.POST.get("help_request") or ""
        if not key.isdigit():
            return None
        return HelpRequest.objects.for_user(self.request.user).filter(pk=int(key)).first()

    def pair(self) -> MutualAidPair | None:
        key = self.request.GET.get("pair") or self.request.POST.get("pair") or ""
        if not key.isdigit():
            return None
        return (
            MutualAidPair.objects.for_user(self.request.user)
            .filter(pk=int(key), status=PairStatus.ACTIVE)
            .select_related("volunteer", "elder")
            .first()
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        asked = self.help_request()
        initial: dict[str, Any] = {k: request.GET[k] for k in ("volunteer", "skill") if k in request.GET}
        if asked is not None:
            initial.update(help_request=asked.pk, skill=asked.skill)
        self.asked, self.paired = asked, (None if asked else self.pair())
        if self.paired is not None:
            initial.update(pair=self.paired.pk, skill=self.paired.skill)
        return self.render(
            CheckInForm(user=request.user, initial=initial, help_request=asked, pair=self.paired)
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        self.asked = self.help_request()
        self.paired = None if self.asked else self.pair()
        form = CheckInForm(request.POST, user=request.user, help_request=self.asked, pair=self.paired)
        if form.is_valid():
            try:
                record = services.service_check_in(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已签到：%(volunteer)s 到 %(elder)s 家")
                                 % {"volunteer": record.volunteer.name, "elder": record.elder.name})  # fmt: skip
                return HttpResponseRedirect(record.get_absolute_url())
        return self.render(form, status=400)

    def render(self, form: CheckInForm, status: int = 200) -> HttpResponse:
        title = _("服务签到")
        return render(self.request, self.template_name, {"form": form, "title": title, "view": self,
                      "asked": getattr(self, "asked", None), "paired": getattr(self, "paired", None),
                      "breadcrumbs": [*self.breadcrumbs(), (title, "")]}, status=status)  # fmt: skip
