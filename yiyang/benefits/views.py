from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from yiyang.areas.models import Area
from yiyang.benefits import actions, documents, lifeevents, selectors
from yiyang.benefits.choices import ChangeType, MatchStatus, RecoveryStatus, RollStatus
from yiyang.benefits.dates import month_cn, month_display
from yiyang.benefits.filtersets import (
    BudgetFilterSet,
    ElderBankAccountFilterSet,
    LifeEventBatchFilterSet,
    PaymentRollFilterSet,
    RecoveryFilterSet,
    SuspensionFilterSet,
)
from yiyang.benefits.forms import (
    BankAccountForm,
    BudgetForm,
    CertifyForm,
    LifeEventUploadForm,
    RateChangeForm,
    RollGenerateForm,
)
from yiyang.benefits.models import (
    Budget,
    ElderBankAccount,
    LifeEventBatch,
    LifeEventRow,
    PaymentRoll,
    Programme,
    RateRule,
    Recovery,
    RollLine,
    Suspension,
)
from yiyang.benefits.tables import (
    BudgetTable,
    ElderBankAccountTable,
    LifeEventBatchTable,
    PaymentRollTable,
    RecoveryTable,
    SuspensionTable,
)
from yiyang.core.errors import error_text
from yiyang.core.i18n import records_language
from yiyang.core.models import DocumentJob
from yiyang.core.pdf import pdf_response
from yiyang.core.scoping import area_scope, outermost, path_range_q, permission_name
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, link_permission, require_perm
from yiyang.people.models import Elder


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> bool:
    """Call an action; its ValidationError becomes a message on the next page."""
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, ok)
    return True


# -- rolls ------------------------------------------------------------------------------------------------


class PaymentRollListView(ObjectListView):
    model = PaymentRoll
    filterset = PaymentRollFilterSet
    table = PaymentRollTable
    template_name = "benefits/paymentroll_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("programme", "area")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["can_add"] = False
        context["can_generate"] = self.request.user.has_perm("benefits.add_paymentroll")
        return context


@login_required
def roll_generate(request: HttpRequest) -> HttpResponse:
    require_perm(request, "benefits.add_paymentroll")
    form = RollGenerateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            roll = actions.payment_roll_generate(
                programme=data["programme"], area=data["area"], month=data["month"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("已生成：%(roll)s，%(count)s 人，%(total)s 元")
                % {"roll": roll, "count": roll.line_count, "total": roll.total_amount},
            )
            return HttpResponseRedirect(roll.get_absolute_url())
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": _("生成发放花名册"),
            "breadcrumbs": [
                (pgettext("plural", "发放花名册"), reverse("benefits:paymentroll_list")),
                (_("生成"), ""),
            ],
        },
    )


class PaymentRollDetailView(ObjectDetailView):
    model = PaymentRoll
    template_name = "benefits/paymentroll_detail.html"

    def get_object(self, action: str | None = None) -> Any:
        return super().get_object(action)

    def get_context(self, obj: PaymentRoll) -> dict[str, Any]:
        context = super().get_context(obj)
        request, user = self.request, self.request.user
        # A street worker sees the lines of their own streets only.
        # The roll's programme and month too: its lines are in that month's partition alone, and
        # saying so spares reading the roll index of every other month.
        lines = (
            RollLine.objects.for_user(user)
            .filter(roll=obj, programme_id=obj.programme_id, month=obj.month)
            .select_related("elder", "elder__area")
            .order_by("area_path", "id")
        )
        areas_only, prefixes = area_scope(user, RollLine, "view")
        if areas_only and prefixes:
            # the user's streets as ranges of the page's index too (LIKE alone cannot use it)
            lines = lines.filter(path_range_q("area_path", outermost(prefixes)))
        change = request.GET.get("change_type", "")
        if change in ChangeType.values:
            lines = lines.filter(change_type=change)
        if request.GET.get("flagged"):
            lines = lines.filter(flagged=True)
        page = Paginator(lines, 100).get_page(request.GET.get("page"))
        streets = {a.path: a for a in Area.objects.filter(path__in=obj.counts.get("streets", []))}
        reviewed = {r.street.path: r for r in obj.reviews.select_related("street", "reviewed_by")}
        mine = set(Area.objects.for_user(user).filter(path__in=list(streets)).values_list("path", flat=True))
        my_streets = [s for p, s in streets.items() if p in mine]
        context.update(
            page=page,
            change_types=ChangeType.choices,
            change=change,
            streets=[(s, reviewed.get(p)) for p, s in sorted(streets.items())],
            my_unreviewed=[s for s in my_streets if s.path not in reviewed],
            # The re-check's result, shown before approval (approval runs the re-check itself).
            open_flags=RollLine.objects.for_user(user)
            .filter(roll=obj, programme_id=obj.programme_id, month=obj.month, flagged=True, excluded=False)
            .count()
            if obj.rechecked_at and not obj.is_locked
            else 0,
            budgets=actions.budget_status(obj),
            can_review=user.has_perm("benefits.review_paymentroll") and obj.status == RollStatus.DRAFT,
            can_approve=user.has_perm("benefits.approve_paymentroll")
            and obj.status == RollStatus.STREET_REVIEWED,
            can_publish=user.has_perm("benefits.publish_paymentroll") and obj.status == RollStatus.APPROVED,
            can_export=user.has_perm("benefits.export_paymentroll") and obj.is_locked,
            can_recheck=(
                user.has_perm("benefits.review_paymentroll") or user.has_perm("benefits.approve_paymentroll")
            )
            and not obj.is_locked,
            can_regenerate=user.has_perm("benefits.add_paymentroll") and obj.status == RollStatus.DRAFT,
            # Adjustments go into a draft roll; an approved roll's lines are corrected from a later one.
            can_adjust=user.has_perm("benefits.change_paymentroll") and obj.status == RollStatus.DRAFT,
            can_correct=user.has_perm("benefits.change_paymentroll") and obj.is_locked,
            month=month_display(obj.month),
        )
        return context


def _roll(request: HttpRequest, pk: int) -> PaymentRoll:
    roll: PaymentRoll = PaymentRoll.objects.get_for_user_or_404(request.user, "view", pk=pk)
    return roll


#: The permissions (any one) each verb on a roll needs. Checked before the roll is looked up, so a user
#: without them gets a 403 whichever roll is named: one in reach, one out of reach or none.
ROLL_VERB_PERMISSIONS = {
    "recheck": ("review", "approve"),
    "review": ("review",),
    "approve": ("approve",),
    "publish": ("publish",),
    "regenerate": ("add",),
    "review-all": ("review",),
    "exclude": ("review",),
}


@login_required
@require_POST
def roll_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = request.user
    needed = ROLL_VERB_PERMISSIONS.get(verb)
    if needed and not any(user.has_perm(permission_name(PaymentRoll, a)) for a in needed):
        raise PermissionDenied
    roll = _roll(request, pk)
    if verb == "recheck":
        _run(request, lambda: actions.payment_roll_recheck(roll=roll, actor=user), _("复核完成"))
    elif verb == "review":
        street = Area.objects.get_for_user_or_404(user, "view", path=request.POST.get("street", ""))
        _run(
            request,
            lambda: actions.payment_roll_review(
                roll=roll, street=street, actor=user, note=request.POST.get("note", "")
            ),
            _("%(street)s已审核") % {"street": street.name},
        )
    elif verb == "approve":
        confirm = request.POST.get("confirm_over_budget") == "1"
        if _run(
            request,
            lambda: actions.payment_roll_approve(roll=roll, actor=user, confirm_over_budget=confirm),
            _("已审批"),
        ):
            roll.refresh_from_db()
            messages.info(request, _("复核资格：%(summary)s") % {"summary": roll.recheck_summary})
    elif verb == "publish":
        _run(request, lambda: actions.payment_roll_publish(roll=roll, actor=user), _("已公示"))
    elif verb == "regenerate":
        _run(
            request,
            lambda: actions.payment_roll_generate(
                programme=roll.programme, area=roll.area, month=roll.month, actor=user
            ),
            _("已重新生成"),
        )
    elif verb == "exclude":
        line_pk = request.POST.get("line", "")
        if not line_pk.isdigit():
            raise Http404
        line = RollLine.objects.get_for_user_or_404(user, "view", pk=line_pk, roll=roll)
        _run(
            request,
            lambda: actions.roll_line_exclude(line=line, reason=request.POST.get("reason", ""), actor=user),
            _("已剔除"),
        )
    else:
        raise Http404
    return HttpResponseRedirect(roll.get_absolute_url())


@login_required
@require_POST
def roll_review_streets(request: HttpRequest, pk: int) -> HttpResponse:
    """批量审核: every street of the roll the user may review, in one action."""
    require_perm(request, "benefits.review_paymentroll")  # first: a 403 names no roll
    roll = _roll(request, pk)
    _review_all(request, roll)
    return HttpResponseRedirect(roll.get_absolute_url())


def _review_all(request: HttpRequest, roll: PaymentRoll) -> None:
    try:
        result = actions.payment_roll_review_streets(
            roll=roll, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return
    # Translators: separator between items of a list ("A、B、C").
    sep = _("、")
    messages.success(
        request,
        _("已审核 %(count)s 个街道：%(streets)s")
        % {"count": len(result.reviewed), "streets": sep.join(s.name for s in result.reviewed)},
    )
    if result.held:
        messages.warning(
            request,
            _("以下街道仍有复核标记的明细，未审核：%(streets)s")
            % {
                "streets": sep.join(
                    _("%(street)s（%(count)s 条）") % {"street": s.name, "count": n} for s, n in result.held
                )
            },
        )


def _download(content: bytes, content_type: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def roll_public_list(request: HttpRequest, pk: int) -> HttpResponse:
    roll = _roll(request, pk)
    street = request.GET.get("street", "")
    try:
        with records_language():  # an official document: Chinese whatever the reader's language
            printed = documents.public_list_print(roll=roll, actor=request.user, street=street)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return HttpResponseRedirect(roll.get_absolute_url())
    if isinstance(printed, DocumentJob):  # a long list: printed in the background, with progress
        return HttpResponseRedirect(reverse("core:documentjob_detail", args=[printed.pk]))
    return pdf_response(printed, documents.public_list_filename(roll))


@login_required
def roll_bank_file(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "benefits.export_paymentroll")
    roll = _roll(request, pk)
    try:
        with records_language():  # the file the bank reads: Chinese whatever the reader's language
            content, content_type, filename = documents.bank_file(
                roll=roll, actor=request.user, fmt="csv" if request.GET.get("fmt") == "csv" else "xlsx"
            )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return HttpResponseRedirect(roll.get_absolute_url())
    return _download(content, content_type, filename)


# -- programmes and rates ------------------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "benefits.view_programme")
    today = timezone.localdate()
    programmes = Programme.objects.for_user(request.user).prefetch_related("rates")
    return render(
        request,
        "benefits/programme_list.html",
        {
            "programmes": programmes,
            "today": today,
            "title": _("补贴项目与发放标准"),
            "can_change": request.user.has_perm("benefits.change_raterule"),
            "breadcrumbs": [(_("补贴项目与发放标准"), "")],
        },
    )


@login_required
def rate_change(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "benefits.change_raterule")
    rule = RateRule.objects.get_for_user_or_404(request.user, "change", pk=pk)
    form = RateChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.rate_change(
                rule=rule,
                amount=form.cleaned_data["amount"],
                valid_from=form.cleaned_data["valid_from"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已调整发放标准"))
            return HttpResponseRedirect(reverse("benefits:programme_list"))
    title = _("调整标准：%(programme)s %(basis)s（现行 %(amount)s 元/月）") % {
        "programme": rule.programme.name,
        "basis": rule.basis_label,
        "amount": rule.amount,
    }
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [
                (_("补贴项目与发放标准"), reverse("benefits:programme_list")),
                (_("调整"), ""),
            ],
        },
    )


# -- qualification checks and suspensions ------------------------------------------------------------------


@login_required
def qualification_due(request: HttpRequest) -> HttpResponse:
    require_perm(request, "benefits.view_qualificationcheck")
    rows = selectors.qualification_due(request.user).order_by("area_path", "name_pinyin", "pk")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    items = [(e, selectors.suggested_channel(e)) for e in page]
    return render(
        request,
        "benefits/qualification_due.html",
        {
            "page": page,
            "items": items,
            "today": timezone.localdate(),
            "title": _("资格认证（到期与逾期）"),
            "can_certify": request.user.has_perm("benefits.add_qualificationcheck"),
            "breadcrumbs": [(pgettext("plural", "资格认证"), "")],
        },
    )


@login_required
def qualification_certify(request: HttpRequest, elder_pk: int) -> HttpResponse:
    require_perm(request, "benefits.add_qualificationcheck")
    elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=elder_pk)
    form = CertifyForm(
        request.POST or None,
        initial={"certified_on": timezone.localdate(), "channel": selectors.suggested_channel(elder)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.qualification_certify(elder=elder, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s 已认证") % {"name": elder.name})
            return HttpResponseRedirect(reverse("benefits:qualification_due"))
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": _("资格认证：%(name)s（%(id_number)s）")
            % {"name": elder.name, "id_number": elder.id_number_masked},
            "breadcrumbs": [
                (pgettext("plural", "资格认证"), reverse("benefits:qualification_due")),
                (elder.name, ""),
            ],
        },
    )


class SuspensionListView(ObjectListView):
    model = Suspension
    filterset = SuspensionFilterSet
    table = SuspensionTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "programme")


@login_required
def suspension_notice(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "benefits.view_suspension")
    suspension = Suspension.objects.get_for_user_or_404(request.user, "view", pk=pk)
    last = suspension.elder.qualification_checks.order_by("-valid_to").first()
    today = timezone.localdate()
    with records_language():  # the notice sent to the elder: an official document, in Chinese
        return render(
            request,
            "benefits/suspension_notice.html",
            {
                "s": suspension,
                "last": last,
                "printed": f"{today.year}年{today.month}月{today.day}日",
                "from_month": month_cn(suspension.from_month),
            },
        )


# -- life events -----------------------------------------------------------------------------------------


class LifeEventBatchListView(ObjectListView):
    model = LifeEventBatch
    filterset = LifeEventBatchFilterSet
    table = LifeEventBatchTable
    template_name = "benefits/lifeeventbatch_list.html"

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["can_add"] = False
        context["can_upload"] = self.request.user.has_perm("benefits.add_lifeeventbatch")
        return context


@login_required
def life_event_upload(request: HttpRequest) -> HttpResponse:
    require_perm(request, "benefits.add_lifeeventbatch")
    form = LifeEventUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = lifeevents.life_event_import(
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                data=upload.read(),
                filename=upload.name,
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return HttpResponseRedirect(batch.get_absolute_url())
    return render(
        request,
        "benefits/upload.html",
        {
            "form": form,
            "title": _("导入死亡/迁出名单"),
            "breadcrumbs": [
                (pgettext("plural", "死亡/迁出名单"), reverse("benefits:lifeeventbatch_list")),
                (_("导入"), ""),
            ],
        },
    )


class LifeEventBatchDetailView(ObjectDetailView):
    model = LifeEventBatch
    template_name = "benefits/lifeeventbatch_detail.html"

    def get_context(self, obj: LifeEventBatch) -> dict[str, Any]:
        context = super().get_context(obj)
        rows = obj.rows.select_related("elder", "elder__area").order_by("row_number")
        status = self.request.GET.get("status", "")
        if status in MatchStatus.values:
            rows = rows.filter(status=status)
        context.update(
            page=Paginator(rows, 100).get_page(self.request.GET.get("page")),
            statuses=MatchStatus.choices,
            status=status,
            can_change=self.request.user.has_perm("benefits.change_lifeeventbatch"),
            recoveries=Recovery.objects.filter(event_row__batch=obj).select_related("elder", "programme"),
        )
        return context


@login_required
@require_POST
def life_event_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    require_perm(request, "benefits.change_lifeeventbatch")  # first: a 403 names no batch
    batch = LifeEventBatch.objects.get_for_user_or_404(request.user, "view", pk=pk)
    if verb == "apply":
        try:
            result = actions.life_event_batch_apply(batch=batch, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("已处理 %(applied)s 人，生成追回 %(recoveries)s 笔")
                % {"applied": result["applied"], "recoveries": result["recoveries"]},
            )
    elif verb in ("confirm", "reject"):
        row = get_object_or_404(LifeEventRow, pk=request.POST.get("row"), batch=batch)
        _run(
            request,
            lambda: actions.life_event_row_decide(row=row, confirm=verb == "confirm", actor=request.user),
            _("已确认") if verb == "confirm" else _("已否决"),
        )
    else:
        raise Http404
    return HttpResponseRedirect(batch.get_absolute_url())


# -- recoveries ------------------------------------------------------------------------------------------


class RecoveryListView(ObjectListView):
    model = Recovery
    filterset = RecoveryFilterSet
    table = RecoveryTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "programme")


class RecoveryDetailView(ObjectDetailView):
    model = Recovery
    template_name = "benefits/recovery_detail.html"

    def get_context(self, obj: Recovery) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            can_change=user.has_perm("benefits.change_recovery") and obj.status == RecoveryStatus.OPEN,
            can_waive=user.has_perm("benefits.waive_recovery")
            and obj.status == RecoveryStatus.WAIVER_REQUESTED,
        )
        return context


@login_required
@require_POST
def recovery_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    recovery = Recovery.objects.get_for_user_or_404(request.user, "view", pk=pk)
    user = request.user
    if verb == "repay":
        try:
            amount = Decimal(request.POST.get("amount", ""))
        except InvalidOperation:
            messages.error(request, _("金额无效"))
        else:
            _run(
                request,
                lambda: actions.recovery_repay(
                    recovery=recovery, amount=amount, actor=user, note=request.POST.get("note", "")
                ),
                _("已登记追回"),
            )
    elif verb == "waiver":
        _run(
            request,
            lambda: actions.recovery_request_waiver(
                recovery=recovery, reason=request.POST.get("reason", ""), actor=user
            ),
            _("已提交核销申请"),
        )
    elif verb in ("waive", "refuse"):
        _run(
            request,
            lambda: actions.recovery_decide_waiver(recovery=recovery, approve=verb == "waive", actor=user),
            _("已核销") if verb == "waive" else _("已退回"),
        )
    else:
        raise Http404
    return HttpResponseRedirect(recovery.get_absolute_url())


# -- budgets and bank accounts ------------------------------------------------------------------------------


class BudgetListView(ObjectListView):
    model = Budget
    filterset = BudgetFilterSet
    table = BudgetTable

    def add_url(self) -> str:
        return reverse("benefits:budget_add")

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("programme", "area")


class BudgetEditView(ObjectEditView):
    model = Budget
    form = BudgetForm

    def list_url(self) -> str:
        return reverse("benefits:budget_list")


class ElderBankAccountListView(ObjectListView):
    model = ElderBankAccount
    filterset = ElderBankAccountFilterSet
    table = ElderBankAccountTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["can_add"] = False
        return context


@login_required
@link_permission("benefits.change_elderbankaccount")
def bank_account_edit(request: HttpRequest, elder_pk: int) -> HttpResponse:
    elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=elder_pk)
    account = ElderBankAccount.objects.filter(elder=elder).first()
    require_perm(request, "benefits.change_elderbankaccount" if account else "benefits.add_elderbankaccount")
    initial = {
        "holder_name": elder.name,
        **({"bank_name": account.bank_name, "holder_name": account.holder_name} if account else {}),
    }
    form = BankAccountForm(request.POST or None, initial=initial, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            actions.bank_account_save(elder=elder, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存代发账户"))
            return HttpResponseRedirect(reverse("benefits:elderbankaccount_list"))
    title = (
        _("代发账户：%(name)s（现账号 %(account)s）")
        % {"name": elder.name, "account": account.account_masked}
        if account
        else _("代发账户：%(name)s") % {"name": elder.name}
    )
    return render(
        request,
        "generic/object_edit.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [
                (pgettext("plural", "代发账户"), reverse("benefits:elderbankaccount_list")),
                (elder.name, ""),
            ],
        },
    )
