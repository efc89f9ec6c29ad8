"""The workforce API: each entry of ``ROUTES`` is registered under /api/v1/ by ``config.api_urls``.

Workers, certificates, classes and subsidy lines are read here (they change on the pages and through
imports); a roll is reviewed and approved with verbs that call the actions and nothing more.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core.api import ScopedReadOnlyViewSet
from yiyang.workforce import actions
from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyLine, PostSubsidyRoll, TrainingClass


class CareWorkerReadSerializer(serializers.ModelSerializer[CareWorker]):
    class Meta:
        model = CareWorker
        fields = ["id", "name", "id_number_masked", "sex", "birth_date", "phone_masked", "employer_kind",
                  "provider", "institution", "canteen", "area", "area_path", "post", "post_since", "status",
                  "left_on", "exit_reason", "health_certificate_number", "health_certificate_expires"]  # fmt: skip
        read_only_fields = fields


class CertificateReadSerializer(serializers.ModelSerializer[Certificate]):
    class Meta:
        model = Certificate
        fields = ["id", "worker", "level", "issuer", "number", "valid_from", "valid_to", "training_class"]
        read_only_fields = fields


class TrainingClassReadSerializer(serializers.ModelSerializer[TrainingClass]):
    class Meta:
        model = TrainingClass
        fields = ["id", "name", "level", "organiser", "issuer", "area", "area_path", "starts_on", "ends_on",
                  "days", "pass_mark", "status"]  # fmt: skip
        read_only_fields = fields


class PostSubsidyRollReadSerializer(serializers.ModelSerializer[PostSubsidyRoll]):
    class Meta:
        model = PostSubsidyRoll
        fields = ["id", "area", "area_path", "month", "status", "line_count", "total_amount", "generated_at",
                  "reviewed_at", "approved_at"]  # fmt: skip
        read_only_fields = fields


class PostSubsidyLineReadSerializer(serializers.ModelSerializer[PostSubsidyLine]):
    class Meta:
        model = PostSubsidyLine
        fields = ["id", "roll", "worker", "month", "certificate", "level", "post_amount", "years",
                  "seniority_amount", "amount", "area_path"]  # fmt: skip
        read_only_fields = fields


class CareWorkerViewSet(ScopedReadOnlyViewSet):
    """养老护理员 (ID number and phone masked). Registered on the pages."""

    queryset = CareWorker.objects.all()
    serializer_class = CareWorkerReadSerializer


class CertificateViewSet(ScopedReadOnlyViewSet):
    """职业技能等级证书."""

    queryset = Certificate.objects.all()
    serializer_class = CertificateReadSerializer


class TrainingClassViewSet(ScopedReadOnlyViewSet):
    """培训班."""

    queryset = TrainingClass.objects.all()
    serializer_class = TrainingClassReadSerializer


class PostSubsidyRollViewSet(ScopedReadOnlyViewSet):
    """岗位补贴花名册. ``POST …/{id}/review/`` (street) then ``…/approve/`` (district)."""

    queryset = PostSubsidyRoll.objects.all()
    serializer_class = PostSubsidyRollReadSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=None, responses={200: PostSubsidyRollReadSerializer})
    @action(detail=True, methods=["post"], scope_action="review")
    def review(self, request: Request, pk: str | None = None) -> Response:
        roll = actions.roll_review(roll=self.get_object(), actor=request.user)
        return Response(PostSubsidyRollReadSerializer(roll).data)

    @extend_schema(request=None, responses={200: PostSubsidyRollReadSerializer})
    @action(detail=True, methods=["post"], scope_action="approve")
    def approve(self, request: Request, pk: str | None = None) -> Response:
        roll = actions.roll_approve(roll=self.get_object(), actor=request.user)
        return Response(PostSubsidyRollReadSerializer(roll).data)


class PostSubsidyLineViewSet(ScopedReadOnlyViewSet):
    """岗位补贴明细."""

    queryset = PostSubsidyLine.objects.all()
    serializer_class = PostSubsidyLineReadSerializer


ROUTES: list[tuple[str, Any, str]] = [
    ("workforce/workers", CareWorkerViewSet, "careworker"),
    ("workforce/certificates", CertificateViewSet, "workercertificate"),
    ("workforce/classes", TrainingClassViewSet, "trainingclass"),
    ("workforce/subsidy-rolls", PostSubsidyRollViewSet, "postsubsidyroll"),
    ("workforce/subsidy-lines", PostSubsidyLineViewSet, "postsubsidyline"),
]
