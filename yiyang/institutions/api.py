"""The institutions API under /api/v1/institutions/: homes, liability policies, beds (and, as the later
sub-domains land, residents, safety records, inspections and subsidies). Each entry of ``ROUTES`` is
registered under /api/v1/ by ``config.api_urls``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet
from yiyang.institutions.actions import residents as resident_actions
from yiyang.institutions.actions import safety as safety_actions
from yiyang.institutions.choices import CareLevel, DischargeReason, Risk, RiskAssessmentReason, StayKind
from yiyang.institutions.forms_residents import identify_elder
from yiyang.institutions.models import (
    Bed,
    BedAssignment,
    Finding,
    Incident,
    Inspection,
    Institution,
    InsurancePolicy,
    Resident,
    RiskAssessment,
    RoundLog,
    StarAssessment,
)
from yiyang.institutions.models.facility import room_for


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    class Meta:
        model = Institution
        fields = ["id", "name", "kind", "area", "area_path", "address", "latitude", "longitude", "operator",
                  "legal_person", "phone", "licence_kind", "licence_no", "licence_from", "licence_to", "medical",
                  "design_beds", "floor_area", "fee_min", "fee_max", "fee_note", "bank_name", "bank_account", "star_level", "opened_on",
                  "is_active"]  # fmt: skip
        read_only_fields = ["area_path", "star_level"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def value(name: str) -> Any:
            return attrs.get(name, getattr(self.instance, name, None))

        errors = {}
        if value("licence_from") and value("licence_to") and value("licence_to") < value("licence_from"):
            errors["licence_to"] = gettext("有效期不能早于备案/许可日期")
        if (
            value("fee_min") is not None
            and value("fee_max") is not None
            and value("fee_max") < value("fee_min")
        ):
            errors["fee_max"] = gettext("月收费上限不能低于下限")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class InsurancePolicySerializer(serializers.ModelSerializer[InsurancePolicy]):
    class Meta:
        model = InsurancePolicy
        fields = [
            "id",
            "institution",
            "policy_no",
            "insurer",
            "valid_from",
            "valid_to",
            "cover",
            "premium",
            "note",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("valid_from", getattr(self.instance, "valid_from", None))
        end = attrs.get("valid_to", getattr(self.instance, "valid_to", None))
        if start and end and end < start:
            raise serializers.ValidationError({"valid_to": gettext("保险止期不能早于起期")})
        return attrs


class BedSerializer(serializers.ModelSerializer[Bed]):
    """A bed by its place as people name it; the building, floor and room records are found or made."""

    building = serializers.CharField(source="room.floor.building.name", max_length=30)
    floor = serializers.IntegerField(source="room.floor.level", min_value=-5, max_value=200)
    room = serializers.CharField(source="room.number", max_length=20)

    class Meta:
        model = Bed
        fields = ["id", "institution", "building", "floor", "room", "number", "kind", "status", "added_on"]
        # The place is checked in ``validate`` (the unique pair is room and number).
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current: Bed | None = self.instance
        place = attrs.pop("room", None) or {}
        home = attrs.get("institution") or (current.institution if current else None)
        floor = place.get("floor", {})
        building = floor.get("building", {}).get("name") or (current.building_name if current else "")
        level = floor.get("level", current.floor_level if current else None)
        number = place.get("number") or (current.room_number if current else "")
        if home is None or not (building and level is not None and number):
            raise serializers.ValidationError({"room": gettext("请填写楼栋、楼层和房间")})
        self._place = (home, building, level, number)
        bed_no = attrs.get("number") or (current.number if current else "")
        clash = Bed.objects.filter(
            institution=home, room__floor__building__name=building, room__floor__level=level,
            room__number=number, number=bed_no,
        )  # fmt: skip
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise serializers.ValidationError({"number": gettext("该房间已有此床号")})
        return attrs

    # The room is found or made when saving, inside the view's transaction (refused out of scope, undone).
    def create(self, validated_data: dict[str, Any]) -> Bed:
        validated_data["room"] = room_for(*self._place)
        return super().create(validated_data)

    def update(self, instance: Bed, validated_data: dict[str, Any]) -> Bed:
        validated_data["room"] = room_for(*self._place)
        return super().update(instance, validated_data)


class InstitutionViewSet(ScopedViewSet):
    """养老机构."""

    queryset = Institution.objects.select_related("area")
    serializer_class = InstitutionSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class InsurancePolicyViewSet(ScopedViewSet):
    """养老机构责任保险."""

    queryset = InsurancePolicy.objects.select_related("institution")
    serializer_class = InsurancePolicySerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class BedViewSet(ScopedViewSet):
    """床位."""

    queryset = Bed.objects.select_related("institution", "room__floor__building")
    serializer_class = BedSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class BedAssignmentResidentSerializer(serializers.ModelSerializer[BedAssignment]):
    bed_label = serializers.CharField(source="bed.__str__", read_only=True)

    class Meta:
        model = BedAssignment
        fields = ["bed", "bed_label", "care_level", "start", "end"]
        read_only_fields = fields


class ResidentSerializer(serializers.ModelSerializer[Resident]):
    elder_name = serializers.CharField(source="elder.name", read_only=True)
    elder_id_number = serializers.CharField(source="elder.id_number_masked", read_only=True)
    beds = BedAssignmentResidentSerializer(many=True, read_only=True)

    class Meta:
        model = Resident
        fields = ["id", "elder", "elder_name", "elder_id_number", "institution", "kind", "care_level", "contract_no",
                  "planned_end", "admitted_on", "status", "discharged_on", "discharge_reason", "discharge_note",
                  "retain_until", "capability_level", "capability_assessed_on", "risk_assessment", "beds"]  # fmt: skip
        read_only_fields = fields


class AdmitRequestSerializer(serializers.Serializer[Any]):
    id_number = serializers.CharField(help_text=_("身份证号"))
    name = serializers.CharField(help_text=_("姓名（须与台账一致）"))
    institution = serializers.IntegerField()
    bed = serializers.IntegerField()
    admitted_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=StayKind.choices, default=StayKind.LONG)
    care_level = serializers.ChoiceField(choices=[("", ""), *CareLevel.choices], default="", allow_blank=True)
    contract_no = serializers.CharField(default="", allow_blank=True)
    planned_end = serializers.DateField(required=False, allow_null=True, default=None)


class MoveBedRequestSerializer(serializers.Serializer[Any]):
    bed = serializers.IntegerField()
    on = serializers.DateField()


class DischargeRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=DischargeReason.choices)
    on = serializers.DateField()
    note = serializers.CharField(default="", allow_blank=True)


class RiskItemResidentSerializer(serializers.Serializer[Any]):
    risk = serializers.ChoiceField(choices=Risk.choices)
    level = serializers.IntegerField(min_value=0, max_value=3)
    measures = serializers.CharField(default="", allow_blank=True, max_length=300)


class RiskAssessmentSerializer(serializers.ModelSerializer[RiskAssessment]):
    elder_name = serializers.CharField(source="elder.name", read_only=True)
    items = RiskItemResidentSerializer(many=True, read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "elder",
            "elder_name",
            "institution",
            "assessed_on",
            "reason",
            "assessor",
            "note",
            "items",
        ]
        read_only_fields = fields


class RiskAssessmentRequestSerializer(serializers.Serializer[Any]):
    id_number = serializers.CharField()
    name = serializers.CharField()
    institution = serializers.IntegerField()
    assessed_on = serializers.DateField()
    reason = serializers.ChoiceField(
        choices=RiskAssessmentReason.choices, default=RiskAssessmentReason.ADMISSION
    )
    assessor = serializers.CharField()
    note = serializers.CharField(default="", allow_blank=True, max_length=200)
    items = RiskItemResidentSerializer(many=True)


def _elder(request: Request, data: dict[str, Any], purpose: str) -> Any:
    from django.core.exceptions import ValidationError
    from django.forms import ValidationError as FormError

    try:
        return identify_elder(request.user, data["id_number"], data["name"], purpose)
    except FormError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc


def _visible(model: Any, request: Request, pk: int, action_name: str = "view") -> Any:
    found = model.objects.for_user(request.user, action_name).filter(pk=pk).first()
    if found is None:
        raise NotFound(gettext("未找到"))
    return found


class ResidentViewSet(ScopedReadOnlyViewSet):
    """入住老人. Verbs: ``admit`` (collection), ``move_bed`` and ``discharge`` (one stay)."""

    log_views = True  # read as the page is: logged (PIPL processing record)
    queryset = Resident.objects.select_related("elder").prefetch_related("beds__bed")
    serializer_class = ResidentSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=AdmitRequestSerializer, responses={201: ResidentSerializer})
    @action(detail=False, methods=["post"], scope_action="admit")
    def admit(self, request: Request) -> Response:
        body = AdmitRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        home = _visible(Institution, request, data["institution"])
        bed = _visible(Bed, request, data["bed"])
        elder = _elder(request, data, "养老机构入住登记")
        resident = resident_actions.resident_admit(
            elder=elder, institution=home, bed=bed, admitted_on=data["admitted_on"], kind=data["kind"],
            care_level=data["care_level"], contract_no=data["contract_no"], planned_end=data["planned_end"],
            actor=request.user,
        )  # fmt: skip
        return Response(ResidentSerializer(resident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MoveBedRequestSerializer, responses=ResidentSerializer)
    @action(detail=True, methods=["post"], scope_action="admit")
    def move_bed(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        body = MoveBedRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        bed = _visible(Bed, request, body.validated_data["bed"])
        resident_actions.resident_move_bed(
            resident=resident, bed=bed, on=body.validated_data["on"], actor=request.user
        )
        resident.refresh_from_db()
        return Response(ResidentSerializer(resident).data)

    @extend_schema(request=DischargeRequestSerializer, responses=ResidentSerializer)
    @action(detail=True, methods=["post"], scope_action="admit")
    def discharge(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        body = DischargeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        resident = resident_actions.resident_discharge(
            resident=resident, on=data["on"], reason=data["reason"], note=data["note"], actor=request.user
        )
        return Response(ResidentSerializer(resident).data)


class RiskAssessmentViewSet(ScopedReadOnlyViewSet):
    """GB 38600 服务安全风险评估. ``POST`` records one (the elder by ID number and name)."""

    queryset = RiskAssessment.objects.select_related("elder").prefetch_related("items")
    serializer_class = RiskAssessmentSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=RiskAssessmentRequestSerializer, responses={201: RiskAssessmentSerializer})
    @action(detail=False, methods=["post"], scope_action="add", url_path="record")
    def record(self, request: Request) -> Response:
        body = RiskAssessmentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        home = _visible(Institution, request, data["institution"])
        elder = _elder(request, data, "服务安全风险评估")
        assessment = resident_actions.risk_assessment_create(
            elder=elder, institution=home, assessor=data["assessor"], assessed_on=data["assessed_on"],
            reason=data["reason"], note=data["note"], actor=request.user,
            items={i["risk"]: (i["level"], i["measures"]) for i in data["items"]},
        )  # fmt: skip
        return Response(RiskAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    elder_name = serializers.CharField(source="resident.elder.name", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "institution", "resident", "elder_name", "kind", "occurred_at", "place", "harm",
                  "description", "handling"]  # fmt: skip
        read_only_fields = ["institution"]


class RoundLogSerializer(serializers.ModelSerializer[RoundLog]):
    class Meta:
        model = RoundLog
        fields = ["id", "institution", "date", "shift", "rounds", "staff", "findings", "handover"]


class FindingSerializer(serializers.ModelSerializer[Finding]):
    class Meta:
        model = Finding
        fields = ["id", "inspection", "institution", "item", "description", "severity", "deadline", "status",
                  "rectified_on",
                  "rectification", "rechecked_on", "recheck_note", "escalated_on"]  # fmt: skip
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "institution", "inspected_on", "inspectors", "summary", "status", "findings"]
        read_only_fields = fields


class StarAssessmentSerializer(serializers.ModelSerializer[StarAssessment]):
    class Meta:
        model = StarAssessment
        fields = ["id", "institution", "assessed_on", "environment", "facilities", "management", "service", "total",
                  "level", "confirmed"]  # fmt: skip
        read_only_fields = fields


class IncidentViewSet(ScopedReadOnlyViewSet):
    """安全事件 (GB 38600). ``POST`` reports one; the resident's risk register goes up with it."""

    queryset = Incident.objects.select_related("resident__elder")
    serializer_class = IncidentSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=IncidentSerializer, responses={201: IncidentSerializer})
    @action(detail=False, methods=["post"], scope_action="add")
    def report(self, request: Request) -> Response:
        body = IncidentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        resident = _visible(Resident, request, data["resident"].pk)
        incident = safety_actions.incident_report(
            resident=resident, kind=data["kind"], occurred_at=data["occurred_at"], description=data["description"],
            harm=data.get("harm", "none"), place=data.get("place", ""), handling=data.get("handling", ""),
            actor=request.user,
        )  # fmt: skip
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class RoundLogViewSet(ScopedViewSet):
    """巡查记录."""

    queryset = RoundLog.objects.all()
    serializer_class = RoundLogSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class InspectionViewSet(ScopedReadOnlyViewSet):
    """监督检查 with their findings."""

    queryset = Inspection.objects.prefetch_related("findings")
    serializer_class = InspectionSerializer


class FindingViewSet(ScopedReadOnlyViewSet):
    """整改事项."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer


class StarAssessmentViewSet(ScopedReadOnlyViewSet):
    """等级评定 (GB/T 37276 自评)."""

    queryset = StarAssessment.objects.all()
    serializer_class = StarAssessmentSerializer


ROUTES: list[tuple[str, Any, str]] = [
    ("institutions/institutions", InstitutionViewSet, "institution"),
    ("institutions/policies", InsurancePolicyViewSet, "institutionpolicy"),
    ("institutions/beds", BedViewSet, "institutionbed"),
    ("institutions/residents", ResidentViewSet, "resident"),
    ("institutions/risk-assessments", RiskAssessmentViewSet, "riskassessment"),
    ("institutions/incidents", IncidentViewSet, "incident"),
    ("institutions/rounds", RoundLogViewSet, "roundlog"),
    ("institutions/inspections", InspectionViewSet, "inspection"),
    ("institutions/findings", FindingViewSet, "finding"),
    ("institutions/star-assessments", StarAssessmentViewSet, "starassessment"),
]
