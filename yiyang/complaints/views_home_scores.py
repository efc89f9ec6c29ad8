"""Institutions' scorecards (养老机构月度考评): the month's credit list of the homes, a home's score with
every event behind it and its last twelve months (for the operating contract, the star review and the
subsidy), and the list of the points. Computed in the providers' monthly run (views_scores)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.forms import HiddenInput
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiyang.complaints.choices import INSTITUTION_SOURCES, CreditList
from yiyang.complaints.filtersets import month_bounds
from yiyang.complaints.models import InstitutionScore, InstitutionScorePoint
from yiyang.complaints.views_scores import points_by_source
from yiyang.core.filtersets import IdFilter
from yiyang.core.views import ObjectListView, ScopedViewMixin
from yiyang.institutions.models import Finding as InspectionFinding
from yiyang.institutions.models import Institution

_SOURCES = [(s.value, s.label) for s in INSTITUTION_SOURCES]


def _month(qs: Any, name: str, value: str) -> Any:
    bounds = month_bounds(value)
    return qs.filter(month=bounds[0]) if bounds else qs.none()


class InstitutionScoreFilterSet(django_filters.FilterSet):
    month = django_filters.CharFilter(label=gettext_lazy("月份（YYYY-MM）"), method="filter_month")
    institution = IdFilter(
        label=gettext_lazy("养老机构编号"), field_name="institution_id", widget=HiddenInput
    )
    credit_list = django_filters.ChoiceFilter(label=gettext_lazy("红黑榜"), choices=CreditList.choices)

    class Meta:
        model = InstitutionScore
        fields: list[str] = []

    def filter_month(self, qs: Any, name: str, value: str) -> Any:
        return _month(qs, name, value)


def credit_badge(record: Any, value: str) -> Any:
    tone = {"red": "danger", "black": "dark"}.get(record.credit_list, "secondary")
    return format_html('<span class="badge text-bg-{}">{}</span>', tone, value)


class InstitutionScoreTable(tables.Table):
    month = tables.DateColumn(format="Y-m", verbose_name=gettext_lazy("月份"))
    institution = tables.Column(
        gettext_lazy("养老机构"),
        accessor="institution__name",
        linkify=lambda record: record.get_absolute_url(),
    )
    score = tables.Column(gettext_lazy("得分"))
    deducted = tables.Column(gettext_lazy("扣分"))
    events = tables.Column(gettext_lazy("记分事件"))
    credit_list = tables.Column(gettext_lazy("红黑榜"))

    class Meta:
        model = InstitutionScore
        fields = ()
        sequence = ("month", "institution", "score", "deducted", "events", "credit_list")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "institution-score-table"}
        empty_text = gettext_lazy("该月尚未计算考评")

    def render_credit_list(self, value: str, record: InstitutionScore) -> Any:
        return credit_badge(record, value)


class InstitutionScoreListView(ObjectListView):
    """养老机构考评红黑榜: the month's homes, best first. The district computes the month on the
    providers' list (one run scores both)."""

    model = InstitutionScore
    filterset = InstitutionScoreFilterSet
    table = InstitutionScoreTable
    template_name = "complaints/institutionscore_list.html"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")

    def get_context(self, **extra: Any) -> dict[str, Any]:
        context = super().get_context(**extra)
        context.update(
            title=_("养老机构考评红黑榜"),
            can_compute=self.request.user.has_perm("complaints.compute_providerscore"),
        )
        return context


def point_urls(points: list[InstitutionScorePoint]) -> list[tuple[InstitutionScorePoint, str]]:
    """Each point with the page of its event: the case, the finding on its inspection, the incident."""
    findings = dict(
        InspectionFinding.objects.filter(
            pk__in=[p.ref_id for p in points if p.ref_type == "institutions.finding"]
        ).values_list("pk", "inspection_id")
    )
    out = []
    for p in points:
        if p.ref_type == "complaints.case":
            url = reverse("complaints:case_detail", args=[p.ref_id])
        elif p.ref_type == "institutions.finding" and p.ref_id in findings:
            url = (
                reverse("institutions:inspection_detail", args=[findings[p.ref_id]]) + f"#finding-{p.ref_id}"
            )
        elif p.ref_type == "institutions.incident":
            url = reverse("institutions:incident_detail", args=[p.ref_id])
        else:
            url = ""
        out.append((p, url))
    return out


REF_LABELS = {
    "complaints.case": gettext_lazy("投诉信访件"),
    "institutions.finding": gettext_lazy("整改事项"),
    "institutions.incident": gettext_lazy("安全事件"),
}


class InstitutionScoreDetailView(ScopedViewMixin, View):
    """A home's month: the score, each event that moved it (linked to its case, finding or incident),
    the points by kind, and the last twelve months."""

    model = InstitutionScore

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        score = self.get_object()
        points = list(
            InstitutionScorePoint.objects.for_user(request.user)
            .filter(institution_id=score.institution_id, month=score.month)
            .order_by("at", "id")
        )
        by_source = points_by_source(points)
        history = self.get_queryset().filter(institution_id=score.institution_id).order_by("-month")[:12]
        title = _("%(home)s %(month)s 考评") % {"home": score.institution, "month": f"{score.month:%Y-%m}"}
        home_url = ""
        if Institution.objects.for_user(request.user).filter(pk=score.institution_id).exists():
            home_url = score.institution.get_absolute_url()
        return render(request, "complaints/institutionscore_detail.html", {
            "object": score, "title": title, "home_url": home_url,
            "breadcrumbs": [(_("养老机构考评红黑榜"), reverse("complaints:institutionscore_list")), (title, "")],
            "points": [(p, url, REF_LABELS.get(p.ref_type, p.ref_type)) for p, url in point_urls(points)],
            "by_source": list(by_source.values()), "shown_all": len(points) == score.events, "history": history,
            "today": timezone.localdate(),
        })  # fmt: skip


class InstitutionScorePointFilterSet(django_filters.FilterSet):
    institution = IdFilter(
        label=gettext_lazy("养老机构编号"), field_name="institution_id", widget=HiddenInput
    )
    month = django_filters.CharFilter(label=gettext_lazy("月份（YYYY-MM）"), method="filter_month")
    source = django_filters.ChoiceFilter(label=gettext_lazy("计分项"), choices=_SOURCES)

    class Meta:
        model = InstitutionScorePoint
        fields: list[str] = []

    def filter_month(self, qs: Any, name: str, value: str) -> Any:
        return _month(qs, name, value)


class InstitutionScorePointTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("发生时间"))
    institution = tables.Column(gettext_lazy("养老机构"), accessor="institution__name")
    source = tables.Column(gettext_lazy("计分项"))
    points = tables.Column(gettext_lazy("分值"))
    ref = tables.Column(gettext_lazy("来源"), empty_values=(), orderable=False)
    note = tables.Column(gettext_lazy("说明"), orderable=False)

    class Meta:
        model = InstitutionScorePoint
        fields = ()
        sequence = ("at", "institution", "source", "points", "ref", "note")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = gettext_lazy("没有考评记分")

    def before_render(self, request: HttpRequest) -> None:
        rows = self.page.object_list if getattr(self, "page", None) else self.rows
        self.urls = {p.pk: url for p, url in point_urls([row.record for row in rows])}

    def render_ref(self, record: InstitutionScorePoint) -> Any:
        label = REF_LABELS.get(record.ref_type, record.ref_type)
        url = getattr(self, "urls", {}).get(record.pk, "")
        if not url:
            return f"{label} #{record.ref_id}"
        return format_html('<a href="{}">{} #{}</a>', url, label, record.ref_id)


class InstitutionScorePointListView(ObjectListView):
    """机构考评记分明细: every event behind the homes' scores, filtered by home and month."""

    model = InstitutionScorePoint
    filterset = InstitutionScorePointFilterSet
    table = InstitutionScorePointTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("institution")
