"""The worker's phone (my visits, check-in and out, sign-off) and the follow-up lists: exceptions, return calls."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import Column, datetime_, text
from yiyang.core.views import ObjectListView, ScopedViewMixin
from yiyang.services.actions.visits import (
    exception_resolve,
    visit_add_photo,
    visit_check_in,
    visit_check_out,
    visit_sign_off,
    visit_signoff_code_issue,
)
from yiyang.services.choices import OrderStatus, SignoffMethod
from yiyang.services.filtersets import ExceptionFilterSet, ReturnCallFilterSet
from yiyang.services.forms import ResolveForm, SignoffForm
from yiyang.services.models import ReturnCall, ServiceException, Visit, WorkOrder
from yiyang.services.tables import ExceptionTable, ReturnCallTable

# -- the worker's phone ---------------------------------------------------------------------------------


class MyVisitsView(ScopedViewMixin, View):
    """我的今日上门: today's visits of the care worker (or of the provider, for its other staff), on a
    phone, each with the next step as a large button: check in, check out, or have it signed.

    The buttons post to the visit page (``VisitMobileView``), the same actions as there, and come back.
    Orders of earlier days still open (checked in, not yet signed) stay on the list until finished.
    """

    model = WorkOrder
    required_permission = "services.add_visit"

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        today = timezone.localdate()
        qs = WorkOrder.objects.for_user(request.user, "change").filter(
            Q(plan_date=today, status__in=_TODAY_STATUSES) | Q(plan_date__lt=today, status__in=_CARRIED_OVER)
        )
        own = getattr(request.user, "service_worker", None)
        if own is not None:
            qs = qs.filter(worker=own)
        orders = list(
            qs.select_related("elder", "elder__area", "item", "worker", "visit").order_by(
                "scheduled_start", "pk"
            )[:200]
        )
        open_orders = [o for o in orders if o.status != OrderStatus.VERIFIED]
        return render(
            request,
            "services/my_visits.html",
            {
                "title": _("我的今日上门"),
                "today": today,
                "open_orders": open_orders,
                "done_orders": [o for o in orders if o.status == OrderStatus.VERIFIED],
                "breadcrumbs": [(_("我的今日上门"), "")],
            },
        )


_TODAY_STATUSES = [OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, OrderStatus.VERIFIED]
_CARRIED_OVER = [OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED]


class VisitMobileView(ScopedViewMixin, View):
    """Check in, check out, sign off and photos: one page, big buttons, 375 px wide."""

    model = WorkOrder
    action = "change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("services.add_visit"):
            raise PermissionDenied
        order = self.get_object()
        visit = getattr(order, "visit", None)
        return render(
            request,
            "services/visit_mobile.html",
            {
                "title": _("上门服务 %(number)s") % {"number": order.number},
                "order": order,
                "visit": visit,
                "exceptions": order.exceptions.all(),
                "breadcrumbs": [(_("我的今日上门"), reverse("services:my_visits")), (order.number, "")],
                "radius": settings.SERVICES_CHECKIN_RADIUS_M,
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("services.add_visit"):
            raise PermissionDenied
        order = self.get_object()
        step = request.POST.get("step", "")
        try:
            lat = _float(request.POST.get("latitude"))
            lng = _float(request.POST.get("longitude"))
            if step == "checkin":
                visit = visit_check_in(
                    order=order,
                    latitude=lat,
                    longitude=lng,
                    accuracy=_float(request.POST.get("accuracy")),
                    actor=request.user,
                )
                messages.success(request, _("已签到"))
            elif step == "checkout":
                visit = Visit.objects.get_for_user_or_404(request.user, "change", work_order=order)
                visit_check_out(
                    visit=visit,
                    latitude=lat,
                    longitude=lng,
                    note=request.POST.get("note", ""),
                    actor=request.user,
                )
                messages.success(request, _("已签退，请老人签字确认"))
            elif step == "signoff":
                visit = Visit.objects.get_for_user_or_404(request.user, "change", work_order=order)
                form = SignoffForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("请完成签字"))
                d = form.cleaned_data
                png = _png_from_data_url(d["signature"]) if d["method"] == SignoffMethod.SIGNATURE else None
                visit_sign_off(
                    visit=visit,
                    method=d["method"],
                    signed_by=d["signed_by"],
                    signer_name=d["signer_name"],
                    signature_png=png,
                    code=d["code"],
                    actor=request.user,
                )
                messages.success(request, _("签字确认完成，服务已核验"))
            elif step == "photo":
                visit = Visit.objects.get_for_user_or_404(request.user, "change", work_order=order)
                upload = request.FILES.get("photo")
                if upload is None:
                    raise ValidationError(_("请选择照片"))
                visit_add_photo(
                    visit=visit, content=upload.read(), filename=upload.name or "", actor=request.user
                )
                messages.success(request, _("照片已上传"))
            elif step == "code":
                visit = Visit.objects.get_for_user_or_404(request.user, "change", work_order=order)
                visit_signoff_code_issue(visit=visit, actor=request.user)
                messages.info(request, _("已请求验证码：热线将致电老人，请老人告知验证码"))
            else:
                raise ValidationError(_("未知操作"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        back = request.POST.get("next", "")
        if back == reverse("services:my_visits") and step in ("checkin", "checkout"):
            return HttpResponseRedirect(back)  # from the list of today's visits, back to it
        return HttpResponseRedirect(reverse("services:visit_mobile", args=[order.pk]))


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _png_from_data_url(value: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise ValidationError(_("签名图片无效"))
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(_("签名图片无效")) from exc


class SignatureView(ScopedViewMixin, View):
    """The stored signature PNG, to whoever may see the visit."""

    model = Visit

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        visit = self.get_object()
        if not visit.signature:
            raise Http404
        with visit.signature.open("rb") as fh:
            return HttpResponse(fh.read(), content_type="image/png")


# -- exceptions, return calls, plans --------------------------------------------------------------------


EXCEPTION_EXPORT: list[Column] = [
    datetime_("发现时间", "created_at"),
    text("异常类型", lambda e: e.get_kind_display()),
    text("工单号", "work_order__number"),
    text("服务商", "provider__name"),
    text("情况", "detail"),
    text("处理状态", lambda e: e.get_status_display()),
    text("处理说明", "resolution"),
]


class ExceptionListView(ObjectListView):
    model = ServiceException
    filterset = ExceptionFilterSet
    table = ExceptionTable
    export_columns = EXCEPTION_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("work_order", "work_order__elder", "provider")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["title"] = pgettext("plural", "服务异常")
        return context


class ExceptionResolveView(ScopedViewMixin, View):
    model = ServiceException
    action = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        exc = self.get_object()
        form = ResolveForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请选择结论并填写处理说明"))
            exception_resolve(
                exception=exc,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(request, _("异常已处理"))
        except ValidationError as err:
            messages.error(request, error_text(err))
        # Only a page of this site: a crafted form must not send the user elsewhere (open redirect).
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = reverse("services:serviceexception_list") + "?status=open"
        return HttpResponseRedirect(back)


class ReturnCallListView(ObjectListView):
    model = ReturnCall
    filterset = ReturnCallFilterSet
    table = ReturnCallTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("visit", "visit__elder", "visit__item", "provider")
