"""Pages of the service chain: thin views over the generic machinery and the actions."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View

from yiyang.core import audit
from yiyang.core.exporting import XLSX_TYPE
from yiyang.core.i18n import records_language
from yiyang.core.importing.writer import write_rows_xlsx
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import area_q, permission_name, user_area_paths
from yiyang.core.templatetags.yiyang import cn_date
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q
from yiyang.services import actions, selectors
from yiyang.services.choices import OrderStatus, SignoffMethod
from yiyang.services.filtersets import (
    EntitlementFilterSet,
    ExceptionFilterSet,
    ProviderFilterSet,
    RecurringPlanFilterSet,
    ReturnCallFilterSet,
    ServiceAgreementFilterSet,
    ServiceItemFilterSet,
    ServicePointFilterSet,
    SettlementFilterSet,
    WorkerFilterSet,
    WorkOrderFilterSet,
)
from yiyang.services.forms import (
    AgreementItemFormSet,
    EntitlementForm,
    IntakeForm,
    MemberForm,
    ProviderForm,
    QualificationFormSet,
    RatingForm,
    ReasonForm,
    RecurringPlanForm,
    ResolveForm,
    ReturnCallForm,
    ServiceAgreementForm,
    ServiceItemForm,
    ServicePointForm,
    SignoffForm,
    WorkerForm,
)
from yiyang.services.models import (
    Entitlement,
    Provider,
    RecurringPlan,
    ReturnCall,
    ServiceAgreement,
    ServiceException,
    ServiceItem,
    ServicePoint,
    Settlement,
    Visit,
    Worker,
    WorkOrder,
)
from yiyang.services.scoping import provider_ids
from yiyang.services.tables import (
    EntitlementTable,
    ExceptionTable,
    ProviderTable,
    RecurringPlanTable,
    ReturnCallTable,
    ServiceAgreementTable,
    ServiceItemTable,
    ServicePointTable,
    SettlementTable,
    WorkerTable,
    WorkOrderTable,
)


def _errors(exc: ValidationError) -> str:
    return pgettext("list separator", "；").join(exc.messages)


def _is_provider_staff(user: Any) -> bool:
    return getattr(user, "role", "") == "provider_staff"


# -- reference data (catalogue, providers): not area-bound ------------------------------------------


class ReferenceMixin(ScopedViewMixin):
    """The catalogue and the providers are district-wide: permission decides, provider staff see their own.

    ``provider_field`` names the path to the provider for models that belong to one (agreements,
    points, workers): provider staff see and edit their organisation's rows only, others are a 404.
    """

    provider_field: str | None = None

    def get_queryset(self, action: str | None = None) -> models.QuerySet[Any]:
        self.check_permission(action)
        qs = self.model._default_manager.all()
        if _is_provider_staff(self.request.user):
            if self.model is Provider:
                qs = qs.filter(pk__in=provider_ids(self.request.user))
            elif self.provider_field:
                qs = qs.filter(**{f"{self.provider_field}__in": provider_ids(self.request.user)})
        return qs

    def get_object(self, action: str | None = None) -> Any:
        try:
            return self.get_queryset(action).get(pk=self.kwargs["pk"])
        except self.model.DoesNotExist as exc:  # type: ignore[attr-defined]
            raise Http404 from exc


class ReferenceEditView(ReferenceMixin, ObjectEditView):
    def save_object(self, form: BaseForm) -> Any:
        with transaction.atomic():
            before = None if self.creating else audit.snapshot(self.get_object())
            obj = form.save()  # type: ignore[attr-defined]
            audit.record_change(
                actor=self.request.user,
                obj=obj,
                action=AuditEntry.Action.CREATE if self.creating else AuditEntry.Action.UPDATE,
                verb=f"{self.model._meta.model_name}.{'create' if self.creating else 'update'}",
                before=before,
                after=audit.snapshot(obj),
            )
        return obj


class ServiceItemListView(ReferenceMixin, ObjectListView):
    model = ServiceItem
    table = ServiceItemTable

    filterset = ServiceItemFilterSet


class ServiceItemEditView(ReferenceEditView):
    model = ServiceItem
    form = ServiceItemForm


class ProviderListView(ReferenceMixin, ObjectListView):
    model = Provider
    table = ProviderTable

    filterset = ProviderFilterSet


class ProviderEditView(ReferenceEditView):
    model = Provider
    form = ProviderForm


class ProviderDetailView(ReferenceMixin, View):
    """The provider with its agreements, points, workers and staff accounts, each editable from here."""

    model = Provider

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(request, self.get_object(), MemberForm())

    def render(self, request: HttpRequest, provider: Provider, member_form: MemberForm) -> HttpResponse:
        today = timezone.localdate()
        user = request.user
        return render(
            request,
            "services/provider_detail.html",
            {
                "object": provider,
                "title": provider.name,
                "breadcrumbs": [(_("服务商"), reverse("services:provider_list")), (provider.name, "")],
                "agreements": provider.agreements.prefetch_related("items__item", "areas"),
                "points": provider.points.select_related("area"),
                "workers": provider.workers.select_related("user").prefetch_related("qualifications"),
                "members": provider.members.select_related("user").order_by("user__username"),
                "member_form": member_form,
                "today": today,
                "can_change": user.has_perm("services.change_provider"),
                "can_add_agreement": user.has_perm("services.add_serviceagreement"),
                "can_change_agreement": user.has_perm("services.change_serviceagreement"),
                "can_add_point": user.has_perm("services.add_servicepoint"),
                "can_change_point": user.has_perm("services.change_servicepoint"),
                "can_add_worker": user.has_perm("services.add_worker"),
                "can_change_worker": user.has_perm("services.change_worker"),
            },
        )


class ProviderMemberView(ReferenceMixin, View):
    """服务商人员: add an account to the provider's staff (POST), or remove one (POST …/remove/)."""

    model = Provider
    action = "change"

    def post(self, request: HttpRequest, pk: int, member: int | None = None) -> HttpResponse:
        provider = self.get_object()
        anchor = reverse("services:provider_detail", args=[provider.pk]) + "#members"
        if member is not None:
            membership = provider.members.filter(pk=member).select_related("user").first()
            if membership is None:
                raise Http404
            actions.provider_member_remove(membership=membership, actor=request.user)
            messages.success(request, _("已移除：%(user)s") % {"user": membership.user})
            return HttpResponseRedirect(anchor)
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                actions.provider_member_add(
                    provider=provider, user=form.cleaned_data["user"], actor=request.user
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已添加工作人员：%(user)s") % {"user": form.cleaned_data["user"]})
                return HttpResponseRedirect(anchor)
        return ProviderDetailView(request=request, kwargs=self.kwargs).render(request, provider, form)


def _form_errors(form: BaseForm, exc: ValidationError) -> None:
    """An action's ValidationError onto the form: per field where the action named one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _provider_back(obj: Any) -> str:
    return reverse("services:provider_detail", args=[obj.provider_id])


class LinesEditView(ReferenceEditView):
    """A header form above a table of lines (an agreement's items, a worker's qualifications).

    Both are validated together so every error shows at once; the save is one action call.
    """

    template_name = "services/edit_with_lines.html"
    lines: ClassVar[type[BaseFormSet]]
    lines_title: ClassVar[Any] = ""

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        provider = self.request.GET.get("provider", "")
        if self.creating and data is None and provider.isdigit():
            form.initial["provider"] = int(provider)
        return form

    def initial_lines(self, obj: Any) -> list[dict[str, Any]]:
        return []

    def get_lines(self, form: BaseForm, data: Any = None) -> BaseFormSet:
        instance = getattr(form, "instance", None)
        initial = (
            None
            if data is not None or instance is None or instance.pk is None
            else self.initial_lines(instance)
        )
        lines = self.lines(data, prefix="lines", initial=initial)
        lines.head = form  # type: ignore[attr-defined]
        lines.agreement = instance  # type: ignore[attr-defined]
        return lines

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        form = self.get_form()
        return self.render_lines(form, self.get_lines(form))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        form = self.get_form(request.POST, request.FILES)
        lines = self.get_lines(form, request.POST)
        head_ok = form.is_valid()
        if lines.is_valid() and head_ok:
            try:
                obj = self.save_lines(form, lines)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已保存：%(object)s") % {"object": obj})
                return HttpResponseRedirect(self.success_url(obj))
        return self.render_lines(form, lines)

    def save_lines(self, form: BaseForm, lines: BaseFormSet) -> Any:
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        return _provider_back(obj)

    def render_lines(self, form: BaseForm, lines: BaseFormSet) -> HttpResponse:
        name = {"name": self.verbose_name}
        title = _("新增%(name)s") % name if self.creating else _("编辑%(name)s") % name
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "lines": lines,
                "lines_title": self.lines_title,
                "view": self,
                "title": title,
                "breadcrumbs": [*self.breadcrumbs(), (title, "")],
            },
        )


class ServiceAgreementListView(ReferenceMixin, ObjectListView):
    model = ServiceAgreement
    table = ServiceAgreementTable
    filterset = ServiceAgreementFilterSet
    provider_field = "provider_id"

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action).select_related("provider").prefetch_related("areas", "items__item")
        )


class ServiceAgreementEditView(LinesEditView):
    model = ServiceAgreement
    form = ServiceAgreementForm
    lines = AgreementItemFormSet
    lines_title = gettext_lazy("服务项目与协议价")
    provider_field = "provider_id"

    def initial_lines(self, obj: ServiceAgreement) -> list[dict[str, Any]]:
        return [{"item": line.item_id, "price": line.price} for line in obj.items.order_by("id")]

    def save_lines(self, form: BaseForm, lines: BaseFormSet) -> Any:
        agreement = form.save(commit=False)  # type: ignore[attr-defined]
        return actions.agreement_save(
            agreement=agreement,
            areas=form.cleaned_data["areas"],
            items=[(row["item"], row["price"]) for row in lines.rows()],  # type: ignore[attr-defined]
            actor=self.request.user,
        )


class ServicePointMixin(ReferenceMixin):
    """Service points are places: office staff see those in their areas, provider staff their own."""

    provider_field = "provider_id"

    def get_queryset(self, action: str | None = None) -> models.QuerySet[Any]:
        qs = super().get_queryset(action)
        if not _is_provider_staff(self.request.user):
            qs = qs.filter(area_q("area_path", user_area_paths(self.request.user)))
        return qs


class ServicePointListView(ServicePointMixin, ObjectListView):
    model = ServicePoint
    table = ServicePointTable
    filterset = ServicePointFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("provider", "area")


class ServicePointEditView(ServicePointMixin, ReferenceEditView):
    model = ServicePoint
    form = ServicePointForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        provider = self.request.GET.get("provider", "")
        if self.creating and data is None and provider.isdigit():
            form.initial["provider"] = int(provider)
        return form

    def success_url(self, obj: Any) -> str:
        return _provider_back(obj) if obj.provider_id else reverse("services:servicepoint_list")


class WorkerListView(ReferenceMixin, ObjectListView):
    model = Worker
    table = WorkerTable
    filterset = WorkerFilterSet
    provider_field = "provider_id"

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action).select_related("provider", "user").prefetch_related("qualifications")
        )


class WorkerEditView(LinesEditView):
    model = Worker
    form = WorkerForm
    lines = QualificationFormSet
    lines_title = gettext_lazy("从业资质")
    provider_field = "provider_id"

    def initial_lines(self, obj: Worker) -> list[dict[str, Any]]:
        return [
            {"category": q.category, "certificate": q.certificate, "valid_to": q.valid_to}
            for q in obj.qualifications.order_by("id")
        ]

    def save_lines(self, form: BaseForm, lines: BaseFormSet) -> Any:
        worker = form.save(commit=False)  # type: ignore[attr-defined]
        return actions.worker_save(
            worker=worker,
            phone=form.cleaned_data["phone"],
            qualifications=lines.rows(),  # type: ignore[attr-defined]
            actor=self.request.user,
        )


class EntitlementListView(ObjectListView):
    """服务额度: elders' monthly entitlements under government-purchased programmes, in the user's areas."""

    model = Entitlement
    table = EntitlementTable
    filterset = EntitlementFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "elder__area")

    def add_url(self) -> str:
        return ""  # an entitlement is added from the elder's page


def elder_from_query(request: HttpRequest) -> Elder:
    """The elder a new record is for, from ``?elder=<pk>`` (pages link here from the elder's page);
    another area's elder is a 404 like any other."""
    pk = request.GET.get("elder") or ""
    if not pk.isdigit():
        raise Http404
    elder: Elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=int(pk))
    return elder


class EntitlementEditView(ObjectEditView):
    """One elder's entitlement: created from the elder's page (``?elder=``), saved by ``entitlement_save``."""

    model = Entitlement
    form = EntitlementForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        if self.creating:
            form.instance.elder = elder_from_query(self.request)  # type: ignore[attr-defined]
        self.elder = form.instance.elder  # type: ignore[attr-defined]
        return form

    @property
    def verbose_name(self) -> str:
        elder = getattr(self, "elder", None)
        return _("服务额度（%(name)s）") % {"name": elder.name} if elder is not None else _("服务额度")

    def save_object(self, form: BaseForm) -> Any:
        entitlement = form.save(commit=False)  # type: ignore[attr-defined]
        try:
            return actions.entitlement_save(entitlement=entitlement, actor=self.request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            # The only refusal is an overlapping period: say so next to the dates.
            raise ValidationError({"valid_from": exc.messages}) from exc

    def success_url(self, obj: Any) -> str:
        return reverse("services:entitlement_list") + "?" + urlencode({"q": obj.elder.name})


# -- work orders --------------------------------------------------------------------------------------

WORK_ORDER_EXPORT: list[tuple[str, Any]] = [
    ("工单号", "number"),
    ("老年人", "elder__name"),
    ("身份证号", "elder__id_number_masked"),
    ("社区", "elder__area__name"),
    ("服务项目", "item__name"),
    ("来源", lambda o: o.get_source_display()),
    ("紧急程度", lambda o: o.get_urgency_display()),
    ("预约时间", lambda o: f"{timezone.localtime(o.scheduled_start):%Y-%m-%d %H:%M}"),
    ("状态", lambda o: o.get_status_display()),
    ("服务商", "provider__name"),
    ("助老员", "worker__name"),
]


class WorkOrderListView(ObjectListView):
    model = WorkOrder
    filterset = WorkOrderFilterSet
    table = WorkOrderTable
    export_columns = WORK_ORDER_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super().get_queryset(action).select_related("elder", "elder__area", "item", "provider", "worker")
        )


class WorkOrderOverdueView(WorkOrderListView):
    def get_queryset(self, action: str | None = None) -> Any:
        return selectors.overdue_orders(super().get_queryset(action)).order_by("response_due")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["title"] = _("超时未响应工单")
        return context

    def add_url(self) -> str:
        return ""


class IntakeView(ScopedViewMixin, View):
    """受理: find the elder (name, pinyin, initials, ID or phone suffix), then the request."""

    model = WorkOrder
    action = "add"

    def _elder(self, request: HttpRequest) -> Elder | None:
        pk = request.GET.get("elder") or request.POST.get("elder")
        if not pk or not str(pk).isdigit():
            return None
        return Elder.objects.get_for_user_or_404(request.user, "view", pk=int(pk))

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(request, self._elder(request), IntakeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        elder = self._elder(request)
        form = IntakeForm(request.POST)
        if elder is None:
            messages.error(request, _("请先选择老人"))
            return self.render(request, None, form)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = selectors.open_duplicates(elder, data["item"])
            if duplicates.exists() and not data["confirm_duplicate"]:
                form.add_error("confirm_duplicate", _("该老人已有同一服务项目的未完成工单，请核实后勾选确认"))
            else:
                try:
                    order = actions.work_order_create(
                        elder=elder,
                        item=data["item"],
                        source=data["source"],
                        urgency=data["urgency"],
                        scheduled_start=data["scheduled_start"],
                        minutes=data["minutes"],
                        caller=data["caller"],
                        description=data["description"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    form.add_error(None, _errors(exc))
                else:
                    messages.success(request, _("已受理：%(number)s") % {"number": order.number})
                    return HttpResponseRedirect(order.get_absolute_url())
        return self.render(request, elder, form)

    def render(self, request: HttpRequest, elder: Elder | None, form: IntakeForm) -> HttpResponse:
        query = request.GET.get("q", "").strip()
        found: list[Elder] = []
        if query and elder is None:
            found = list(
                Elder.objects.for_user(request.user, "view")
                .filter(elder_search_q(query))
                .select_related("area")[:20]
            )
        duplicates = []
        if elder is not None:
            duplicates = list(
                WorkOrder.objects.filter(
                    elder=elder, status__in=[s for s in OrderStatus if s not in ("verified", "cancelled")]
                )
                .select_related("item")
                .order_by("-scheduled_start")[:10]
            )
        return render(
            request,
            "services/intake.html",
            {
                "title": _("服务受理"),
                "breadcrumbs": [(_("服务工单"), reverse("services:workorder_list")), (_("服务受理"), "")],
                "query": query,
                "found": found,
                "elder": elder,
                "form": form,
                "open_orders": duplicates,
            },
        )


class WorkOrderDetailView(ScopedViewMixin, View):
    model = WorkOrder

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        order = self.get_object()
        user = request.user
        visit = getattr(order, "visit", None)
        can_change = WorkOrder.objects.for_user(user, "change").filter(pk=order.pk).exists()
        office = can_change and not _is_provider_staff(user)
        context: dict[str, Any] = {
            "object": order,
            "title": _("工单 %(number)s") % {"number": order.number},
            "breadcrumbs": [(_("服务工单"), reverse("services:workorder_list")), (order.number, "")],
            "visit": visit,
            "exceptions": order.exceptions.all(),
            "can_change": can_change,
            "office": office,
            "provider_side": can_change and _is_provider_staff(user),
            "reason_form": ReasonForm(),
            "resolve_form": ResolveForm(),
            "rating_form": RatingForm(),
            "return_call_form": ReturnCallForm(),
            "can_resolve": user.has_perm("services.change_serviceexception"),
            "can_rate": user.has_perm("services.add_visitrating"),
            "photos": visit.photos.all() if visit else [],
            "rating": getattr(visit, "rating", None) if visit else None,
            "return_call": getattr(visit, "return_call", None) if visit else None,
            "can_call": user.has_perm("services.change_returncall"),
        }
        if office and order.status in (
            OrderStatus.NEW,
            OrderStatus.DISPATCHED,
            OrderStatus.ACCEPTED,
            OrderStatus.ASSIGNED,
        ):
            context["providers"] = selectors.providers_covering(order.item, order.area_path, order.plan_date)
            context["provider_suggestions"] = selectors.provider_suggestions(
                elder=order.elder, item=order.item, day=order.plan_date
            )
        if (
            can_change
            and order.provider_id
            and order.status in (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.ASSIGNED)
        ):
            context["worker_suggestions"] = selectors.dispatch_suggestions(
                elder=order.elder, item=order.item, day=order.plan_date, provider=order.provider, limit=8
            )
        if office and visit is not None and not visit.verified:
            context["signoff_code"] = actions.visit_signoff_code(visit)
        return render(request, "services/workorder_detail.html", context)


_VERBS = {"dispatch", "accept", "reject", "assign", "cancel", "rate", "code", "return-call"}


class WorkOrderActionView(ScopedViewMixin, View):
    """POST verbs on a work order from the detail page; each calls one action."""

    model = WorkOrder
    action = "view"

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        if verb not in _VERBS:
            raise Http404
        self.check_permission()
        order = self.get_object()
        user = request.user
        post = request.POST
        try:
            if verb == "dispatch":
                provider = Provider.objects.filter(pk=post.get("provider") or 0).first()
                if provider is None:
                    raise ValidationError(_("请选择服务商"))
                actions.work_order_dispatch(order=order, provider=provider, actor=user)
                if post.get("worker"):
                    worker = Worker.objects.filter(pk=post["worker"], provider=provider).first()
                    if worker is not None:
                        actions.work_order_assign(order=order, worker=worker, actor=user)
                messages.success(request, _("已派单至%(provider)s") % {"provider": provider})
            elif verb == "accept":
                actions.work_order_accept(order=order, actor=user)
                messages.success(request, _("已接单"))
            elif verb == "reject":
                actions.work_order_reject(order=order, reason=post.get("reason", ""), actor=user)
                messages.success(request, _("已拒单，工单退回派单队列"))
            elif verb == "assign":
                worker = Worker.objects.filter(
                    pk=post.get("worker") or 0, provider_id=order.provider_id
                ).first()
                if worker is None:
                    raise ValidationError(_("请选择本服务商的助老员"))
                actions.work_order_assign(order=order, worker=worker, actor=user)
                messages.success(request, _("已派给%(worker)s") % {"worker": worker.name})
            elif verb == "cancel":
                actions.work_order_cancel(order=order, reason=post.get("reason", ""), actor=user)
                messages.success(request, _("已取消"))
            elif verb == "rate":
                visit = Visit.objects.get_for_user_or_404(user, "view", work_order=order)
                form = RatingForm(post)
                if not form.is_valid():
                    raise ValidationError(_("评分为 1–5 分"))
                actions.visit_rate(visit=visit, actor=user, **form.cleaned_data)
                messages.success(request, _("已保存评价"))
            elif verb == "code":
                visit = Visit.objects.get_for_user_or_404(user, "view", work_order=order)
                actions.visit_signoff_code_issue(visit=visit, actor=user)
                messages.success(request, _("已生成签字验证码，请致电老人登记电话告知"))
            elif verb == "return-call":
                call = ReturnCall.objects.get_for_user_or_404(user, "change", visit__work_order=order)
                call_form = ReturnCallForm(post)
                if not call_form.is_valid():
                    raise ValidationError(_("请检查回访记录"))
                d = call_form.cleaned_data
                actions.return_call_record(
                    call=call,
                    reached=d["reached"],
                    satisfied=d["satisfied"],
                    complaint=d["complaint"],
                    note=d["note"],
                    score=d["score"],
                    actor=user,
                )
                messages.success(request, _("已记录回访"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return HttpResponseRedirect(order.get_absolute_url())


class WorkOrderSheetView(ScopedViewMixin, View):
    """派工单: a printable sheet with the elder's details masked and signature lines (HTML or PDF)."""

    model = WorkOrder

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        order = self.get_object()
        audit.record_access(
            actor=request.user,
            kind=AccessLog.Kind.PRINT,
            object_type="services.workorder",
            object_id=str(order.pk),
            subject_id=order.elder_id,
            area_path=order.area_path,
            fields=["name", "id_number_masked", "phone_masked", "address"],
        )
        context = {"order": order, "elder": order.elder, "printed_on": cn_date(timezone.localdate())}
        # An official document: printed in Chinese whatever the language of the screen.
        with records_language():
            if request.GET.get("format") == "pdf":
                return _pdf_response("services/workorder_sheet.html", context, f"派工单-{order.number}.pdf")
            return render(request, "services/workorder_sheet.html", context)


def _pdf_response(template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    from urllib.parse import quote

    html = render_to_string(template, {**context, "for_pdf": True})
    try:
        import weasyprint
    except ImportError:  # print CSS in the browser instead
        return HttpResponse(html)
    pdf = weasyprint.HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


# -- the worker's phone ---------------------------------------------------------------------------------


class MyVisitsView(ScopedViewMixin, View):
    """Today's and upcoming orders for the worker (or the provider's staff), on a phone."""

    model = WorkOrder

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("services.add_visit"):
            raise PermissionDenied
        qs = WorkOrder.objects.for_user(request.user, "change").filter(
            status__in=[OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED]
        )
        own = getattr(request.user, "service_worker", None)
        if own is not None:
            qs = qs.filter(worker=own)
        today = timezone.localdate()
        qs = qs.filter(plan_date__lte=today + datetime.timedelta(days=1)).select_related(
            "elder", "item", "worker"
        )
        return render(
            request,
            "services/my_visits.html",
            {
                "title": _("我的上门服务"),
                "orders": qs.order_by("scheduled_start")[:100],
                "breadcrumbs": [(_("我的上门服务"), "")],
            },
        )


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
                "breadcrumbs": [(_("我的上门服务"), reverse("services:my_visits")), (order.number, "")],
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
                visit = actions.visit_check_in(
                    order=order,
                    latitude=lat,
                    longitude=lng,
                    accuracy=_float(request.POST.get("accuracy")),
                    actor=request.user,
                )
                messages.success(request, _("已签到"))
            elif step == "checkout":
                visit = Visit.objects.get_for_user_or_404(request.user, "change", work_order=order)
                actions.visit_check_out(
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
                actions.visit_sign_off(
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
                actions.visit_add_photo(
                    visit=visit, content=upload.read(), filename=upload.name or "", actor=request.user
                )
                messages.success(request, _("照片已上传"))
            elif step == "code":
                visit = Visit.objects.get_for_user_or_404(request.user, "change", work_order=order)
                actions.visit_signoff_code_issue(visit=visit, actor=request.user)
                messages.info(request, _("已请求验证码：热线将致电老人，请老人告知验证码"))
            else:
                raise ValidationError(_("未知操作"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
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


EXCEPTION_EXPORT: list[tuple[str, Any]] = [
    ("发现时间", lambda e: f"{timezone.localtime(e.created_at):%Y-%m-%d %H:%M}"),
    ("异常类型", lambda e: e.get_kind_display()),
    ("工单号", "work_order__number"),
    ("服务商", "provider__name"),
    ("情况", "detail"),
    ("处理状态", lambda e: e.get_status_display()),
    ("处理说明", "resolution"),
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
            actions.exception_resolve(
                exception=exc,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(request, _("异常已处理"))
        except ValidationError as err:
            messages.error(request, _errors(err))
        return HttpResponseRedirect(
            request.POST.get("next") or reverse("services:serviceexception_list") + "?status=open"
        )


class ReturnCallListView(ObjectListView):
    model = ReturnCall
    filterset = ReturnCallFilterSet
    table = ReturnCallTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("visit", "visit__elder", "visit__item", "provider")


class RecurringPlanListView(ObjectListView):
    model = RecurringPlan
    table = RecurringPlanTable

    filterset = RecurringPlanFilterSet

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "item", "provider", "worker")

    def add_url(self) -> str:
        return ""


class RecurringPlanEditView(ObjectEditView):
    """A plan for one elder: created from the intake page (``?elder=``), edited from the list."""

    model = RecurringPlan
    form = RecurringPlanForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        form = super().get_form(data, files)
        if self.creating:
            form.instance.elder = elder_from_query(self.request)  # type: ignore[attr-defined]
        return form

    def success_url(self, obj: Any) -> str:
        return reverse("services:recurringplan_list")


# -- settlement -----------------------------------------------------------------------------------------


class SettlementListView(ObjectListView):
    model = Settlement
    filterset = SettlementFilterSet
    table = SettlementTable
    template_name = "services/settlement_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("provider", "street")

    def add_url(self) -> str:
        return ""

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["title"] = _("服务结算")
        # The generate form (POST to SettlementGenerateView) was missing: nothing could start a month.
        context["can_generate"] = self.request.user.has_perm("services.add_settlement")
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        context["generate_month"] = f"{last_month:%Y-%m}"
        return context


def _settlement_rows(settlement: Settlement) -> list[list[Any]]:
    rows = []
    for line in settlement.lines.select_related(
        "visit", "visit__work_order", "elder", "item", "visit__worker"
    ):
        rows.append(
            [
                line.visit.work_order.number,
                f"{line.visit.service_date:%Y-%m-%d}",
                line.elder.name,
                line.elder.id_number_masked,
                line.item.name,
                line.visit.worker.name,
                line.visit.minutes,
                line.quantity,
                line.unit_price,
                line.gross,
                line.elder_share,
                line.payable,
            ]
        )
    return rows


SETTLEMENT_HEADERS = [
    "工单号",
    "服务日期",
    "老年人",
    "身份证号",
    "服务项目",
    "助老员",
    "时长（分钟）",
    "数量",
    "协议价（元）",
    "金额（元）",
    "个人自付（元）",
    "应结算（元）",
]


class SettlementDetailView(ScopedViewMixin, View):
    model = Settlement

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        settlement = self.get_object()
        fmt = request.GET.get("format")
        if fmt in ("xlsx", "pdf"):
            return self.document(request, settlement, fmt)
        user = request.user
        return render(
            request,
            "services/settlement_detail.html",
            {
                "object": settlement,
                "title": str(settlement),
                "breadcrumbs": [(_("服务结算"), reverse("services:settlement_list")), (str(settlement), "")],
                "lines": settlement.lines.select_related("visit__work_order", "elder", "item")[:500],
                "can_review": user.has_perm("services.review_settlement")
                and settlement.status in ("draft", "returned"),
                "can_approve": user.has_perm("services.approve_settlement")
                and settlement.status == "reviewed",
                "can_export": user.has_perm("services.export_settlement"),
                "reason_form": ReasonForm(),
            },
        )

    def document(self, request: HttpRequest, settlement: Settlement, fmt: str) -> HttpResponse:
        if not request.user.has_perm("services.export_settlement"):
            raise PermissionDenied
        rows = _settlement_rows(settlement)
        audit.record_access(
            actor=request.user,
            kind=AccessLog.Kind.EXPORT if fmt == "xlsx" else AccessLog.Kind.PRINT,
            object_type="services.settlement",
            object_id=str(settlement.pk),
            area_path=settlement.area_path,
            row_count=len(rows),
        )
        name = f"服务结算-{settlement.provider.name}-{settlement.street.name}-{settlement.month:%Y-%m}"
        if fmt == "xlsx":
            import io
            from urllib.parse import quote

            buffer = io.BytesIO()
            total = [
                "合计",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                settlement.gross_amount,
                settlement.elder_share,
                settlement.payable,
            ]
            write_rows_xlsx(SETTLEMENT_HEADERS, iter([*rows, total]), buffer, sheet_title="结算明细")
            response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.xlsx"
            return response
        context = {
            "settlement": settlement,
            "rows": rows,
            "headers": SETTLEMENT_HEADERS,
            "printed_on": cn_date(timezone.localdate()),
            "month_label": f"{settlement.month.year}年{settlement.month.month}月",
        }
        # An official document: printed in Chinese whatever the language of the screen.
        with records_language():
            return _pdf_response("services/settlement_print.html", context, f"{name}.pdf")


class SettlementActionView(ScopedViewMixin, View):
    model = Settlement

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        self.check_permission()
        settlement = self.get_object()
        note = request.POST.get("reason", "")
        approve = request.POST.get("decision", "approve") == "approve"
        try:
            if verb == "review":
                actions.settlement_review(
                    settlement=settlement, approve=approve, note=note, actor=request.user
                )
            elif verb == "approve":
                actions.settlement_approve(
                    settlement=settlement, approve=approve, note=note, actor=request.user
                )
            else:
                raise Http404
            messages.success(request, _("已处理"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return HttpResponseRedirect(settlement.get_absolute_url())


class SettlementGenerateView(ScopedViewMixin, View):
    model = Settlement
    action = "add"

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        try:
            month = datetime.date.fromisoformat((request.POST.get("month") or "") + "-01")
        except ValueError:
            messages.error(request, _("月份格式应为 2026-11"))
            return HttpResponseRedirect(reverse("services:settlement_list"))
        made = actions.settlement_generate(month=month, actor=request.user)
        messages.success(
            request,
            _("已生成 %(month)s 结算单 %(count)s 张") % {"month": f"{month:%Y-%m}", "count": len(made)},
        )
        return HttpResponseRedirect(reverse("services:settlement_list") + f"?month={month:%Y-%m-%d}")


# -- scorecard ------------------------------------------------------------------------------------------


class ScorecardView(ScopedViewMixin, View):
    """服务商评分: providers side by side (and by street), over the visits the user may see."""

    model = Visit

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(permission_name(Visit, "view")):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            month = datetime.date.fromisoformat((request.GET.get("month") or f"{today:%Y-%m}") + "-01")
        except ValueError:
            month = today.replace(day=1)
        first, last = selectors.month_bounds(month)
        by_street = request.GET.get("by") == "street"
        visits = Visit.objects.for_user(request.user, "view").filter(
            service_date__gte=first, service_date__lte=last
        )
        from yiyang.areas.models import Area

        names = dict(Area.objects.filter(level=4).values_list("path", "name")) if by_street else {}
        rows = selectors.provider_scorecard(visits, by_street=by_street, street_names=names)
        return render(
            request,
            "services/scorecard.html",
            {
                "title": _("服务商评分"),
                "breadcrumbs": [(_("服务商评分"), "")],
                "rows": rows,
                "month": f"{month:%Y-%m}",
                "by_street": by_street,
            },
        )


class SuggestView(ScopedViewMixin, View):
    """JSON suggestions for a work order (used by the dispatch panel and by provider apps)."""

    model = WorkOrder

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        self.check_permission()
        order = self.get_object()
        rows = selectors.dispatch_suggestions(elder=order.elder, item=order.item, day=order.plan_date)
        return JsonResponse({"suggestions": [s.__dict__ for s in rows]})
