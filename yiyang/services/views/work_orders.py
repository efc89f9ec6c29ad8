"""Work-order pages: the list, intake, the detail with its workflow buttons, the printed sheet, plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core import audit, search_tokens
from yiyang.core.errors import error_text
from yiyang.core.exporting import Column, datetime_, text
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog
from yiyang.core.pagination import LateRowsQuerySet
from yiyang.core.pdf import pdf_response, render_pdf
from yiyang.core.scoping import allowed
from yiyang.core.templatetags.yiyang import cn_date
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin
from yiyang.people.exports import CLEAR_EXPORT, ELDER_AREAS, community_of, id_number_column
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q, search_term_valid
from yiyang.services import selectors
from yiyang.services.actions.visits import (
    return_call_record,
    visit_rate,
    visit_signoff_code,
    visit_signoff_code_issue,
)
from yiyang.services.actions.work_orders import (
    work_order_accept,
    work_order_assign,
    work_order_cancel,
    work_order_create,
    work_order_dispatch,
    work_order_reject,
)
from yiyang.services.choices import OrderStatus
from yiyang.services.filtersets import RecurringPlanFilterSet, WorkOrderFilterSet
from yiyang.services.forms import (
    IntakeForm,
    RatingForm,
    ReasonForm,
    RecurringPlanForm,
    ResolveForm,
    ReturnCallForm,
)
from yiyang.services.models import Provider, RecurringPlan, ReturnCall, Visit, Worker, WorkOrder
from yiyang.services.tables import RecurringPlanTable, WorkOrderTable
from yiyang.services.views.common import elder_from_query

# -- work orders --------------------------------------------------------------------------------------

WORK_ORDER_EXPORT: list[Column] = [
    text("工单号", "number"),
    text("老年人", "elder__name"),
    id_number_column("elder__"),
    text("社区", lambda o: community_of(o.elder)),
    text("服务项目", "item__name"),
    text("来源", lambda o: o.get_source_display()),
    text("紧急程度", lambda o: o.get_urgency_display()),
    datetime_("预约时间", "scheduled_start"),
    text("状态", lambda o: o.get_status_display()),
    text("服务商", "provider__name"),
    text("助老员", "worker__name"),
]


class WorkOrderListView(ObjectListView):
    model = WorkOrder
    filterset = WorkOrderFilterSet
    table = WorkOrderTable
    export_columns = WORK_ORDER_EXPORT
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        elder_areas = [f"elder__{a}" for a in ELDER_AREAS]
        # late_rows: the page's fifty keys in the list's order (workorder_list_order_idx), then those
        # orders with their elder, areas, item, provider and worker; not a join of every order in scope.
        queryset = super().get_queryset(action)
        assert isinstance(queryset, LateRowsQuerySet)
        return queryset.select_related("elder", *elder_areas, "item", "provider", "worker").late_rows()


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
                    order = work_order_create(
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
                    form.add_error(None, error_text(exc))
                else:
                    messages.success(request, _("已受理：%(number)s") % {"number": order.number})
                    return HttpResponseRedirect(order.get_absolute_url())
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
        can_change = allowed(user, "change", order)
        # The dispatcher's buttons, and the provider's (who record the visit itself).
        office = allowed(user, "dispatch", order)
        context: dict[str, Any] = {
            "object": order,
            "title": _("工单 %(number)s") % {"number": order.number},
            "breadcrumbs": [(_("服务工单"), reverse("services:workorder_list")), (order.number, "")],
            "visit": visit,
            "exceptions": order.exceptions.all(),
            "can_change": can_change,
            "office": office,
            "provider_side": can_change and user.has_perm("services.add_visit"),
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
            context["signoff_code"] = visit_signoff_code(visit)
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
                work_order_dispatch(order=order, provider=provider, actor=user)
                if post.get("worker"):
                    worker = Worker.objects.filter(pk=post["worker"], provider=provider).first()
                    if worker is not None:
                        work_order_assign(order=order, worker=worker, actor=user)
                messages.success(request, _("已派单至%(provider)s") % {"provider": provider})
            elif verb == "accept":
                work_order_accept(order=order, actor=user)
                messages.success(request, _("已接单"))
            elif verb == "reject":
                work_order_reject(order=order, reason=post.get("reason", ""), actor=user)
                messages.success(request, _("已拒单，工单退回派单队列"))
            elif verb == "assign":
                worker = Worker.objects.filter(
                    pk=post.get("worker") or 0, provider_id=order.provider_id
                ).first()
                if worker is None:
                    raise ValidationError(_("请选择本服务商的助老员"))
                work_order_assign(order=order, worker=worker, actor=user)
                messages.success(request, _("已派给%(worker)s") % {"worker": worker.name})
            elif verb == "cancel":
                work_order_cancel(order=order, reason=post.get("reason", ""), actor=user)
                messages.success(request, _("已取消"))
            elif verb == "rate":
                visit = Visit.objects.get_for_user_or_404(user, "view", work_order=order)
                form = RatingForm(post)
                if not form.is_valid():
                    raise ValidationError(_("评分为 1–5 分"))
                visit_rate(visit=visit, actor=user, **form.cleaned_data)
                messages.success(request, _("已保存评价"))
            elif verb == "code":
                visit = Visit.objects.get_for_user_or_404(user, "view", work_order=order)
                visit_signoff_code_issue(visit=visit, actor=user)
                messages.success(request, _("已生成签字验证码，请致电老人登记电话告知"))
            elif verb == "return-call":
                call = ReturnCall.objects.get_for_user_or_404(user, "change", visit__work_order=order)
                call_form = ReturnCallForm(post)
                if not call_form.is_valid():
                    raise ValidationError(_("请检查回访记录"))
                d = call_form.cleaned_data
                return_call_record(
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
            messages.error(request, error_text(exc))
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
                return pdf_response(
                    render_pdf("services/workorder_sheet.html", context), f"派工单-{order.number}.pdf"
                )
            return render(request, "services/workorder_sheet.html", context)


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


class SuggestView(ScopedViewMixin, View):
    """JSON suggestions for a work order (used by the dispatch panel and by provider apps)."""

    model = WorkOrder

    def get(self, request: HttpRequest, pk: int) -> JsonResponse:
        self.check_permission()
        order = self.get_object()
        rows = selectors.dispatch_suggestions(elder=order.elder, item=order.item, day=order.plan_date)
        return JsonResponse({"suggestions": [s.__dict__ for s in rows]})
