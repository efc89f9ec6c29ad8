"""Pages of the homes: institutions, staff, liability insurance, beds, and the expiry alerts."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.exporting import date, integer, money, number, text
from yiyang.core.scoping import memberships
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.institutions import selectors
from yiyang.institutions.actions import facility as actions
from yiyang.institutions.filtersets import BedFilterSet, InstitutionFilterSet, InsurancePolicyFilterSet
from yiyang.institutions.forms import BedForm, InstitutionForm, InstitutionMemberForm, InsurancePolicyForm
from yiyang.institutions.models import Bed, Institution, InsurancePolicy
from yiyang.institutions.tables import BedTable, InstitutionTable, InsurancePolicyTable


class InstitutionListView(ObjectListView):
    model = Institution
    filterset = InstitutionFilterSet
    table = InstitutionTable
    template_name = "institutions/institution_list.html"
    export_columns = [
        text("机构名称", "name"), text("性质", lambda i: i.get_kind_display()), text("所在街道/社区", "area__name"),
        text("地址", "address"), text("运营方", "operator"), text("负责人", "legal_person"),
        text("联系电话", "phone"), text("设立方式", lambda i: i.get_licence_kind_display()),
        text("备案/许可编号", "licence_no"), date("备案/许可日期", "licence_from"), date("许可有效期至", "licence_to"),
        text("医养结合", lambda i: i.get_medical_display()), integer("设计床位", "design_beds"),
        money("月收费下限（元）", "fee_min"), money("月收费上限（元）", "fee_max"), integer("星级", "star_level"),
        number("纬度", "latitude"), number("经度", "longitude"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area")


class InstitutionDetailView(ObjectDetailView):
    model = Institution
    template_name = "institutions/institution_detail.html"

    def get_context(self, obj: Institution) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        today = timezone.localdate()
        counts = selectors.bed_counts(Institution.objects.filter(pk=obj.pk)).get(obj.pk, {"total": 0})
        can_manage = Institution.objects.for_user(user, "change").filter(pk=obj.pk).exists()
        context.update(
            today=today,
            beds=counts,
            floors=selectors.occupancy_by_floor(obj, today),
            policies=InsurancePolicy.objects.for_user(user).filter(institution=obj),
            policy_now=selectors.policy_in_force(obj, today),
            alert_horizon=today + datetime.timedelta(days=selectors.ALERT_DAYS),
            members=memberships(obj).order_by("user__username"),
            member_form=getattr(self, "member_form", None) or InstitutionMemberForm(institution=obj),
            can_change=user.has_perm("institutions.change_institution") and can_manage,
            can_manage_members=can_manage,
            can_add_policy=user.has_perm("institutions.add_insurancepolicy"),
            can_add_bed=user.has_perm("institutions.add_bed"),
            extra_panels=[panel(self.request, obj) for panel in DETAIL_PANELS],
        )
        return context


#: Sections other sub-domains add to a home's page (residents, safety, supervision): each returns
#: ``(title, template, context)`` or None.
DETAIL_PANELS: list[Any] = []


class InstitutionMemberView(InstitutionDetailView):
    """机构工作人员: add a 养老机构人员 account to the home (POST), or remove one (…/remove/)."""

    action = "change"

    def post(self, request: HttpRequest, pk: int, member: int | None = None) -> HttpResponse:
        self.check_permission()
        institution = self.get_object()
        back = reverse("institutions:institution_detail", args=[institution.pk]) + "#members"
        if member is not None:
            membership = memberships(institution).filter(pk=member).first()
            if membership is None:
                raise Http404
            actions.institution_membership_remove(
                institution=institution, membership=membership, actor=request.user
            )
            messages.success(request, _("已移除：%(user)s") % {"user": membership.user})
            return HttpResponseRedirect(back)
        form = InstitutionMemberForm(request.POST, institution=institution)
        if form.is_valid():
            actions.institution_membership_add(
                institution=institution, user=form.cleaned_data["user"], actor=request.user
            )
            messages.success(request, _("已添加工作人员：%(user)s") % {"user": form.cleaned_data["user"]})
            return HttpResponseRedirect(back)
        self.member_form = form
        self.action = "view"
        return render(request, self.template_name, self.get_context(institution), status=400)


class InstitutionEditView(ObjectEditView):
    model = Institution
    form = InstitutionForm


class InsurancePolicyListView(ObjectListView):
    model = InsurancePolicy
    filterset = InsurancePolicyFilterSet
    table = InsurancePolicyTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")


class InsurancePolicyEditView(ObjectEditView):
    model = InsurancePolicy
    form = InsurancePolicyForm

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form = super().get_form(data, files)
        if self.creating and data is None and self.request.GET.get("institution"):
            form.initial["institution"] = self.request.GET["institution"]
        return form


class BedListView(ObjectListView):
    model = Bed
    filterset = BedFilterSet
    table = BedTable
    template_name = "institutions/bed_list.html"
    export_columns = [
        text("机构名称", "institution__name"), text("楼栋", "room__floor__building__name"),
        integer("楼层", "room__floor__level"), text("房间", "room__number"), text("床号", "number"), text("床位类型", lambda b: b.get_kind_display()),
        text("状态", lambda b: b.get_status_display()), date("投用日期", "added_on"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution", "room__floor__building")


class BedEditView(ObjectEditView):
    model = Bed
    form = BedForm

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form = super().get_form(data, files)
        if self.creating and data is None and self.request.GET.get("institution"):
            form.initial["institution"] = self.request.GET["institution"]
        return form


class AlertsView(LoginRequiredMixin, View):
    """到期提醒: licences and liability policies that end soon, and homes without a policy in force."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "institutions.view_institution")
        try:
            days = max(0, min(int(request.GET.get("days") or selectors.ALERT_DAYS), 3650))
        except ValueError:
            days = selectors.ALERT_DAYS
        today = timezone.localdate()
        return render(
            request,
            "institutions/alerts.html",
            {
                "title": _("证照与保险到期提醒"),
                "breadcrumbs": [(_("证照与保险到期提醒"), "")],
                "alerts": selectors.expiring(request.user, today, days),
                "days": days,
                "today": today,
            },
        )
