"""Pages of 银龄安康: the year's list (generated, imported, exported), coverage by area against the
county's target, claims and the insurer's decisions, and the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.areas.models import Area
from yiyang.cards import actions, coverage, rules
from yiyang.cards.choices import ClaimStatus
from yiyang.cards.exports import CLAIM_COLUMNS, ENROLMENT_COLUMNS
from yiyang.cards.filtersets import ClaimFilterSet, EnrolmentFilterSet, InsuranceRuleFilterSet
from yiyang.cards.forms import ClaimForm, DecideForm, GenerateForm, InsuranceRuleForm
from yiyang.cards.models import Claim, Enrolment, InsuranceRule
from yiyang.cards.tables import ClaimTable, EnrolmentTable, InsuranceRuleTable
from yiyang.core.scoping import user_area_paths
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin, _add_errors


class EnrolmentListView(ObjectListView):
    model = Enrolment
    filterset = EnrolmentFilterSet
    table = EnrolmentTable
    export_columns = ENROLMENT_COLUMNS
    clear_export_permission = "people.export_clear_elder"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "elder__area")

    def add_url(self) -> str:
        return ""


class GenerateView(ScopedViewMixin, View):
    """生成政府代缴名单: everyone of an area whom this year's rule insures at public cost."""

    model = Enrolment
    action = "add"

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(request, GenerateForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        form = GenerateForm(request.POST, user=request.user)
        if form.is_valid():
            year, area = form.cleaned_data["year"], form.cleaned_data["area"]
            try:
                added = actions.enrolment_generate(year=year, area=area, actor=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("%(area)s %(year)s 年政府代缴名单新增 %(count)s 人") % {
                    "area": area.name, "year": year, "count": added})  # fmt: skip
                return HttpResponseRedirect(
                    reverse("cards:enrolment_list") + f"?year={year}&area={area.path}"
                )
        return self.render(request, form, status=400)

    def render(self, request: HttpRequest, form: BaseForm, status: int = 200) -> HttpResponse:
        title = _("生成政府代缴名单")
        return render(
            request,
            "cards/generate.html",
            {"title": title, "breadcrumbs": [(_("银龄安康参保名单"), reverse("cards:enrolment_list")), (title, "")],
             "form": form, "rule": rules.insurance_rule_for(timezone.localdate().year)},
            status=status,
        )  # fmt: skip


class CoverageView(ScopedViewMixin, View):
    """参保率: the elder population, the insured (government-paid and voluntary) and the rate of each
    child area against the county's target; every figure links to its elders."""

    model = Enrolment

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        user = request.user
        today = timezone.localdate()
        year_text = request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
        area_text = request.GET.get("area", "")
        mine = Area.objects.for_user(user)
        area = mine.filter(path=area_text).first() if area_text.isdigit() else None
        if area is None:
            paths = sorted(user_area_paths(user), key=len)
            area = mine.filter(path=paths[0]).first() if paths else None
        rule = rules.insurance_rule_for(year)
        target: Decimal | None = rule.target if rule else None
        rows: list[dict[str, Any]] = []
        if area is not None:
            children = list(Area.objects.filter(parent=area).order_by("path").values_list("path", "name"))
            names = {area.path: area.name, **dict(children)}
            base = reverse("cards:enrolment_list") + f"?year={year}&living=true&area="
            for row in coverage.coverage(user, year, area.path, [p for p, _n in children]):
                rows.append({
                    "row": row, "name": names.get(row.path, row.path), "gap": row.gap(target),
                    "meets": None if row.rate is None or target is None else row.rate * 100 >= float(target),
                    "link": base + row.path, "drill": f"?year={year}&area={row.path}" if row.path != area.path else "",
                })  # fmt: skip
        title = _("银龄安康参保率")
        return render(request, "cards/coverage.html", {
            "title": title, "breadcrumbs": [(title, "")], "year": year, "area": area, "rows": rows,
            "total": rows[0] if rows else None, "children": rows[1:], "target": target, "rule": rule,
        })  # fmt: skip


class InsuranceRuleListView(ObjectListView):
    model = InsuranceRule
    filterset = InsuranceRuleFilterSet
    table = InsuranceRuleTable


class InsuranceRuleEditView(ObjectEditView):
    model = InsuranceRule
    form = InsuranceRuleForm


class ClaimListView(ObjectListView):
    model = Claim
    filterset = ClaimFilterSet
    table = ClaimTable
    export_columns = CLAIM_COLUMNS
    clear_export_permission = "people.export_clear_elder"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "enrolment")

    def add_url(self) -> str:
        return ""


class ClaimEditView(ObjectEditView):
    """报案 (from the elder's page, ``?elder=``) and its correction while not yet decided."""

    model = Claim
    form = ClaimForm

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        instance = None if self.creating else self.get_object()
        raw = self.request.GET.get("elder") or self.request.POST.get("elder") or ""
        return ClaimForm(data, files, instance=instance, user=self.request.user,
                         elder_id=int(raw) if raw.isdigit() else None)  # fmt: skip

    def list_url(self) -> str:
        return reverse("cards:claim_list")


class ClaimDecideView(ScopedViewMixin, View):
    model = Claim
    action = "change"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        return self.render(request, self.get_object(), DecideForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        claim = self.get_object()
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                actions.claim_decide(claim=claim, status=form.cleaned_data["status"], paid=form.cleaned_data["paid"],
                                     actor=request.user)  # fmt: skip
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已结案：%(number)s") % {"number": claim.number})
                return HttpResponseRedirect(reverse("cards:claim_list"))
        return self.render(request, claim, form, status=400)

    def render(self, request: HttpRequest, claim: Claim, form: DecideForm, status: int = 200) -> HttpResponse:
        title = _("理赔结案")
        return render(request, "cards/decide.html", {
            "title": title, "breadcrumbs": [(_("银龄安康理赔"), reverse("cards:claim_list")), (title, "")],
            "claim": claim, "form": form, "closed": claim.status != ClaimStatus.REPORTED,
        }, status=status)  # fmt: skip
