"""Scorecard pages: the credit list (红黑榜) of a month, a provider's score with every event behind it
and its last twelve months (for contract renewal), and the scoring rules."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import HiddenInput
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.complaints.actions.scoring import scorecards_compute
from yiyang.complaints.choices import CreditList, ScoreSource
from yiyang.complaints.filtersets import month_bounds
from yiyang.complaints.forms import ScoreRuleForm
from yiyang.complaints.models import ProviderScore, ScorePoint, ScoreRule
from yiyang.core.errors import error_text
from yiyang.core.filtersets import IdFilter
from yiyang.core.tables import edit_link
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin, require_perm


class ProviderScoreFilterSet(django_filters.FilterSet):
    month = django_filters.CharFilter(label=gettext_lazy("月份（YYYY-MM）"), method="filter_month")
    credit_list = django_filters.ChoiceFilter(label=gettext_lazy("红黑榜"), choices=CreditList.choices)

    class Meta:
        model = ProviderScore
        fields: list[str] = []

    def filter_month(self, qs: Any, name: str, value: str) -> Any:
        bounds = month_bounds(value)
        return qs.filter(month=bounds[0]) if bounds else qs.none()


class ProviderScoreTable(tables.Table):
    month = tables.DateColumn(format="Y-m", verbose_name=gettext_lazy("月份"))
    provider = tables.Column(
        gettext_lazy("服务商"), accessor="provider__name", linkify=lambda record: record.get_absolute_url()
    )
    score = tables.Column(gettext_lazy("得分"))
    deducted = tables.Column(gettext_lazy("扣分"))
    events = tables.Column(gettext_lazy("扣分事件"))
    credit_list = tables.Column(gettext_lazy("红黑榜"))

    class Meta:
        model = ProviderScore
        fields = ()
        sequence = ("month", "provider", "score", "deducted", "events", "credit_list")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "score-table"}
        empty_text = gettext_lazy("该月尚未计算考评")

    def render_credit_list(self, value: str, record: ProviderScore) -> Any:
        tone = {"red": "danger", "black": "dark"}.get(record.credit_list, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, value)


class ProviderScoreListView(ObjectListView):
    """红黑榜: the month's scores, best first; the district computes a month from here."""

    model = ProviderScore
    filterset = ProviderScoreFilterSet
    table = ProviderScoreTable
    template_name = "complaints/providerscore_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("provider")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        last = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        context.update(
            title=_("服务商考评红黑榜"),
            can_compute=self.request.user.has_perm("complaints.compute_providerscore"),
            last_month=f"{last:%Y-%m}",
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "complaints.compute_providerscore")
        bounds = month_bounds(request.POST.get("month", ""))
        if bounds is None:
            messages.error(request, _("月份格式应为 YYYY-MM"))
            return HttpResponseRedirect(reverse("complaints:providerscore_list"))
        try:
            run = scorecards_compute(month=bounds[0], actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已计算 %(month)s 考评：%(providers)s 家服务商，记分事件 %(points)s 条")
                             % {"month": f"{run.month:%Y-%m}", "providers": run.providers, "points": run.points})  # fmt: skip
        return HttpResponseRedirect(reverse("complaints:providerscore_list") + f"?month={bounds[0]:%Y-%m}")


def points_by_source(points: list[Any]) -> dict[str, list[Any]]:
    """A month's points by kind: {source: [label, how many, points]} (providers' and homes' alike)."""
    by_source: dict[str, list[Any]] = {}
    for p in points:
        by_source.setdefault(p.source, [ScoreSource(p.source).label, 0, 0])
        by_source[p.source][1] += 1
        by_source[p.source][2] += p.points
    return by_source


def source_url(point: ScorePoint) -> str:
    if point.ref_type == "complaints.case":
        return reverse("complaints:case_detail", args=[point.ref_id])
    return reverse("services:workorder_detail", args=[point.ref_id])


class ProviderScoreDetailView(ScopedViewMixin, View):
    """A provider's month: the score, each event that moved it (linked to its case or work order),
    the points by kind, and the last twelve months."""

    model = ProviderScore

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        score = self.get_object()
        points = list(
            ScorePoint.objects.for_user(request.user)
            .filter(provider_id=score.provider_id, month=score.month)
            .order_by("at", "id")
        )
        by_source = points_by_source(points)
        history = self.get_queryset().filter(provider_id=score.provider_id).order_by("-month")[:12]
        title = _("%(provider)s %(month)s 考评") % {
            "provider": score.provider,
            "month": f"{score.month:%Y-%m}",
        }
        return render(request, "complaints/providerscore_detail.html", {
            "object": score, "title": title,
            "breadcrumbs": [(_("服务商考评红黑榜"), reverse("complaints:providerscore_list")), (title, "")],
            "points": [(p, source_url(p)) for p in points], "by_source": list(by_source.values()),
            "shown_all": len(points) == score.events, "history": history,
        })  # fmt: skip


class ScorePointFilterSet(django_filters.FilterSet):
    provider = IdFilter(label=gettext_lazy("服务商编号"), field_name="provider_id", widget=HiddenInput)
    month = django_filters.CharFilter(label=gettext_lazy("月份（YYYY-MM）"), method="filter_month")
    source = django_filters.ChoiceFilter(label=gettext_lazy("计分项"), choices=ScoreSource.choices)

    class Meta:
        model = ScorePoint
        fields: list[str] = []

    def filter_month(self, qs: Any, name: str, value: str) -> Any:
        bounds = month_bounds(value)
        return qs.filter(month=bounds[0]) if bounds else qs.none()


class ScorePointTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("发生时间"))
    provider = tables.Column(gettext_lazy("服务商"), accessor="provider__name")
    source = tables.Column(gettext_lazy("计分项"))
    points = tables.Column(gettext_lazy("分值"))
    ref = tables.Column(gettext_lazy("来源"), empty_values=(), orderable=False)
    note = tables.Column(gettext_lazy("说明"), orderable=False)

    class Meta:
        model = ScorePoint
        fields = ()
        sequence = ("at", "provider", "source", "points", "ref", "note")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = gettext_lazy("没有考评记分")

    def render_ref(self, record: ScorePoint) -> Any:
        return format_html('<a href="{}">#{}</a>', source_url(record), record.ref_id)


class ScorePointListView(ObjectListView):
    """考评记分明细: every event behind the scores, filtered by provider and month."""

    model = ScorePoint
    filterset = ScorePointFilterSet
    table = ScorePointTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("provider")


class ScoreRuleTable(tables.Table):
    source = tables.Column(gettext_lazy("计分项"))
    points = tables.Column(gettext_lazy("分值"))
    valid_from = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("生效日期"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("失效日期"))
    basis = tables.Column(gettext_lazy("依据"), orderable=False)
    edit = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = ScoreRule
        fields = ()
        sequence = ("source", "points", "valid_from", "valid_to", "basis", "edit")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = gettext_lazy("没有考评规则")

    def render_edit(self, record: ScoreRule) -> Any:
        return edit_link(self, "complaints:scorerule_edit", record.pk)


class ScoreRuleFilterSet(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(label=gettext_lazy("计分项"), choices=ScoreSource.choices)

    class Meta:
        model = ScoreRule
        fields: list[str] = []


class ScoreRuleListView(ObjectListView):
    model = ScoreRule
    filterset = ScoreRuleFilterSet
    table = ScoreRuleTable


class ScoreRuleEditView(ObjectEditView):
    model = ScoreRule
    form = ScoreRuleForm
