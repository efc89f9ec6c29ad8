"""The complaints API under /api/v1/complaints/: cases and their verbs.

``POST /api/v1/complaints/cases/`` takes a case in — the 12345 centre posts its transfers here with
its own number in ``external_ref``: a retried call returns the case already made (200, not 201).
Verbs: ``assign``, ``reply``, ``return_call``, ``extend``, ``decide_extension``. The complainant's
name and phone are blank for readers who may not see them (a provider, unless the complainant agreed).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.areas.models import Area, AreaLevel
from yiyang.complaints import actions
from yiyang.complaints.choices import Category, Channel, Finding, Relation, Satisfaction, UnitKind
from yiyang.complaints.filtersets import CaseFilterSet
from yiyang.complaints.models import Case
from yiyang.complaints.privacy import identity_visible
from yiyang.core.api import ScopedReadOnlyViewSet, validated_body
from yiyang.institutions.models import Institution
from yiyang.people.models import Elder
from yiyang.services.models import Provider, WorkOrder


class CaseReadSerializer(serializers.ModelSerializer[Case]):
    complainant_name = serializers.SerializerMethodField()
    complainant_phone = serializers.SerializerMethodField()
    unit = serializers.CharField(source="unit_label", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "channel", "external_ref", "category", "urgent", "title", "content", "elder",
                  "area", "area_path", "complainant_name", "complainant_phone", "relation", "consent_disclose",
                  "subject_provider", "subject_institution", "work_order", "alarm", "status", "unit_kind", "unit", "received_at",
                  "due_at", "due_rule", "escalation_level", "extension_status", "reply", "finding", "replied_at",
                  "satisfaction", "return_called_at", "reopen_count", "closed_at", "on_time", "overdue"]  # fmt: skip
        read_only_fields = fields

    def _visible(self, case: Case) -> bool:
        request = self.context.get("request")
        return identity_visible(getattr(request, "user", None), case)

    def get_complainant_name(self, case: Case) -> str:
        return case.complainant_name if self._visible(case) else ""

    def get_complainant_phone(self, case: Case) -> str:
        return case.complainant_phone_masked if self._visible(case) else ""


class CaseCreateSerializer(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=4000)
    area = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
                                    help_text=gettext_lazy("街道或社区编号；不涉及登记老人时必填"))  # fmt: skip
    elder = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    complainant_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    relation = serializers.ChoiceField(choices=Relation.choices, default=Relation.SELF)
    consent_disclose = serializers.BooleanField(default=False)
    urgent = serializers.BooleanField(default=False)
    external_ref = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                         help_text=gettext_lazy("来源单号（12345工单号）；重复提交返回已登记的件"))  # fmt: skip
    source_due_at = serializers.DateTimeField(required=False, allow_null=True)
    subject_provider = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    subject_institution = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
        help_text=gettext_lazy("被投诉养老机构编号；投诉属实时计入该机构的月度考评"),
    )  # fmt: skip
    work_order = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")


class CaseAssignSerializer(serializers.Serializer[Any]):
    unit_kind = serializers.ChoiceField(choices=UnitKind.choices)
    unit_area = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    unit_provider = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    unit_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CaseReplySerializer(serializers.Serializer[Any]):
    finding = serializers.ChoiceField(choices=Finding.choices)
    reply = serializers.CharField(max_length=4000)


class CaseReturnCallSerializer(serializers.Serializer[Any]):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CaseExtendSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=30)
    reason = serializers.CharField(max_length=300)


class CaseDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


_SCOPE = {"create": "add", "assign": "assign", "reply": "reply", "return_call": "callback", "extend": "reply",
          "decide_extension": "approve"}  # fmt: skip


class CaseViewSet(ScopedReadOnlyViewSet):
    """投诉信访件."""

    queryset = Case.objects.select_related("unit_provider", "unit_area")
    serializer_class = CaseReadSerializer
    filterset_class = CaseFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_action: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.scope_action = _SCOPE.get(self.action or "")
        super().initial(request, *args, **kwargs)

    def _done(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        return Response(CaseReadSerializer(case, context={"request": self.request}).data, status=code)

    @extend_schema(request=CaseCreateSerializer, responses={200: CaseReadSerializer, 201: CaseReadSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = validated_body(CaseCreateSerializer, request)
        user = request.user
        elder = area = provider = order = None
        if d.get("elder"):
            elder = Elder.objects.for_user(user).filter(pk=d["elder"]).first()
            if elder is None:
                raise ValidationError({"elder": _("找不到该老人")})
        if d.get("area"):
            area = (
                Area.objects.for_user(user)
                .filter(pk=d["area"], level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY])
                .first()
            )
            if area is None:
                raise ValidationError({"area": _("找不到该街道或社区")})
        if d.get("subject_provider"):
            provider = Provider.objects.for_user(user).filter(pk=d["subject_provider"]).first()
            if provider is None:
                raise ValidationError({"subject_provider": _("找不到该服务商")})
        home = None
        if d.get("subject_institution"):
            home = Institution.objects.for_user(user).filter(pk=d["subject_institution"]).first()
            if home is None:
                raise ValidationError({"subject_institution": _("找不到该养老机构")})
        if d.get("work_order"):
            order = WorkOrder.objects.for_user(user).filter(number=d["work_order"]).first()
            if order is None:
                raise ValidationError({"work_order": _("未找到该工单，或不在您的辖区")})
        data = actions.CaseData(
            channel=d["channel"], category=d["category"], title=d["title"], content=d["content"], area=area,
            elder=elder, complainant_name=d["complainant_name"], complainant_phone=d["complainant_phone"],
            relation=d["relation"], consent_disclose=d["consent_disclose"], urgent=d["urgent"],
            external_ref=d["external_ref"], source_due_at=d.get("source_due_at"), subject_provider=provider,
            work_order=order, subject_institution=home,
        )  # fmt: skip
        case, created = actions.case_create(data=data, actor=user)
        return self._done(case, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=CaseAssignSerializer, responses=CaseReadSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        d = validated_body(CaseAssignSerializer, request)
        area = Area.objects.for_user(request.user).filter(pk=d.get("unit_area") or 0).first()
        provider = Provider.objects.for_user(request.user).filter(pk=d.get("unit_provider") or 0).first()
        case = actions.case_assign(case=case, unit_kind=d["unit_kind"], unit_area=area, unit_provider=provider,
                                   unit_name=d["unit_name"], note=d["note"], actor=request.user)  # fmt: skip
        return self._done(case)

    @extend_schema(request=CaseReplySerializer, responses=CaseReadSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        return self._done(
            actions.case_reply(case=case, actor=request.user, **validated_body(CaseReplySerializer, request))
        )

    @extend_schema(request=CaseReturnCallSerializer, responses=CaseReadSerializer)
    @action(detail=True, methods=["post"], url_path="return-call")
    def return_call(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        d = validated_body(CaseReturnCallSerializer, request)
        return self._done(actions.case_return_call(case=case, actor=request.user, **d))

    @extend_schema(request=CaseExtendSerializer, responses=CaseReadSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        d = validated_body(CaseExtendSerializer, request)
        return self._done(actions.case_extension_request(case=case, actor=request.user, **d))

    @extend_schema(request=CaseDecisionSerializer, responses=CaseReadSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        d = validated_body(CaseDecisionSerializer, request)
        return self._done(actions.case_extension_decide(case=case, actor=request.user, **d))


ROUTES: list[tuple[str, Any, str]] = [("complaints/cases", CaseViewSet, "complaintcase")]
