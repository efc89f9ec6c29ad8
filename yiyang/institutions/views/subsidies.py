"""Pages of subsidies to homes: the rules, the monthly rolls (compute, review, approve) and the bank file."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import Sheet, download, money, month, text, xlsx_bytes
from yiyang.core.forms import ScopedModelForm
from yiyang.core.models import AccessLog
from yiyang.core.scoping import is_in_scope
from yiyang.core.tables import permitted
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.institutions.actions import subsidies as actions
from yiyang.institutions.choices import ClaimStatus, SubsidyKind
from yiyang.institutions.models import SubsidyLine, SubsidyRoll, SubsidyRule
from yiyang.institutions.tables import ATTRS


class SubsidyRuleForm(ScopedModelForm):
    class Meta:
        model = SubsidyRule
        fields = ["name", "kind", "care_level", "bed_kind", "amount", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("失效日期不能早于生效日期"))
        if data.get("amount") is not None and data["amount"] < 0:
            self.add_error("amount", _("标准不能为负数"))
        return data


class SubsidyRuleFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("补贴类型"), choices=SubsidyKind.choices)

    class Meta:
        model = SubsidyRule
        fields = ["kind"]


class SubsidyRuleTable(tables.Table):
    name = tables.Column(gettext_lazy("名称"), linkify=permitted(lambda record: record.get_edit_url()))
    kind = tables.Column(gettext_lazy("补贴类型"))
    care_level = tables.Column(gettext_lazy("护理等级"))
    bed_kind = tables.Column(gettext_lazy("床位类型"))
    amount = tables.Column(gettext_lazy("标准（元）"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("失效日期"))

    class Meta:
        model = SubsidyRule
        fields = ()
        sequence = ("name", "kind", "care_level", "bed_kind", "amount", "valid_from", "valid_to")
        attrs = ATTRS
        empty_text = gettext_lazy("没有机构补贴标准")


class SubsidyRuleListView(ObjectListView):
    model = SubsidyRule
    filterset = SubsidyRuleFilterSet
    table = SubsidyRuleTable


class SubsidyRuleEditView(ObjectEditView):
    model = SubsidyRule
    form = SubsidyRuleForm


class SubsidyRollFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=ClaimStatus.choices)

    class Meta:
        model = SubsidyRoll
        fields = ["status"]


class SubsidyRollTable(tables.Table):
    month = tables.DateColumn(format="Y-m", verbose_name=gettext_lazy("月份"), linkify=True)
    area_name = tables.Column(gettext_lazy("区域"))
    status = tables.Column(gettext_lazy("状态"))
    total = tables.Column(gettext_lazy("合计（元）"))

    class Meta:
        model = SubsidyRoll
        fields = ()
        sequence = ("month", "area_name", "status", "total")
        attrs = ATTRS
        empty_text = gettext_lazy("没有机构补贴发放表")


class ComputeForm(forms.Form):
    area = forms.ModelChoiceField(label=gettext_lazy("区域"), queryset=Area.objects.none())
    month = forms.DateField(label=gettext_lazy("月份"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["area"]
        field.queryset = Area.objects.for_user(user).filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET])
        last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        self.fields["month"].initial = f"{last:%Y-%m}"


class SubsidyRollListView(ObjectListView):
    model = SubsidyRoll
    filterset = SubsidyRollFilterSet
    table = SubsidyRollTable
    template_name = "institutions/subsidyroll_list.html"

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context["compute_form"] = ComputeForm(user=self.request.user)
        context["can_add"] = False
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.add_subsidyroll")
        form = ComputeForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, error_text(ValidationError(form.errors)))
            return HttpResponseRedirect(reverse("institutions:subsidyroll_list"))
        try:
            roll = actions.subsidy_roll_compute(area=form.cleaned_data["area"], month=form.cleaned_data["month"],
                                                actor=request.user)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(reverse("institutions:subsidyroll_list"))
        messages.success(
            request, _("已计算：%(roll)s，合计 %(total)s 元") % {"roll": roll, "total": roll.total}
        )
        return HttpResponseRedirect(roll.get_absolute_url())


class SubsidyRollDetailView(ObjectDetailView):
    model = SubsidyRoll
    template_name = "institutions/subsidyroll_detail.html"

    def get_context(self, obj: SubsidyRoll) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            lines=SubsidyLine.objects.filter(roll=obj).select_related("institution"),
            payments=actions.payment_rows(obj),
            can_compute=obj.status == ClaimStatus.DRAFT and user.has_perm("institutions.add_subsidyroll"),
            can_review=obj.status == ClaimStatus.DRAFT
            and user.has_perm("institutions.review_subsidyroll")
            and is_in_scope(user, obj, "review"),
            can_approve=obj.status == ClaimStatus.REVIEWED
            and user.has_perm("institutions.approve_subsidyroll")
            and is_in_scope(user, obj, "approve"),
            can_export=obj.status == ClaimStatus.APPROVED
            and user.has_perm("institutions.export_subsidyroll"),
        )
        return context


class SubsidyRollActionView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, op: str) -> HttpResponse:
        roll = SubsidyRoll.objects.get_for_user_or_404(request.user, "view", pk=pk)
        try:
            if op == "recompute":
                require_perm(request, "institutions.add_subsidyroll")
                area = Area.objects.get(path=roll.area_path)
                actions.subsidy_roll_compute(area=area, month=roll.month, actor=request.user)
            elif op == "review":
                require_perm(request, "institutions.review_subsidyroll")
                actions.subsidy_roll_review(roll=roll, actor=request.user)
            elif op == "approve":
                require_perm(request, "institutions.approve_subsidyroll")
                actions.subsidy_roll_approve(roll=roll, actor=request.user)
            elif op == "return":
                require_perm(request, "institutions.approve_subsidyroll")
                actions.subsidy_roll_return(roll=roll, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已处理：%(roll)s") % {"roll": roll})
        return HttpResponseRedirect(roll.get_absolute_url())


PAYMENT_COLUMNS = [
    text("机构名称", "name"), text("运营方", "operator"), text("开户银行", "bank"), text("银行账号", "account"),
    month("补贴月份", "month"), money("金额（元）", "amount"),
]  # fmt: skip


class SubsidyPaymentView(LoginRequiredMixin, View):
    """支付文件: one row per home of an approved roll, money as numbers."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "institutions.export_subsidyroll")
        roll = SubsidyRoll.objects.get_for_user_or_404(request.user, "export", pk=pk)
        if roll.status != ClaimStatus.APPROVED:
            messages.error(request, _("批准后才能导出支付文件"))
            return HttpResponseRedirect(roll.get_absolute_url())
        rows = actions.payment_rows(roll)
        content, count = xlsx_bytes([Sheet(f"机构补贴{roll.month:%Y-%m}", PAYMENT_COLUMNS, rows)])
        audit.record_access(
            actor=request.user, kind=AccessLog.Kind.EXPORT, object_type="institutions.subsidyroll",
            object_id=str(roll.pk), area_path=roll.area_path, row_count=count, reason="机构补贴支付文件",
        )  # fmt: skip
        return download(content, f"机构补贴-{roll.area_name}-{roll.month:%Y-%m}.xlsx")


class SubsidyLineFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("补贴类型"), choices=SubsidyKind.choices)

    class Meta:
        model = SubsidyLine
        fields = ["kind"]


class SubsidyLineTable(tables.Table):
    month = tables.DateColumn(format="Y-m", verbose_name=gettext_lazy("月份"), accessor="roll__month")
    institution = tables.Column(gettext_lazy("养老机构"), accessor="institution__name")
    kind = tables.Column(gettext_lazy("补贴类型"))
    category = tables.Column(gettext_lazy("护理等级/床位类型"))
    quantity = tables.Column(gettext_lazy("床日数/新增床位数"))
    rate = tables.Column(gettext_lazy("标准（元）"))
    amount = tables.Column(gettext_lazy("金额（元）"))
    status = tables.Column(gettext_lazy("状态"), accessor="roll__status")

    class Meta:
        model = SubsidyLine
        fields = ()
        sequence = ("month", "institution", "kind", "category", "quantity", "rate", "amount", "status")
        attrs = ATTRS
        empty_text = gettext_lazy("没有机构补贴明细")


class SubsidyLineListView(ObjectListView):
    """补贴明细: a home's staff see their own lines, the supervisors those of their areas."""

    model = SubsidyLine
    filterset = SubsidyLineFilterSet
    table = SubsidyLineTable

    def get_queryset(self, action: str | None = None) -> Any:
        return (
            super()
            .get_queryset(action)
            .select_related("institution", "roll")
            .order_by("-roll__month", "institution")
        )
