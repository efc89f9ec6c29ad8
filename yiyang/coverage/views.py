"""Pages of the service circle: the coverage map and the site proposals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import download
from yiyang.core.models import AccessLog
from yiyang.core.views import require_perm
from yiyang.coverage import selectors
from yiyang.coverage.actions import site_proposal_create
from yiyang.coverage.exports import proposal_workbook
from yiyang.coverage.models import SiteProposal


def proposal_title(proposal: SiteProposal) -> str:
    """The proposal's name on the page (``str(proposal)`` is its Chinese name in the audit trail)."""
    return _("%(area)s 新增%(k)s个站点建议（%(time)s）") % {
        "area": proposal.area,
        "k": proposal.k,
        "time": f"{timezone.localtime(proposal.created_at):%Y-%m-%d %H:%M}",
    }


def outside_threshold() -> float:
    """A community is 'outside the circle' when less than this share of its elders is covered."""
    return float(getattr(settings, "COVERAGE_OUTSIDE_THRESHOLD", 0.5))


def _points_for_chart(kind: str, bounds: tuple[float, float, float, float] | None) -> list[list[Any]]:
    pts = selectors.service_points(None if kind == selectors.ANY_KIND else kind)
    out: list[list[Any]] = []
    for k, items in pts.items():
        for lat, lng, label in items:
            if bounds and not (bounds[0] <= lat <= bounds[1] and bounds[2] <= lng <= bounds[3]):
                continue
            out.append([round(lng, 6), round(lat, 6), label, k])
    return out


def _bounds(rows: list[selectors.AreaCoverage]) -> tuple[float, float, float, float] | None:
    located = [r for r in rows if r.latitude is not None and r.longitude is not None]
    if not located:
        return None
    lats = [r.latitude for r in located if r.latitude is not None]
    lngs = [r.longitude for r in located if r.longitude is not None]
    pad = 0.02
    return (min(lats) - pad, max(lats) + pad, min(lngs) - pad, max(lngs) + pad)


def chart_data(user: Any, kind: str) -> dict[str, Any]:
    communities = selectors.coverage_by_area(user, kind, AreaLevel.COMMUNITY)
    bounds = _bounds(communities)
    return {
        "communities": [
            [
                round(c.longitude, 6),
                round(c.latitude, 6),
                round((c.rate or 0) * 100, 1),
                c.name,
                c.total,
                c.covered,
            ]
            for c in communities
            if c.latitude is not None and c.longitude is not None
        ],
        "points": _points_for_chart(kind, bounds),
    }


class CoverageMapView(LoginRequiredMixin, View):
    """一刻钟服务圈: communities as bubbles coloured by coverage, service points overlaid."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "coverage.view_coverageresult")
        run = selectors.latest_run()
        labels = selectors.kind_labels()
        if run:  # the run's kinds; their names as registered now, in the active language
            labels = {k: labels.get(k, v) for k, v in run.kind_labels.items()}
        kind = request.GET.get("kind") or (
            selectors.ANY_KIND if selectors.ANY_KIND in labels else next(iter(labels), "")
        )
        communities = selectors.coverage_by_area(request.user, kind, AreaLevel.COMMUNITY)
        streets = selectors.coverage_by_area(request.user, kind, AreaLevel.STREET)
        threshold = outside_threshold()
        outside = [c for c in communities if c.rate is not None and c.rate < threshold]
        context = {
            "title": _("一刻钟居家养老服务圈"),
            "breadcrumbs": [(_("一刻钟服务圈"), "")],
            "run": run,
            "kinds": labels,
            "kind": kind,
            "kind_label": labels.get(kind, kind),
            "summary": selectors.summary(request.user, kind),
            "streets": streets,
            "outside": outside,
            "communities": communities,
            "threshold_pct": round(threshold * 100),
            "chart": chart_data(request.user, kind),
            "can_plan": request.user.has_perm("coverage.add_siteproposal"),
        }
        return render(request, "coverage/map.html", context)


def _plannable_areas(user: Any) -> list[Area]:
    return list(
        Area.objects.for_user(user).filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET]).order_by("path")
    )


class SiteProposalListView(LoginRequiredMixin, View):
    """设施布局规划: earlier proposals, and a form for a new one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "coverage.view_siteproposal")
        return self.render(request)

    def render(self, request: HttpRequest, error: str = "") -> HttpResponse:
        proposals = list(
            SiteProposal.objects.for_user(request.user).select_related("area", "created_by")[:50]
        )
        labels = selectors.kind_labels()
        for p in proposals:  # the list showed the kind's key ("station"), not its name
            p.kind_label = labels.get(p.kind, p.kind)  # type: ignore[attr-defined]
        return render(
            request,
            "coverage/proposal_list.html",
            {
                "title": _("养老服务设施专项布局规划"),
                "breadcrumbs": [(_("设施布局规划"), "")],
                "proposals": proposals,
                "areas": _plannable_areas(request.user),
                "kinds": selectors.kind_labels(),
                "can_add": request.user.has_perm("coverage.add_siteproposal"),
                "error": error,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "coverage.add_siteproposal")
        area = Area.objects.for_user(request.user).filter(pk=request.POST.get("area") or 0).first()
        if area is None:
            return self.render(request, _("请选择规划范围"))
        try:
            k = int(request.POST.get("k") or 10)
            proposal = site_proposal_create(
                area=area,
                kind=request.POST.get("kind") or selectors.ANY_KIND,
                k=k,
                actor=request.user,
                candidate_mode=request.POST.get("candidates") or "both",
            )
        except (ValueError, ValidationError) as exc:
            return self.render(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        messages.success(request, _("已生成：%(proposal)s") % {"proposal": proposal_title(proposal)})
        return HttpResponseRedirect(proposal.get_absolute_url())


class SiteProposalDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "coverage.view_siteproposal")
        proposal = SiteProposal.objects.get_for_user_or_404(request.user, pk=pk)
        if request.GET.get("export") == "xlsx":
            proposal = SiteProposal.objects.get_for_user_or_404(request.user, "export", pk=pk)
            audit.record_access(
                actor=request.user,
                kind=AccessLog.Kind.EXPORT,
                object_type="coverage.siteproposal",
                object_id=str(proposal.pk),
                area_path=proposal.area_path,
                row_count=len(proposal.sites),
            )
            return download(
                proposal_workbook(proposal), f"设施布局建议-{proposal.area.name}-{proposal.pk}.xlsx"
            )
        # Shown, never saved: the candidate source is stored in Chinese and shown in the user's language.
        proposal.sites = [{**s, "source": _(s["source"]) if s.get("source") else ""} for s in proposal.sites]
        chart = chart_data(request.user, proposal.kind)
        chart["sites"] = [
            [s["longitude"], s["latitude"], s["rank"], s["near_area"], s["gain"]] for s in proposal.sites
        ]
        return render(
            request,
            "coverage/proposal_detail.html",
            {
                "title": proposal_title(proposal),
                "breadcrumbs": [
                    (_("设施布局规划"), reverse("coverage:siteproposal_list")),
                    (proposal_title(proposal), ""),
                ],
                "proposal": proposal,
                "kind_label": selectors.kind_labels().get(proposal.kind, proposal.kind),
                "chart": chart,
                "can_export": request.user.has_perm("coverage.export_siteproposal"),
            },
        )
