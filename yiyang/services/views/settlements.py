"""Settlement pages: the monthly settlements, their review and print, and the provider scorecard."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import Sheet, date, download, integer, money, number, text, xlsx_bytes
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog
from yiyang.core.pdf import pdf_response, render_pdf
from yiyang.core.scoping import permission_name
from yiyang.core.templatetags.yiyang import cn_date
from yiyang.core.views import ObjectListView, ScopedViewMixin
from yiyang.services import selectors
from yiyang.services.actions.settlements import settlement_approve, settlement_generate, settlement_review
from yiyang.services.filtersets import SettlementFilterSet
from yiyang.services.forms import ReasonForm
from yiyang.services.models import Settlement, Visit
from yiyang.services.tables import SettlementTable

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
                line.visit.service_date,
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


SETTLEMENT_COLUMNS = [
    text("工单号"),
    date("服务日期"),
    text("老年人"),
    text("身份证号"),
    text("服务项目"),
    text("助老员"),
    integer("时长（分钟）"),
    number("数量"),
    money("协议价（元）"),
    money("金额（元）"),
    money("个人自付（元）"),
    money("应结算（元）"),
]
SETTLEMENT_HEADERS = [c.header for c in SETTLEMENT_COLUMNS]


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
            total = ["合计", *[None] * 8, settlement.gross_amount, settlement.elder_share, settlement.payable]
            content, _count = xlsx_bytes([Sheet("结算明细", SETTLEMENT_COLUMNS, rows, footer=[total])])
            return download(content, f"{name}.xlsx")
        context = {
            "settlement": settlement,
            "rows": rows,
            "headers": SETTLEMENT_HEADERS,
            "printed_on": cn_date(timezone.localdate()),
            "month_label": f"{settlement.month.year}年{settlement.month.month}月",
        }
        # An official document: printed in Chinese whatever the language of the screen.
        with records_language():
            return pdf_response(render_pdf("services/settlement_print.html", context), f"{name}.pdf")


class SettlementActionView(ScopedViewMixin, View):
    model = Settlement

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        self.check_permission()
        settlement = self.get_object()
        note = request.POST.get("reason", "")
        approve = request.POST.get("decision", "approve") == "approve"
        try:
            if verb == "review":
                settlement_review(settlement=settlement, approve=approve, note=note, actor=request.user)
            elif verb == "approve":
                settlement_approve(settlement=settlement, approve=approve, note=note, actor=request.user)
            else:
                raise Http404
            messages.success(request, _("已处理"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
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
        made = settlement_generate(month=month, actor=request.user)
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
