"""Pages of the time bank: accounts with their statements and the desk's forms, the ledger, month-end
checks and the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import Sheet, datetime_, download, integer, number, text, xlsx_bytes
from yiyang.core.forms import ScopedModelForm
from yiyang.core.models import AccessLog
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, _add_errors, require_perm
from yiyang.volunteers import checks, selectors
from yiyang.volunteers.actions import bank
from yiyang.volunteers.choices import HOLDER_KINDS, AccountKind
from yiyang.volunteers.filtersets import (
    BankRuleFilterSet,
    MonthEndCheckFilterSet,
    TimeAccountFilterSet,
    TimeMovementFilterSet,
)
from yiyang.volunteers.forms_bank import DonateForm, RedeemForm, ReverseForm, TransferForm
from yiyang.volunteers.models import BankRule, MonthEndCheck, TimeAccount, TimeMovement
from yiyang.volunteers.tables import BankRuleTable, MonthEndCheckTable, TimeAccountTable, TimeMovementTable

_FORMS: dict[str, type[forms.Form]] = {"transfer": TransferForm, "donate": DonateForm, "redeem": RedeemForm}


class TimeAccountListView(ObjectListView):
    model = TimeAccount
    filterset = TimeAccountFilterSet
    table = TimeAccountTable
    export_columns = [
        integer("账号", "pk"), text("户名", "name"), text("账户类型", lambda a: a.get_kind_display()),
        number("余额（小时）", "balance_hours"), text("区域路径", "area_path"),
    ]  # fmt: skip


class TimeAccountDetailView(ObjectDetailView):
    """The account, its statement for a month, and the desk's forms (transfer, donate, redeem)."""

    model = TimeAccount
    template_name = "volunteers/account_detail.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, **kwargs)

    def export(self) -> HttpResponse:
        self.check_permission("export")
        account = self.get_object("export")
        start, end = selectors.month_bounds(self.request.GET.get("month"))
        result = selectors.statement(account, start, end)
        columns = [
            integer("流水号", "number"), datetime_("发生时间", "time"), text("业务类型", "kind"), text("摘要", "memo"),
            text("对方账户", "counterpart"), number("变动（小时）", "change"), number("余额（小时）", "balance"),
            integer("冲正的流水号", "reverses"),
        ]  # fmt: skip
        content, rows = xlsx_bytes([Sheet(f"{start:%Y-%m}对账单", columns, selectors.export_rows(result))])
        audit.record_access(actor=self.request.user, kind=AccessLog.Kind.EXPORT, object_type="volunteers.timeaccount",
                            object_id=str(account.pk), subject_id=account.audit_subject_id,
                            area_path=account.area_path, row_count=rows)  # fmt: skip
        return download(content, f"{account.name}{start:%Y-%m}对账单.xlsx")

    def get_context(self, obj: TimeAccount) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        start, end = selectors.month_bounds(self.request.GET.get("month"))
        may_move = (
            obj.kind in HOLDER_KINDS and TimeAccount.objects.for_user(user, "move").filter(pk=obj.pk).exists()
        )
        forms_ = getattr(self, "forms", {})
        context.update(
            statement=selectors.statement(obj, start, end),
            month=f"{start:%Y-%m}",
            may_move=may_move,
            may_transfer=may_move and obj.kind == AccountKind.PERSONAL,
            may_reverse=user.has_perm("volunteers.reverse_timemovement"),
            may_export=user.has_perm("volunteers.export_timeaccount"),
            transfer_form=forms_.get("transfer") or TransferForm(prefix="transfer"),
            donate_form=forms_.get("donate") or DonateForm(prefix="donate"),
            redeem_form=forms_.get("redeem") or RedeemForm(prefix="redeem"),
            open_form=getattr(self, "open_form", ""),
            reverse_form=ReverseForm(),
        )
        return context


class TimeAccountMoveView(TimeAccountDetailView):
    """POST a transfer, donation or redemption; a refusal shows its reason on the account page."""

    action = "move"

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        self.check_permission()
        account = self.get_object()
        form = _FORMS[verb](request.POST, prefix=verb)
        if form.is_valid():
            data = dict(form.cleaned_data)
            minutes = data.pop("hours")
            try:
                if verb == "transfer":
                    movement = bank.hours_transfer(account=account, elder=data.pop("recipient"), minutes=minutes,
                                                   actor=request.user, **data)  # fmt: skip
                elif verb == "donate":
                    movement = bank.hours_donate(account=account, minutes=minutes, actor=request.user, **data)
                else:
                    movement = bank.hours_redeem(account=account, minutes=minutes, actor=request.user, **data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已办理：%(movement)s") % {"movement": movement.memo})
                return HttpResponseRedirect(reverse("volunteers:timeaccount_detail", args=[account.pk]))
        self.forms, self.open_form, self.action = {verb: form}, verb, "view"
        return render(request, self.template_name, self.get_context(account), status=400)


class TimeMovementListView(ObjectListView):
    model = TimeMovement
    filterset = TimeMovementFilterSet
    table = TimeMovementTable
    export_columns = [
        integer("流水号", "pk"), datetime_("发生时间", "occurred_at"), text("业务类型", lambda m: m.get_kind_display()),
        text("转出账户", "debit__name"), text("转入账户", "credit__name"), number("小时数", "hours"),
        text("摘要", "memo"), text("申请人", "requested_by"), text("本人同意方式", lambda m: m.get_consent_display()),
        integer("冲正的流水号", "reverses_id"), text("经办人", "actor_name"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("debit", "credit")


class TimeMovementReverseView(View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "volunteers.reverse_timemovement")
        movement = TimeMovement.objects.get_for_user_or_404(request.user, "reverse", pk=pk)
        back = request.POST.get("next") or reverse("volunteers:timemovement_list")
        if not back.startswith("/"):
            back = reverse("volunteers:timemovement_list")
        form = ReverseForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请填写冲正原因"))
            bank.movement_reverse(movement=movement, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已冲正流水 #%(pk)s，原流水与冲正流水均保留") % {"pk": movement.pk})
        return HttpResponseRedirect(back)


class MonthEndCheckListView(ObjectListView):
    model = MonthEndCheck
    filterset = MonthEndCheckFilterSet
    table = MonthEndCheckTable
    template_name = "volunteers/monthend_list.html"

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["can_add"] = False  # the run button below, not the generic add link
        context["may_run"] = self.request.user.has_perm("volunteers.add_monthendcheck")
        context["this_month"] = f"{timezone.localdate():%Y-%m}"
        return context


class MonthEndCheckRunView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("volunteers.add_monthendcheck"):
            raise PermissionDenied
        month, _end = selectors.month_bounds(request.POST.get("month"))
        check = checks.run_check(month=month, actor=request.user)
        if check.ok:
            messages.success(request, _("%(month)s 月末核对通过：账户余额与流水一致，合计为零，无账户超出上限")
                             % {"month": f"{month:%Y-%m}"})  # fmt: skip
        else:
            messages.error(request, _("%(month)s 月末核对发现 %(n)s 个问题") % {"month": f"{month:%Y-%m}",
                                                                            "n": len(check.problems)})  # fmt: skip
        return HttpResponseRedirect(reverse("volunteers:monthendcheck_list"))


class BankRuleForm(ScopedModelForm):
    class Meta:
        model = BankRule
        fields = ["name", "cap_hours", "relative_min_age", "checkin_radius_m", "max_service_minutes", "valid_from",
                  "valid_to", "note"]  # fmt: skip
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}  # fmt: skip


class BankRuleListView(ObjectListView):
    model = BankRule
    filterset = BankRuleFilterSet
    table = BankRuleTable


class BankRuleEditView(ObjectEditView):
    model = BankRule
    form = BankRuleForm
