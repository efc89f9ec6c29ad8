"""The visits API under /api/v1/visits/: rules, tasks (with the ``record`` verb the phone uses), records.

``POST /api/v1/visits/tasks/{id}/record/`` stores a visit once per ``client_key``: 201 the first
time, 200 with the same record when a phone sends it again.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet
from yiyang.visits import actions, surveys
from yiyang.visits.choices import Condition, Mood, Need, Seen, SignedBy
from yiyang.visits.models import (
    Campaign,
    Contribution,
    SurveyResponse,
    SurveyRound,
    VisitRecord,
    VisitRule,
    VisitTask,
)


class VisitRuleSerializer(serializers.ModelSerializer[VisitRule]):
    class Meta:
        model = VisitRule
        fields = ["id", "name", "rank", "min_age", "living_situation", "category", "min_capability", "cycle",
                  "trigger", "within_days", "escalate_after_days", "valid_from", "valid_to", "note"]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        cycle = attrs.get("cycle", getattr(self.instance, "cycle", ""))
        trigger = attrs.get("trigger", getattr(self.instance, "trigger", ""))
        if cycle == "event" and not trigger:
            raise serializers.ValidationError({"trigger": gettext("事件后走访须选择触发事件")})
        start = attrs.get("valid_from", getattr(self.instance, "valid_from", None))
        end = attrs.get("valid_to", getattr(self.instance, "valid_to", None))
        if start and end and end < start:
            raise serializers.ValidationError({"valid_to": gettext("失效日期不能早于生效日期")})
        return attrs


class VisitTaskSerializer(serializers.ModelSerializer[VisitTask]):
    elder_name = serializers.CharField(source="elder.name", read_only=True)
    address = serializers.CharField(source="elder.address", read_only=True)

    class Meta:
        model = VisitTask
        fields = ["id", "elder", "elder_name", "address", "rule", "area_path", "kind", "period_key",
                  "window_start", "due_date", "assignee", "status", "reason", "attempt", "completed_at",
                  "escalated_at"]  # fmt: skip
        read_only_fields = fields


class VisitRecordSerializer(serializers.ModelSerializer[VisitRecord]):
    class Meta:
        model = VisitRecord
        fields = ["id", "task", "elder", "client_key", "checked_in_at", "latitude", "longitude", "seen",
                  "health", "living", "mood", "hazards", "need", "need_detail", "note", "signed_by",
                  "signer_name", "work_order_id", "alarm_id", "recorded_at"]  # fmt: skip
        read_only_fields = fields


class VisitRecordInputSerializer(serializers.Serializer[Any]):
    client_key = serializers.CharField(
        max_length=64, help_text="手机生成的提交编号（UUID）：重复提交只保存一次"
    )
    seen = serializers.ChoiceField(choices=Seen.choices)
    checked_in_at = serializers.DateTimeField(required=False, allow_null=True)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    health = serializers.ChoiceField(choices=Condition.choices, required=False, allow_blank=True)
    living = serializers.ChoiceField(choices=Condition.choices, required=False, allow_blank=True)
    mood = serializers.ChoiceField(choices=Mood.choices, required=False, allow_blank=True)
    hazards = serializers.CharField(max_length=200, required=False, allow_blank=True)
    need = serializers.ChoiceField(choices=Need.choices, required=False, allow_blank=True)
    need_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    service_item = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    signed_by = serializers.ChoiceField(choices=SignedBy.choices, required=False)
    signer_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    photo = serializers.CharField(
        required=False, allow_blank=True, help_text="照片（base64，可含 data: 前缀）"
    )


def visit_input(data: dict[str, Any]) -> actions.VisitInput:
    photo: bytes | None = None
    raw = data.get("photo") or ""
    if raw:
        try:
            photo = base64.b64decode(raw.split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"photo": gettext("照片格式无效")}) from None
    return actions.VisitInput(
        client_key=data["client_key"], seen=data["seen"], checked_in_at=data.get("checked_in_at"),
        latitude=data.get("latitude"), longitude=data.get("longitude"), health=data.get("health") or "",
        living=data.get("living") or "", mood=data.get("mood") or "", hazards=data.get("hazards") or "",
        need=data.get("need") or "", need_detail=data.get("need_detail") or "",
        service_item_id=data.get("service_item"), note=data.get("note") or "",
        signed_by=data.get("signed_by") or SignedBy.NONE, signer_name=data.get("signer_name") or "", photo=photo,
    )  # fmt: skip


class VisitRuleViewSet(ScopedViewSet):
    """走访频次规则 (the district's)."""

    queryset = VisitRule.objects.all()
    serializer_class = VisitRuleSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class VisitTaskViewSet(ScopedReadOnlyViewSet):
    """走访任务. Verb: ``record`` (走访登记, idempotent by ``client_key``)."""

    queryset = VisitTask.objects.select_related("elder")
    serializer_class = VisitTaskSerializer
    scope_action: str | None = None

    def get_serializer_class(self) -> Any:
        return VisitRecordInputSerializer if self.action == "record" else VisitTaskSerializer

    @extend_schema(
        request=VisitRecordInputSerializer, responses={200: VisitRecordSerializer, 201: VisitRecordSerializer}
    )
    @action(detail=True, methods=["post"], scope_action="view")
    def record(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        body = VisitRecordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record, new = actions.visit_record(
            task=task, data=visit_input(body.validated_data), actor=request.user
        )
        return Response(
            VisitRecordSerializer(record).data, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK
        )


class VisitRecordViewSet(ScopedReadOnlyViewSet):
    """走访记录."""

    queryset = VisitRecord.objects.all()
    serializer_class = VisitRecordSerializer


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    class Meta:
        model = Campaign
        fields = ["id", "name", "festival", "area", "area_path", "budget", "standard", "target_rules", "start_date",
                  "end_date", "status"]  # fmt: skip
        read_only_fields = fields


class ContributionSerializer(serializers.ModelSerializer[Contribution]):
    elder_name = serializers.CharField(source="elder.name", read_only=True)

    class Meta:
        model = Contribution
        fields = ["id", "campaign", "recipient", "elder", "elder_name", "contributor", "kind", "description",
                  "amount", "status", "override_reason", "resolution_note", "created_at"]  # fmt: skip
        read_only_fields = fields


class CampaignViewSet(ScopedReadOnlyViewSet):
    """节日慰问活动 (changed through the pages' actions)."""

    queryset = Campaign.objects.select_related("area")
    serializer_class = CampaignSerializer


class ContributionViewSet(ScopedReadOnlyViewSet):
    """慰问登记: a department's client sees its own registrations, a street those in its area."""

    queryset = Contribution.objects.select_related("elder")
    serializer_class = ContributionSerializer


class SurveyRoundSerializer(serializers.ModelSerializer[SurveyRound]):
    class Meta:
        model = SurveyRound
        fields = [
            "id",
            "name",
            "template",
            "area",
            "area_path",
            "population",
            "start_date",
            "due_date",
            "status",
        ]
        read_only_fields = fields


class SurveyResponseSerializer(serializers.ModelSerializer[SurveyResponse]):
    elder_name = serializers.CharField(source="elder.name", read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "round", "elder", "elder_name", "area_path", "assignee", "status", "client_key", "worker",
                  "answered_at", "recorded_at"]  # fmt: skip
        read_only_fields = fields


class SurveySubmitSerializer(serializers.Serializer[Any]):
    client_key = serializers.CharField(
        max_length=64, help_text="手机生成的提交编号（UUID）：重复提交只保存一次"
    )
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text="题目代码 → 答案（多选题为列表，是/否题为“是”或“否”）"
    )
    answered_at = serializers.DateTimeField(required=False, allow_null=True)


class SurveyRoundViewSet(ScopedReadOnlyViewSet):
    """调查批次 (changed through the pages' actions)."""

    queryset = SurveyRound.objects.all()
    serializer_class = SurveyRoundSerializer


class SurveyResponseViewSet(ScopedReadOnlyViewSet):
    """调查答卷. Verb: ``submit`` (入户调查登记, idempotent by ``client_key``)."""

    queryset = SurveyResponse.objects.select_related("elder")
    serializer_class = SurveyResponseSerializer
    scope_action: str | None = None

    def get_serializer_class(self) -> Any:
        return SurveySubmitSerializer if self.action == "submit" else SurveyResponseSerializer

    @extend_schema(
        request=SurveySubmitSerializer,
        responses={200: SurveyResponseSerializer, 201: SurveyResponseSerializer},
    )
    @action(detail=True, methods=["post"], scope_action="view")
    def submit(self, request: Request, pk: str | None = None) -> Response:
        response = self.get_object()
        body = SurveySubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = surveys.survey_submit(
            response=response, answers=body.validated_data["answers"], client_key=body.validated_data["client_key"],
            answered_at=body.validated_data.get("answered_at"), actor=request.user,
        )  # fmt: skip
        return Response(
            SurveyResponseSerializer(result.response).data,
            status=status.HTTP_201_CREATED if result.new else status.HTTP_200_OK,
        )


ROUTES: list[tuple[str, Any, str]] = [
    ("visits/surveys/rounds", SurveyRoundViewSet, "surveyround"),
    ("visits/surveys/responses", SurveyResponseViewSet, "surveyresponse"),
    ("visits/rules", VisitRuleViewSet, "visitrule"),
    ("visits/tasks", VisitTaskViewSet, "visittask"),
    ("visits/records", VisitRecordViewSet, "visitrecord"),
    ("visits/campaigns", CampaignViewSet, "visitcampaign"),
    ("visits/contributions", ContributionViewSet, "visitcontribution"),
]
