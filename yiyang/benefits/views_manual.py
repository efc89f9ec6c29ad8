"""Pages for a worker's manual interventions: suspending and resuming payment, and adjustments
(补发 / 扣减 / 更正) that put right a month whose roll is already approved.

Thin views over ``actions``: they find the records through the user's scope (another street's
elder, suspension or roll is a 404) and turn an action's ValidationError into form errors.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yiyang.benefits import actions
from yiyang.benefits.choices import AdjustmentKind, ChangeType, RollStatus
from yiyang.benefits.dates import add_months, first_of, month_display, parse_month
from yiyang.benefits.filtersets import AdjustmentFilterSet
from yiyang.benefits.forms import AdjustmentForm, ResumeForm, SuspensionForm
from yiyang.benefits.models import PaymentRoll, Programme, RollLine, Suspension
from yiyang.benefits.tables import AdjustmentTable
from yiyang.core import crypto
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.views import ObjectDeleteView, ObjectListView, require_perm
from yiyang.people.models import Elder


def _edit_page(request: HttpRequest, form: Any, title: str, crumbs: list[tuple[str, str]]) -> HttpResponse:
    return render(request, "generic/object_edit.html", {"form": form, "title": title, "breadcrumbs": crumbs})


# -- suspensions ------------------------------------------------------------------------------------------


@login_required
def suspension_add(request: HttpRequest, elder_pk: int) -> HttpResponse:
    require_perm(request, "benefits.add_suspension")
    elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=elder_pk)
    form = SuspensionForm(
        request.POST or None, initial={"from_month": add_months(timezone.localdate(), 1).strftime("%Y-%m")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            suspension = actions.suspension_create(elder=elder, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("已暂停发放：%(name)s，%(month)s起")
                % {"name": elder.name, "month": month_display(suspension.from_month)},
            )
            return HttpResponseRedirect(reverse("benefits:suspension_list"))
    return _edit_page(
        request,
        form,
        _("暂停发放：%(name)s（%(id_number)s）") % {"name": elder.name, "id_number": elder.id_number_masked},
        [(pgettext("plural", "暂停发放"), reverse("benefits:suspension_list")), (elder.name, "")],
    )


@login_required
def suspension_resume(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "benefits.change_suspension")
    suspension = Suspension.objects.get_for_user_or_404(request.user, "change", pk=pk)
    form = ResumeForm(
        request.POST or None,
        initial={"month": max(first_of(timezone.localdate()), suspension.from_month).strftime("%Y-%m")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.suspension_resume(
                suspension=suspension,
                month=form.cleaned_data["month"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已恢复发放：%(name)s") % {"name": suspension.elder.name})
            return HttpResponseRedirect(reverse("benefits:suspension_list"))
    return _edit_page(
        request,
        form,
        _("恢复发放：%(name)s（%(suspension)s）") % {"name": suspension.elder.name, "suspension": suspension},
        [(pgettext("plural", "暂停发放"), reverse("benefits:suspension_list")), (_("恢复发放"), "")],
    )


# -- adjustments --------------------------------------------------------------------------------------------


class AdjustmentListView(ObjectListView):
    """更正调整: every manual adjustment line the user's areas cover, newest roll first."""

    model = RollLine
    filterset = AdjustmentFilterSet
    table = AdjustmentTable

    @property
    def list_title(self) -> str:
        return _("更正调整")

    def list_url(self) -> str:
        return reverse("benefits:adjustment_list")

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super()
            .get_queryset(action)
            .filter(change_type=ChangeType.ADJUSTMENT)
            .select_related("elder", "roll", "roll__programme", "roll__area")
            .order_by("-month", "-id")
        )

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["can_add"] = self.request.user.has_perm("benefits.change_paymentroll")
        context["add_url"] = reverse("benefits:adjustment_add")
        return context


def _draft_rolls(user: Any, elder: Elder | None, programme: Programme | None) -> QuerySet[PaymentRoll]:
    rolls = PaymentRoll.objects.for_user(user, "view").filter(status=RollStatus.DRAFT)
    if programme is not None:
        rolls = rolls.filter(programme=programme)
    if elder is not None:
        # Rolls whose area contains the elder's: their paths are prefixes of the elder's path.
        rolls = rolls.filter(area_path__in=[elder.area_path[:n] for n in range(2, len(elder.area_path) + 1)])
    return rolls.select_related("programme", "area").order_by("-month", "programme", "area_path")


def _elder_by_id_number(user: Any, text: str) -> Elder:
    try:
        digest = crypto.lookup_hash(parse_id_number(text).value)
    except IdNumberError as exc:
        raise ValidationError({"id_number": exc.message}) from exc
    elder = Elder.objects.for_user(user, "view").filter(id_number_hash=digest).first()
    if elder is None:
        raise ValidationError({"id_number": _("未找到该老人，或不在您的辖区")})
    return elder


@login_required
def adjustment_add(request: HttpRequest) -> HttpResponse:
    """新增调整. ``?elder=`` fixes the person (from the elder's page or a roll line), ``?programme=``
    and ``?month=`` come from a line of an approved roll, ``?roll=`` from a draft roll's page."""
    require_perm(request, "benefits.change_paymentroll")
    user, params = request.user, request.GET
    elder = (
        Elder.objects.get_for_user_or_404(user, "view", pk=params["elder"])
        if params.get("elder", "").isdigit()
        else None
    )
    programme = (
        Programme.objects.filter(pk=params["programme"]).first()
        if params.get("programme", "").isdigit()
        else None
    )
    initial: dict[str, Any] = {"kind": params.get("kind", AdjustmentKind.CORRECTION)}
    if params.get("roll", "").isdigit():
        initial["roll"] = PaymentRoll.objects.get_for_user_or_404(user, "view", pk=params["roll"]).pk
    if params.get("month"):
        with contextlib.suppress(ValueError):  # a bad link just leaves the month empty
            initial["corrects_month"] = parse_month(params["month"][:7]).strftime("%Y-%m")
    rolls = _draft_rolls(user, elder, programme)
    form = AdjustmentForm(request.POST or None, initial=initial, rolls=rolls, elder_fixed=elder is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = elder or _elder_by_id_number(user, data["id_number"])
            line = actions.roll_adjustment_add(
                roll=data["roll"],
                elder=target,
                kind=data["kind"],
                corrects_month=data["corrects_month"],
                amount=data["amount"],
                reason=data["reason"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("已增加调整：%(name)s %(amount)s 元（%(reason)s）")
                % {"name": target.name, "amount": line.amount, "reason": line.reason},
            )
            return HttpResponseRedirect(line.roll.get_absolute_url() + "?change_type=adjustment")
    title = (
        _("新增更正调整：%(name)s（%(id_number)s）")
        % {"name": elder.name, "id_number": elder.id_number_masked}
        if elder
        else _("新增更正调整")
    )
    if not rolls.exists():
        no_roll = _("没有可记入的草稿花名册：请先生成以后月份的花名册，再在其中增加调整")
        # An unbound form (the first GET) cannot carry errors: say it as a message instead.
        if form.is_bound:
            form.add_error(None, no_roll)
        else:
            messages.warning(request, no_roll)
    return render(
        request,
        "benefits/adjustment_form.html",
        {
            "form": form,
            "title": title,
            "elder": elder,
            "history": _history(user, elder, programme),
            "breadcrumbs": [(_("更正调整"), reverse("benefits:adjustment_list")), (_("新增"), "")],
        },
    )


def _history(user: Any, elder: Elder | None, programme: Programme | None) -> list[RollLine]:
    """The elder's recent lines, so the worker sees what was paid for the month being corrected."""
    if elder is None:
        return []
    lines = RollLine.objects.for_user(user, "view").filter(elder=elder)
    if programme is not None:
        lines = lines.filter(programme=programme)
    return list(lines.select_related("roll", "roll__programme").order_by("-month", "-id")[:24])


class AdjustmentDeleteView(ObjectDeleteView):
    """撤销调整: an adjustment line not yet in an approved roll is taken back (the action checks)."""

    model = RollLine

    def check_permission(self, action: str | None = None) -> None:
        require_perm(self.request, "benefits.change_paymentroll")

    def get_object(self, action: str | None = None) -> RollLine:
        return RollLine.objects.get_for_user_or_404(
            self.request.user, "view", pk=self.kwargs["pk"], change_type=ChangeType.ADJUSTMENT
        )

    def delete_object(self, obj: Any) -> None:
        actions.roll_adjustment_delete(line=obj, actor=self.request.user)

    def done_message(self, label: str) -> str:
        return _("已撤销调整")

    def success_url(self, obj: Any) -> str:
        return obj.roll.get_absolute_url() + "?change_type=adjustment"
