"""Rights referrals (维权转介): made from the case page, tracked to an outcome, listed on their own."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.complaints.actions import referral_create, referral_update
from yiyang.complaints.choices import ReferralKind, ReferralStatus
from yiyang.complaints.forms import ReferralForm, ReferralUpdateForm
from yiyang.complaints.models import Case, Referral
from yiyang.core.errors import error_text
from yiyang.core.exporting import datetime_, text
from yiyang.core.views import ObjectListView, require_perm


class ReferralFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("转介类型"), choices=ReferralKind.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=ReferralStatus.choices)

    class Meta:
        model = Referral
        fields: list[str] = []


class ReferralTable(tables.Table):
    referred_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=gettext_lazy("转介时间"))
    case = tables.Column(gettext_lazy("投诉信访件"), accessor="case__number")
    kind = tables.Column(gettext_lazy("转介类型"))
    to_name = tables.Column(gettext_lazy("承接机构或律师"))
    status = tables.Column(gettext_lazy("状态"))
    outcome = tables.Column(gettext_lazy("结果"), orderable=False)

    class Meta:
        model = Referral
        fields = ()
        sequence = ("referred_at", "case", "kind", "to_name", "status", "outcome")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = gettext_lazy("没有维权转介")

    def render_case(self, value: str, record: Referral) -> Any:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class ReferralListView(ObjectListView):
    model = Referral
    filterset = ReferralFilterSet
    table = ReferralTable
    export_columns = [
        datetime_("转介时间", "referred_at"), text("投诉信访件", "case__number"),
        text("转介类型", lambda r: r.get_kind_display()), text("承接机构或律师", "to_name"),
        text("状态", lambda r: r.get_status_display()), text("结果", "outcome"), datetime_("结案时间", "concluded_at"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("case")

    def add_url(self) -> str:
        return ""


class ReferralCreateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "complaints.add_referral")
        case = Case.objects.get_for_user_or_404(request.user, "view", pk=pk)
        form = ReferralForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请填写转介类型和承接机构或律师"))
            referral_create(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已转介"))
        return HttpResponseRedirect(reverse("complaints:case_detail", args=[case.pk]) + "#referrals")


class ReferralUpdateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "complaints.change_referral")
        referral = Referral.objects.get_for_user_or_404(request.user, "change", pk=pk)
        form = ReferralUpdateForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请选择转介进展"))
            referral_update(referral=referral, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已记录转介进展"))
        return HttpResponseRedirect(referral.get_absolute_url())
