"""API: /api/v1/assessments/ — list, detail, create a draft, and the POST verbs confirm and void."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.assessments import actions, scoring
from yiyang.assessments.choices import Reason, Scheme
from yiyang.assessments.filtersets import AssessmentFilterSet
from yiyang.assessments.models import Assessment
from yiyang.core.api import ScopedViewSet
from yiyang.people.models import Elder


class ElderBriefSerializer(serializers.ModelSerializer):
    """The elder as an assessment shows it: masked."""

    area = serializers.CharField(source="area_path", read_only=True)

    class Meta:
        model = Elder
        fields = ["id", "name", "sex", "birth_date", "id_number_masked", "area"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    elder = ElderBriefSerializer(read_only=True)
    final_level_name = serializers.CharField(read_only=True)
    preliminary_level_name = serializers.CharField(read_only=True)
    risk_events = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "elder",
            "scheme",
            "reason",
            "assessed_on",
            "valid_to",
            "organisation",
            "assessor_name",
            "assessor2_name",
            "answers",
            "coma",
            "dementia",
            "mental_disorder",
            "risk_events",
            "subtotals",
            "total",
            "grades",
            "preliminary_level",
            "preliminary_level_name",
            "final_level",
            "final_level_name",
            "level_changes",
            "rules_applied",
            "status",
            "confirmed_at",
            "confirmed_by",
            "voided_at",
            "void_reason",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_risk_events(self, obj: Assessment) -> dict[str, int]:
        return {kind: getattr(obj, name) for kind, name in Assessment.RISK_FIELDS.items()}


class AssessmentWriteSerializer(serializers.Serializer):
    elder = serializers.IntegerField()
    scheme = serializers.ChoiceField(Scheme.choices, default=Scheme.GB42195)
    reason = serializers.ChoiceField(Reason.choices, default=Reason.FIRST)
    assessed_on = serializers.DateField()
    organisation = serializers.CharField(max_length=100)
    assessor_name = serializers.CharField(max_length=50)
    assessor2_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    answers = serializers.DictField(child=serializers.IntegerField(allow_null=True), default=dict)
    coma = serializers.BooleanField(default=False)
    dementia = serializers.BooleanField(default=False)
    mental_disorder = serializers.BooleanField(default=False)
    risk_events = serializers.DictField(
        child=serializers.IntegerField(),
        default=dict,
        help_text="fall, wandering, choking, self_harm, other → 0–3",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def to_data(self, user: Any) -> actions.AssessmentData:
        d = dict(self.validated_data)
        d.pop("elder")
        return actions.AssessmentData(assessor=user, **d)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=2, max_length=200)


class AssessmentViewSet(ScopedViewSet):
    """能力评估. Create makes a draft; ``POST {id}/confirm/`` scores it and updates the elder's level."""

    log_views = True  # read as the page is: logged (PIPL processing record)
    queryset = Assessment.objects.select_related("elder")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @property
    def scope_action(self) -> str | None:
        return {"confirm": "confirm", "void": "void"}.get(getattr(self, "action", None) or "")

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return AssessmentWriteSerializer
        if self.action == "void":
            return VoidSerializer
        return AssessmentSerializer

    @extend_schema(request=AssessmentWriteSerializer, responses=AssessmentSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AssessmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        elder = (
            Elder.objects.for_user(request.user, "view").filter(pk=serializer.validated_data["elder"]).first()
        )
        if elder is None:
            raise ValidationError({"elder": _("不是您管辖范围内的老年人")})
        assessment = actions.assessment_save_draft(
            elder=elder, data=serializer.to_data(request.user), actor=request.user
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        assessment = actions.assessment_confirm(assessment=assessment, actor=request.user)
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(request=VoidSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        serializer = VoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = actions.assessment_void(
            assessment=assessment, reason=serializer.validated_data["reason"], actor=request.user
        )
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(responses=dict)
    @action(detail=False, methods=["get"])
    def items(self, request: Request) -> Response:
        """The item tables of both schemes (codes, names, options) for client forms."""
        return Response(
            {
                scheme: [
                    {
                        "code": i.code,
                        "group": i.group,
                        "name": i.name,
                        "options": [list(o) for o in i.options],
                    }
                    for i in scoring.items_for(scheme)
                ]
                for scheme in scoring.SCHEMES
            }
        )
