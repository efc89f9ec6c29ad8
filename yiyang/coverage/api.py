"""API of the service circle: /api/v1/coverage/results/ and /api/v1/coverage/proposals/."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.areas.models import Area
from yiyang.core.api import ScopedViewSet
from yiyang.coverage.actions import site_proposal_create
from yiyang.coverage.models import CoverageResult, SiteProposal


class CoverageResultSerializer(serializers.ModelSerializer[CoverageResult]):
    area_name = serializers.CharField(source="area.name", read_only=True)
    rate = serializers.FloatField(read_only=True, allow_null=True)
    mean_distance = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = CoverageResult
        fields = ["id", "area", "area_name", "area_path", "level", "kind", "total", "covered", "rate",
                  "mean_distance", "computed_at"]  # fmt: skip


class CoverageResultFilterSet(django_filters.FilterSet):
    area_path = django_filters.CharFilter(lookup_expr="startswith", help_text=_("区域路径前缀"))

    class Meta:
        model = CoverageResult
        fields = ["kind", "level", "area_path"]


class CoverageResultViewSet(ScopedViewSet):
    """服务圈覆盖率 per area and kind. Filter with ``?kind=meal&level=5`` (5 社区, 4 街道, 3 区)."""

    queryset = CoverageResult.objects.select_related("area")
    serializer_class = CoverageResultSerializer
    filterset_class = CoverageResultFilterSet
    http_method_names = ["get", "head", "options"]


class SiteProposalSerializer(serializers.ModelSerializer[SiteProposal]):
    class Meta:
        model = SiteProposal
        fields = ["id", "area", "area_path", "kind", "k", "detour_factor", "walk_metres", "candidate_mode",
                  "elder_total", "uncovered_before", "newly_covered", "sites", "seconds", "created_at"]  # fmt: skip
        read_only_fields = fields


class SiteProposalRequestSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(help_text=_("区域代码（区/县或街道）"))
    kind = serializers.CharField(default="any")
    k = serializers.IntegerField(default=10, min_value=1, max_value=100)
    candidates = serializers.ChoiceField(choices=["both", "community", "grid"], default="both")


class SiteProposalViewSet(ScopedViewSet):
    """设施布局建议. ``POST`` with an area code, a kind and K proposes the next K sites."""

    queryset = SiteProposal.objects.select_related("area")
    serializer_class = SiteProposalSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=SiteProposalRequestSerializer, responses=SiteProposalSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SiteProposalRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        area = Area.objects.for_user(request.user).filter(code=body.validated_data["area"]).first()
        if area is None:
            raise ValidationError({"area": gettext("区域不存在或不在您的辖区内")})
        proposal = site_proposal_create(
            area=area,
            kind=body.validated_data["kind"],
            k=body.validated_data["k"],
            actor=request.user,
            candidate_mode=body.validated_data["candidates"],
        )
        return Response(SiteProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)
