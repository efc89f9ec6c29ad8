"""Pages of neighbour mutual-aid pairs (邻里互助结对): the list (and the community's overdue calls),
pairing, the pair's page with its calls, ending a pair. A call is checked in on the service pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from yiyang.core.errors import error_text
from yiyang.core.exporting import date, integer, text
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from yiyang.volunteers.actions import pairs as actions
from yiyang.volunteers.choices import PairStatus
from yiyang.volunteers.filtersets import MutualAidPairFilterSet
from yiyang.volunteers.forms_pairs import MutualAidPairForm, PairEndForm
from yiyang.volunteers.models import MutualAidPair, ServiceRecord
from yiyang.volunteers.tables import MutualAidPairTable


class MutualAidPairListView(ObjectListView):
    model = MutualAidPair
    filterset = MutualAidPairFilterSet
    table = MutualAidPairTable
    export_columns = [
        text("志愿者", "volunteer__name"), text("结对老人", "elder__name"), text("社区", "elder__area__name"),
        text("约定服务", lambda p: p.get_skill_display()), integer("约定频次（天）", "every_days"),
        integer("两家距离（米）", "distance_m"), date("结对日期", "started_on"), date("最近一次关怀", "last_visit_on"),
        date("下次关怀应在", "next_due_on"), integer("逾期天数", lambda p: p.days_overdue()),
        text("状态", lambda p: p.get_status_display()), date("解除日期", "ended_on"),
        text("解除原因", lambda p: p.get_end_reason_display()), text("约定内容", "note"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("volunteer", "elder", "elder__area")


class MutualAidPairEditView(ObjectEditView):
    model = MutualAidPair
    form = MutualAidPairForm
    template_name = "volunteers/pair_form.html"

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        if not self.creating:
            return super().get_form(data, files)
        # ``?volunteer=`` (the volunteer chosen, or a link from the volunteer's page) proposes nearby elders.
        initial = {"volunteer": self.request.GET.get("volunteer", "")}
        return self.form(data, files, initial=initial, user=self.request.user)

    def save_object(self, form: Any) -> Any:
        if not self.creating:
            return super().save_object(form)
        data = form.cleaned_data
        return actions.pair_create(
            volunteer=data["volunteer"], elder=data["elder_id_number"], skill=data["skill"],
            every_days=data["every_days"], started_on=data["started_on"], note=data["note"], actor=self.request.user,
        )  # fmt: skip


class MutualAidPairDetailView(ObjectDetailView):
    model = MutualAidPair
    template_name = "volunteers/pair_detail.html"

    def get_context(self, obj: MutualAidPair) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        may_change = MutualAidPair.objects.for_user(user, "change").filter(pk=obj.pk).exists()
        active = obj.status == PairStatus.ACTIVE
        context.update(
            may_change=may_change and active,
            may_check_in=active and user.has_perm("volunteers.add_servicerecord"),
            end_form=getattr(self, "end_form", None) or PairEndForm(),
            calls=ServiceRecord.objects.for_user(user).filter(pair=obj).order_by("-checked_in_at")[:50],
            overdue=obj.days_overdue(),
        )
        return context


class MutualAidPairEndView(MutualAidPairDetailView):
    action = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        pair = self.get_object()
        form = PairEndForm(request.POST)
        if form.is_valid():
            try:
                actions.pair_end(pair=pair, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                                 actor=request.user)  # fmt: skip
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("已解除结对：%(pair)s") % {"pair": pair})
            return HttpResponseRedirect(pair.get_absolute_url())
        self.end_form, self.action = form, "view"
        return render(request, self.template_name, self.get_context(pair), status=400)
