"""Pages of the volunteer registry: volunteers, teams and their leaders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yiyang.core.exporting import date, integer, number, text
from yiyang.core.scoping import memberships
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from yiyang.people.exports import CLEAR_EXPORT
from yiyang.volunteers import actions
from yiyang.volunteers.actions import pairs
from yiyang.volunteers.filtersets import VolunteerFilterSet, VolunteerTeamFilterSet
from yiyang.volunteers.forms import TeamMemberForm, VolunteerForm, VolunteerTeamForm
from yiyang.volunteers.models import ServiceRecord, TimeAccount, Volunteer, VolunteerTeam
from yiyang.volunteers.tables import VolunteerTable, VolunteerTeamTable

VOLUNTEER_EXPORT_COLUMNS = [
    text("姓名", "name"), text("身份证号", "id_number_masked", clear="id_number"),
    text("性别", lambda v: v.get_sex_display()), date("出生日期", "birth_date"), integer("年龄", "age"),
    text("联系电话", "phone_masked", clear="phone"), text("类别", lambda v: v.get_kind_display()),
    text("技能", lambda v: "、".join(v.skill_labels())), text("可服务日及时段", lambda v: v.availability_text()),
    text("社区", "area__name"), text("居住地址", "address"), text("志愿服务队", "team__name"),
    text("原职业", "former_profession"), text("人才库意愿", lambda v: v.get_willingness_display()),
    text("状态", lambda v: v.get_status_display()), date("登记日期", "joined_on"),
    number("纬度", "latitude"), number("经度", "longitude"),
]  # fmt: skip


class VolunteerListView(ObjectListView):
    model = Volunteer
    filterset = VolunteerFilterSet
    table = VolunteerTable
    export_columns = VOLUNTEER_EXPORT_COLUMNS
    clear_export_permission = CLEAR_EXPORT

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area", "team")


class VolunteerDetailView(ObjectDetailView):
    model = Volunteer
    template_name = "volunteers/volunteer_detail.html"
    log_views = True

    def get_context(self, obj: Volunteer) -> dict[str, Any]:
        context = super().get_context(obj)
        context["can_change"] = (
            Volunteer.objects.for_user(self.request.user, "change").filter(pk=obj.pk).exists()
        )
        context.update(self.extra_context(obj))
        return context

    def extra_context(self, obj: Volunteer) -> dict[str, Any]:
        """The volunteer's own timeline: services given, and the time account."""
        user = self.request.user
        account = TimeAccount.objects.for_user(user).filter(volunteer=obj).first()
        return {
            "account": account,
            "services": ServiceRecord.objects.for_user(user)
            .filter(volunteer=obj)
            .select_related("elder")[:20],
            "may_check_in": user.has_perm("volunteers.add_servicerecord"),
        }


class VolunteerEditView(ObjectEditView):
    model = Volunteer
    form = VolunteerForm

    def save_object(self, form: Any) -> Any:
        """A volunteer marked 已退出 ends their mutual-aid pairs in the same transaction."""
        with transaction.atomic():
            volunteer = super().save_object(form)
            pairs.pairs_end_for_volunteer(volunteer=volunteer, actor=self.request.user)
        return volunteer


class VolunteerTeamListView(ObjectListView):
    model = VolunteerTeam
    filterset = VolunteerTeamFilterSet
    table = VolunteerTeamTable
    export_columns = [
        text("队名", "name"), text("类别", lambda t: t.get_kind_display()), text("社区", "area__name"),
        text("依托单位", "organisation"), text("负责人", "leader_name"), text("负责人电话", "leader_phone"),
        date("成立日期", "founded_on"), integer("志愿者人数", "member_count"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area").annotate(member_count=Count("volunteers"))


class VolunteerTeamDetailView(ObjectDetailView):
    model = VolunteerTeam
    template_name = "volunteers/team_detail.html"

    def get_context(self, obj: VolunteerTeam) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        may_change = VolunteerTeam.objects.for_user(user, "change").filter(pk=obj.pk).exists()
        context.update(
            volunteers=Volunteer.objects.for_user(user).filter(team=obj).order_by("name")[:200],
            volunteer_count=Volunteer.objects.for_user(user).filter(team=obj).count(),
            leaders=memberships(obj).order_by("user__username"),
            member_form=getattr(self, "member_form", None) or TeamMemberForm(team=obj),
            can_change=may_change,
        )
        return context


class VolunteerTeamLeaderView(VolunteerTeamDetailView):
    """负责人: make a 志愿服务队负责人 account a leader of the team (POST), or remove one (…/remove/)."""

    action = "change"

    def post(self, request: HttpRequest, pk: int, member: int | None = None) -> HttpResponse:
        self.check_permission()
        team = self.get_object()
        back = reverse("volunteers:volunteerteam_detail", args=[team.pk]) + "#leaders"
        if member is not None:
            membership = memberships(team).filter(pk=member).first()
            if membership is None:
                raise Http404
            actions.team_leader_remove(team=team, membership=membership, actor=request.user)
            messages.success(request, _("已移除：%(user)s") % {"user": membership.user})
            return HttpResponseRedirect(back)
        form = TeamMemberForm(request.POST, team=team)
        if form.is_valid():
            actions.team_leader_add(team=team, user=form.cleaned_data["user"], actor=request.user)
            messages.success(request, _("已添加负责人：%(user)s") % {"user": form.cleaned_data["user"]})
            return HttpResponseRedirect(back)
        self.member_form = form
        self.action = "view"
        return render(request, self.template_name, self.get_context(team))


class VolunteerTeamEditView(ObjectEditView):
    model = VolunteerTeam
    form = VolunteerTeamForm
