"""Pages of visits: rules, tasks, records, generating a month, an elder's tier and why."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.core.errors import error_text
from yiyang.core.exporting import date, datetime_, text
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.people.models import Elder
from yiyang.visits import actions
from yiyang.visits.filtersets import VisitRecordFilterSet, VisitRuleFilterSet, VisitTaskFilterSet
from yiyang.visits.forms import GenerateForm, VisitRuleForm
from yiyang.visits.generation import rules_for_month
from yiyang.visits.models import VisitRecord, VisitRule, VisitTask
from yiyang.visits.tables import VisitRecordTable, VisitRuleTable, VisitTaskTable
from yiyang.visits.tiers import Facts, Tier, tier_for


def facts_for(elder: Elder, day: datetime.date) -> Facts:
    return Facts(
        age=elder.age_on(day),
        living_situation=elder.living_situation,
        categories=elder.category_list(),
        capability_level=elder.capability_level,
    )


def tier_of(elder: Elder, day: datetime.date | None = None) -> Tier:
    day = day or timezone.localdate()
    return tier_for(facts_for(elder, day), rules_for_month(day.year, day.month))


# -- rules -----------------------------------------------------------------------------------------------


class VisitRuleListView(ObjectListView):
    model = VisitRule
    filterset = VisitRuleFilterSet
    table = VisitRuleTable


class VisitRuleEditView(ObjectEditView):
    model = VisitRule
    form = VisitRuleForm


# -- tasks -----------------------------------------------------------------------------------------------

TASK_COLUMNS = [
    text("老人", "elder__name"), text("社区/网格", "elder__area__name"), text("走访原因", "reason"),
    text("类型", lambda t: t.get_kind_display()), text("周期", "period_key"), date("开始日期", "window_start"),
    date("截止日期", "due_date"), text("走访人", lambda t: t.assignee.get_full_name() or t.assignee.username
                                    if t.assignee else ""),
    text("状态", lambda t: t.get_status_display()), datetime_("完成时间", "completed_at"),
    datetime_("上报街道时间", "escalated_at"),
]  # fmt: skip


class VisitTaskListView(ObjectListView):
    model = VisitTask
    filterset = VisitTaskFilterSet
    table = VisitTaskTable
    export_columns = TASK_COLUMNS

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder__area", "assignee")


class VisitTaskDetailView(ObjectDetailView):
    model = VisitTask
    template_name = "visits/task_detail.html"

    def get_context(self, obj: VisitTask) -> dict[str, Any]:
        context = super().get_context(obj)
        context.update(
            tier=tier_of(obj.elder, obj.window_start),
            records=VisitRecord.objects.filter(task=obj).select_related("worker"),
            may_perform=actions.may_perform(self.request.user, obj) and obj.status == "open",
        )
        return context


# -- records ---------------------------------------------------------------------------------------------

RECORD_COLUMNS = [
    datetime_("签到时间", "checked_in_at"), text("老人", "elder__name"), text("见到", lambda r: r.get_seen_display()),
    text("健康状况", lambda r: r.get_health_display()), text("居住环境", lambda r: r.get_living_display()),
    text("精神状态", lambda r: r.get_mood_display()), text("安全隐患", "hazards"),
    text("发现需求", lambda r: r.get_need_display()), text("需求说明", "need_detail"),
    text("签字", lambda r: r.get_signed_by_display()), text("签字人", "signer_name"), text("走访人", "worker__username"),
]  # fmt: skip


class VisitRecordListView(ObjectListView):
    model = VisitRecord
    filterset = VisitRecordFilterSet
    table = VisitRecordTable
    export_columns = RECORD_COLUMNS

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "worker")


# -- generating a month ----------------------------------------------------------------------------------


class GenerateView(LoginRequiredMixin, View):
    template_name = "visits/generate.html"

    def render(self, form: GenerateForm) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"title": _("生成走访任务"), "breadcrumbs": [(_("生成走访任务"), "")], "form": form},
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "visits.generate_visitrule")
        today = timezone.localdate()
        return self.render(GenerateForm(user=request.user, initial={"month": f"{today:%Y-%m}"}))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "visits.generate_visitrule")
        form = GenerateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                result = actions.tasks_generate(
                    area=form.cleaned_data["area"], month=form.cleaned_data["month"], actor=request.user
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "已生成走访任务 %(total)s 条（定期 %(routine)s，事件 %(event)s）；已有的任务不会重复生成。"
                    )
                    % {"total": result.total, "routine": result.routine, "event": result.event},
                )
                return HttpResponseRedirect(
                    reverse("visits:visittask_list") + f"?area={form.cleaned_data['area'].path}"
                )
        return self.render(form)


# -- an elder's tier -------------------------------------------------------------------------------------


class ElderTierView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_visittask")
        elder = Elder.objects.get_for_user_or_404(request.user, pk=pk)
        tasks = VisitTask.objects.for_user(request.user).filter(elder=elder).order_by("-due_date")[:24]
        return render(
            request,
            "visits/elder_tier.html",
            {
                "title": _("%(name)s 走访等级") % {"name": elder.name},
                "breadcrumbs": [
                    (_("老年人信息台账"), reverse("people:elder_list")),
                    (elder.name, reverse("people:elder_detail", args=[elder.pk])),
                    (_("走访等级"), ""),
                ],
                "elder": elder,
                "tier": tier_of(elder),
                "tasks": tasks,
                "records": VisitRecord.objects.for_user(request.user).filter(elder=elder)[:24],
            },
        )
