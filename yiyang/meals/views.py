"""Pages of meal assistance: canteens, the counter, records, deliveries, reconciliation, QR cards."""

from __future__ import annotations

import datetime
import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import Sheet, date, download, integer, money, number, text, xlsx_bytes
from yiyang.core.models import AccessLog
from yiyang.core.scoping import home_path, memberships
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.meals import actions, selectors
from yiyang.meals.choices import MealSlot
from yiyang.meals.filtersets import CanteenFilterSet, DeliveryOrderFilterSet, MealRecordFilterSet
from yiyang.meals.forms import CanteenForm, CanteenMemberForm, MenuForm
from yiyang.meals.models import Canteen, DeliveryOrder, MealRecord, Menu, SubsidyRule
from yiyang.meals.tables import CanteenTable, DeliveryOrderTable, MealRecordTable
from yiyang.people.exports import CLEAR_EXPORT, id_number_column
from yiyang.people.models import Elder

# -- canteens ---------------------------------------------------------------------------------------------


class CanteenListView(ObjectListView):
    model = Canteen
    filterset = CanteenFilterSet
    table = CanteenTable
    export_columns = [
        text("名称", "name"), text("类型", lambda c: c.get_kind_display()), text("社区", "area__name"),
        text("地址", "address"), text("运营方", "operator"), text("联系电话", "phone"),
        number("纬度", "latitude"), number("经度", "longitude"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area")


class CanteenDetailView(ObjectDetailView):
    model = Canteen
    template_name = "meals/canteen_detail.html"

    def get_context(self, obj: Canteen) -> dict[str, Any]:
        context = super().get_context(obj)
        today = timezone.localdate()
        context.update(
            menus=Menu.objects.filter(canteen=obj, date__gte=today - datetime.timedelta(days=1)).order_by(
                "date", "slot"
            )[:30],
            today=selectors.totals(
                selectors.reconciliation(self.request.user, today, today, canteen_id=obj.pk)
            ),
            members=memberships(obj).order_by("user__username"),
            member_form=getattr(self, "member_form", None) or CanteenMemberForm(canteen=obj),
            can_change=self.request.user.has_perm("meals.change_canteen"),
            can_manage_members=Canteen.objects.for_user(self.request.user, "change")
            .filter(pk=obj.pk)
            .exists(),
            can_add_menu=self.request.user.has_perm("meals.add_menu"),
        )
        return context


class CanteenMemberView(CanteenDetailView):
    """助餐点工作人员: add a provider-staff account to the counter (POST), or remove one (…/remove/)."""

    action = "change"

    def post(self, request: HttpRequest, pk: int, member: int | None = None) -> HttpResponse:
        self.check_permission()
        canteen = self.get_object()
        back = reverse("meals:canteen_detail", args=[canteen.pk]) + "#members"
        if member is not None:
            membership = memberships(canteen).filter(pk=member).first()
            if membership is None:
                raise Http404
            actions.canteen_membership_remove(canteen=canteen, membership=membership, actor=request.user)
            messages.success(request, _("已移除：%(user)s") % {"user": membership.user})
            return HttpResponseRedirect(back)
        form = CanteenMemberForm(request.POST, canteen=canteen)
        if form.is_valid():
            actions.canteen_membership_add(
                canteen=canteen, user=form.cleaned_data["user"], actor=request.user
            )
            messages.success(request, _("已添加工作人员：%(user)s") % {"user": form.cleaned_data["user"]})
            return HttpResponseRedirect(back)
        self.member_form = form
        self.action = "view"
        return render(request, self.template_name, self.get_context(canteen))


class CanteenEditView(ObjectEditView):
    model = Canteen
    form = CanteenForm


class MenuEditView(ObjectEditView):
    model = Menu
    form = MenuForm

    def list_url(self) -> str:
        return reverse("meals:canteen_list")

    def success_url(self, obj: Any) -> str:
        return reverse("meals:canteen_detail", args=[obj.canteen_id])


class MealRecordListView(ObjectListView):
    model = MealRecord
    filterset = MealRecordFilterSet
    table = MealRecordTable
    export_columns = [
        date("日期", "date"), text("餐次", lambda r: r.get_slot_display()), text("助餐点", "canteen__name"),
        text("老人", "elder__name"), id_number_column("elder__"), text("方式", lambda r: r.get_channel_display()),
        money("餐价（元）", "price"), money("补贴（元）", "subsidy"), money("个人支付（元）", "elder_paid"),
        text("补贴依据", "subsidy_note"),
    ]  # fmt: skip
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("canteen", "elder")


class DeliveryOrderListView(ObjectListView):
    model = DeliveryOrder
    filterset = DeliveryOrderFilterSet
    table = DeliveryOrderTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("canteen", "elder")


class DeliveryOrderDeliverView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "meals.change_deliveryorder")
        order = DeliveryOrder.objects.get_for_user_or_404(request.user, "change", pk=pk)
        try:
            actions.delivery_order_deliver(
                order=order, deliverer=request.POST.get("deliverer", ""), actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("已送达：送餐 %(date)s %(slot)s · %(canteen)s")
                % {
                    "date": f"{order.date:%Y-%m-%d}",
                    "slot": order.get_slot_display(),
                    "canteen": order.canteen,
                },
            )
        return HttpResponseRedirect(reverse("meals:deliveryorder_list"))


# -- the counter -----------------------------------------------------------------------------------------


class CounterView(LoginRequiredMixin, View):
    """助餐窗口: large buttons for a tablet or phone. Check identifies; serve records."""

    def canteens(self) -> Any:
        return actions.servable_canteens(self.request.user)

    def canteen(self) -> Canteen:
        pk = self.request.POST.get("canteen") or self.request.GET.get("canteen")
        qs = self.canteens()
        canteen = qs.filter(pk=pk).first() if pk else qs.first()
        if canteen is None:
            raise Http404(_("没有可服务的助餐点"))
        return canteen

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "meals.serve_canteen")
        canteens = list(self.canteens())
        canteen = self.canteen() if canteens else None
        return render(
            request,
            "meals/counter.html",
            {
                "title": _("助餐窗口"),
                "breadcrumbs": [(_("助餐窗口"), "")],
                "canteens": canteens,
                "canteen": canteen,
                "slots": MealSlot.choices,
                "slot": request.GET.get("slot") or actions.current_slot(),
                "today": timezone.localdate(),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "meals.serve_canteen")
        canteen = self.canteen()
        slot = request.POST.get("slot") or actions.current_slot()
        op = request.POST.get("op", "check")
        context: dict[str, Any] = {"canteen": canteen, "slot": slot}
        try:
            if op == "check":
                context["check"] = actions.counter_check(
                    canteen=canteen,
                    identifier=request.POST.get("identifier", ""),
                    actor=request.user,
                    slot=slot,
                )
            else:
                elder = actions.counter_token_elder(request.POST.get("token", ""), canteen)
                delivery = request.POST.get("delivery") == "1"
                if delivery:
                    order = actions.delivery_order_create(
                        canteen=canteen, elder=elder, slot=slot, actor=request.user
                    )
                    record = order.meal
                else:
                    record = actions.meal_record_create(
                        canteen=canteen, elder=elder, slot=slot, actor=request.user,
                        identified_by=request.POST.get("identified_by") or "id_number",
                        subsidy="none" if op == "sell_full" else "require",
                    )  # fmt: skip
                # The saved note is Chinese; the counter shows it in the worker's language (never re-saved).
                if record is not None and record.subsidy_note:
                    record.subsidy_note = _(record.subsidy_note)
                context["record"] = record
                context["delivery"] = delivery
        except actions.MealRefused as exc:
            context["refused"] = error_text(exc)
            context["token"] = request.POST.get("token", "")
            context["identified_by"] = request.POST.get("identified_by", "")
        except ValidationError as exc:
            context["error"] = error_text(exc)
        return render(request, "meals/_counter_result.html", context)


# -- QR code ------------------------------------------------------------------------------------------------


def qr_svg(data: str, scale: int = 6) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2)
    return buffer.getvalue().decode()


class ElderQRView(LoginRequiredMixin, View):
    """助餐二维码: a printable card with the elder's signed QR token (no personal data in the code)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "people.view_elder")
        elder = Elder.objects.get_for_user_or_404(request.user, pk=pk)
        audit.record_access(
            actor=request.user, kind=AccessLog.Kind.PRINT, object_type="people.elder", object_id=str(elder.pk),
            subject_id=elder.pk, area_path=elder.area_path, fields=["name", "id_number_masked"], reason="助餐二维码",
        )  # fmt: skip
        return render(
            request,
            "meals/elder_qr.html",
            {
                "title": _("%(name)s 助餐二维码") % {"name": elder.name},
                "breadcrumbs": [
                    (_("老年人信息台账"), reverse("people:elder_list")),
                    (elder.name, reverse("people:elder_detail", args=[elder.pk])),
                    (_("助餐二维码"), ""),
                ],
                "elder": elder,
                "svg": mark_safe(qr_svg(actions.qr_token(elder))),
                "cards": elder.meal_cards.filter(is_active=True),
            },
        )


# -- reconciliation and rules ----------------------------------------------------------------------------------


RECONCILIATION_COLUMNS = [
    text("助餐点", "canteen"), date("日期", "date"), integer("就餐人次", "meals"), integer("补贴人次", "subsidised"),
    money("补贴金额（元）", "subsidy"), money("个人支付（元）", "elder_paid"), money("餐费合计（元）", "revenue"),
    integer("送餐份数", "delivery"), integer("已送达", "delivered"),
]  # fmt: skip


class ReconciliationView(LoginRequiredMixin, View):
    """对账: per canteen for a day or a month, with totals and an .xlsx export."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "meals.view_mealrecord")
        today = timezone.localdate()
        mode = request.GET.get("mode", "month")
        try:
            if mode == "day":
                day = datetime.date.fromisoformat(request.GET.get("date") or today.isoformat())
                start = end = day
                label = f"{day:%Y-%m-%d}"
            else:
                month = request.GET.get("month") or f"{today:%Y-%m}"
                start, end = selectors.month_range(month)
                label = month
        except ValueError as exc:
            raise Http404 from exc
        by_day = request.GET.get("by_day") == "1"
        rows = selectors.reconciliation(request.user, start, end, by_day=by_day)
        if request.GET.get("export") == "xlsx":
            require_perm(request, "meals.export_mealrecord")
            sheet = Sheet(f"助餐对账{label}", RECONCILIATION_COLUMNS, rows, footer=[selectors.totals(rows)])
            content, count = xlsx_bytes([sheet])
            audit.record_access(
                actor=request.user, kind=AccessLog.Kind.EXPORT, object_type="meals.mealrecord",
                area_path=home_path(request.user), row_count=count,
                query=request.GET.urlencode(),
            )  # fmt: skip
            return download(content, f"助餐对账-{label}.xlsx")
        query = request.GET.copy()
        query["export"] = "xlsx"
        return render(
            request,
            "meals/reconciliation.html",
            {
                "title": _("助餐对账 %(period)s") % {"period": label},
                "breadcrumbs": [(_("助餐对账"), "")],
                "rows": rows,
                "total": selectors.totals(rows),
                "mode": mode,
                "by_day": by_day,
                "date": start.isoformat(),
                "month": f"{start:%Y-%m}",
                "export_url": "?" + query.urlencode(),
                "can_export": request.user.has_perm("meals.export_mealrecord"),
            },
        )


class SubsidyRuleListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "meals.view_subsidyrule")
        today = timezone.localdate()
        rules = SubsidyRule.objects.for_user(request.user)
        return render(
            request,
            "meals/subsidy_rules.html",
            {
                "title": _("助餐补贴标准"),
                "breadcrumbs": [(_("助餐补贴标准"), "")],
                "rules": rules,
                "today": today,
            },
        )
