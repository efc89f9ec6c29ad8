"""The volunteers API: each entry of ``ROUTES`` is registered under /api/v1/ by ``config.api_urls``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core import crypto
from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet, validated_body
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.people.models import Elder
from yiyang.volunteers import matching
from yiyang.volunteers.actions import bank, pairs, requests, services
from yiyang.volunteers.choices import Consent, PairEndReason, RedeemMethod, SignoffMethod, Skill
from yiyang.volunteers.models import (
    HelpRequest,
    MutualAidPair,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
    Volunteer,
    VolunteerTeam,
)


class VolunteerTeamSerializer(serializers.ModelSerializer[VolunteerTeam]):
    class Meta:
        model = VolunteerTeam
        fields = ["id", "name", "kind", "area", "area_path", "organisation", "leader_name", "leader_phone",
                  "founded_on", "description", "is_active"]  # fmt: skip
        read_only_fields = ["area_path"]


class VolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    skills = serializers.ListField(child=serializers.CharField(), source="skill_list", read_only=True)
    age = serializers.IntegerField(read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "id_number_masked", "sex", "age", "phone_masked", "kind", "skills",
                  "available_days", "available_slots", "area", "area_path", "team", "elder",
                  "former_profession", "willingness", "status", "joined_on"]  # fmt: skip
        read_only_fields = fields


class VolunteerTeamViewSet(ScopedViewSet):
    """志愿服务队."""

    queryset = VolunteerTeam.objects.select_related("area")
    serializer_class = VolunteerTeamSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class VolunteerViewSet(ScopedReadOnlyViewSet):
    """志愿者 (ID number and phone masked). Registered on the pages or by import."""

    queryset = Volunteer.objects.select_related("area")
    serializer_class = VolunteerSerializer


# -- the time bank ---------------------------------------------------------------------------------------


class TimeAccountSerializer(serializers.ModelSerializer[TimeAccount]):
    balance_hours = serializers.FloatField(read_only=True)

    class Meta:
        model = TimeAccount
        fields = ["id", "kind", "name", "volunteer", "team", "elder", "area_path", "balance_minutes", "balance_hours",
                  "opened_at"]  # fmt: skip
        read_only_fields = fields


class TimeMovementSerializer(serializers.ModelSerializer[TimeMovement]):
    class Meta:
        model = TimeMovement
        fields = ["id", "kind", "debit", "credit", "minutes", "occurred_at", "memo", "reverses", "relation",
                  "requested_by", "proxy_relation", "consent", "actor_name"]  # fmt: skip
        read_only_fields = fields


class _ConsentSerializer(serializers.Serializer[Any]):
    minutes = serializers.IntegerField(min_value=1, max_value=1_000_000)
    requested_by = serializers.CharField(max_length=50, help_text=gettext_lazy("本人或代办人姓名"))
    proxy_relation = serializers.CharField(max_length=30, required=False, default="")
    consent = serializers.ChoiceField(choices=Consent.choices)


class TransferRequestSerializer(_ConsentSerializer):
    recipient_id_number = serializers.CharField(max_length=30, help_text=gettext_lazy("受赠老人身份证号"))


class DonateRequestSerializer(_ConsentSerializer):
    pass


class RedeemRequestSerializer(_ConsentSerializer):
    method = serializers.ChoiceField(
        choices=RedeemMethod.choices, help_text=gettext_lazy("cash 一律拒绝（400）")
    )
    service = serializers.CharField(max_length=150, required=False, default="")


class ReverseRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=150)


def _recipient(text: str) -> Elder:
    try:
        parsed = parse_id_number(text)
    except IdNumberError as exc:
        raise serializers.ValidationError({"recipient_id_number": [exc.message]}) from exc
    elder = Elder.objects.filter(id_number_hash=crypto.lookup_hash(parsed.value)).first()
    if elder is None:
        raise serializers.ValidationError({"recipient_id_number": [_("老年人信息台账中没有这个身份证号")]})
    return elder


class TimeAccountViewSet(ScopedReadOnlyViewSet):
    """时间账户. Verbs (with the holder's consent recorded): ``transfer`` to a spouse or a direct relative
    aged 60+, ``donate`` to the pool, ``redeem`` for a service (never cash)."""

    queryset = TimeAccount.objects.all()
    serializer_class = TimeAccountSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=TransferRequestSerializer, responses={201: TimeMovementSerializer})
    @action(detail=True, methods=["post"], scope_action="move")
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        data = validated_body(TransferRequestSerializer, self.request)
        elder = _recipient(data.pop("recipient_id_number"))
        movement = bank.hours_transfer(account=account, elder=elder, actor=request.user, **data)
        return Response(TimeMovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DonateRequestSerializer, responses={201: TimeMovementSerializer})
    @action(detail=True, methods=["post"], scope_action="move")
    def donate(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        movement = bank.hours_donate(
            account=account, actor=request.user, **validated_body(DonateRequestSerializer, self.request)
        )
        return Response(TimeMovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RedeemRequestSerializer, responses={201: TimeMovementSerializer})
    @action(detail=True, methods=["post"], scope_action="move")
    def redeem(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        movement = bank.hours_redeem(
            account=account, actor=request.user, **validated_body(RedeemRequestSerializer, self.request)
        )
        return Response(TimeMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


class TimeMovementViewSet(ScopedReadOnlyViewSet):
    """时间流水 (never edited). ``POST .../{id}/reverse/`` books the reversal; both stay."""

    queryset = TimeMovement.objects.all()
    serializer_class = TimeMovementSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ReverseRequestSerializer, responses={201: TimeMovementSerializer})
    @action(detail=True, methods=["post"], scope_action="reverse")
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        movement = self.get_object()
        body = ReverseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reversal = bank.movement_reverse(
            movement=movement, reason=body.validated_data["reason"], actor=request.user
        )
        return Response(TimeMovementSerializer(reversal).data, status=status.HTTP_201_CREATED)


# -- services ---------------------------------------------------------------------------------------------


class ServiceRecordSerializer(serializers.ModelSerializer[ServiceRecord]):
    class Meta:
        model = ServiceRecord
        fields = ["id", "volunteer", "elder", "skill", "status", "checked_in_at", "check_in_distance",
                  "checked_out_at", "check_out_distance", "signoff_method", "signed_by", "signed_at", "rating",
                  "minutes", "note"]  # fmt: skip
        read_only_fields = fields


class CheckInRequestSerializer(serializers.Serializer[Any]):
    volunteer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    elder = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    skill = serializers.ChoiceField(choices=Skill.choices)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)


class PositionRequestSerializer(serializers.Serializer[Any]):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)


class SignOffRequestSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=SignoffMethod.choices)
    signed_by = serializers.CharField(max_length=50)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)


class ServiceRecordViewSet(ScopedReadOnlyViewSet):
    """志愿服务记录. ``check_in`` (collection), then ``check_out`` and ``sign_off``: the hours are credited."""

    queryset = ServiceRecord.objects.select_related("volunteer", "elder")
    serializer_class = ServiceRecordSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=CheckInRequestSerializer, responses={201: ServiceRecordSerializer})
    @action(detail=False, methods=["post"], scope_action="add")
    def check_in(self, request: Request) -> Response:
        body = CheckInRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        volunteer = Volunteer.objects.get_for_user_or_404(request.user, "view", pk=data.pop("volunteer"))
        elder = Elder.objects.get_for_user_or_404(request.user, "view", pk=data.pop("elder"))
        record = services.service_check_in(volunteer=volunteer, elder=elder, actor=request.user, **data)
        return Response(ServiceRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PositionRequestSerializer, responses=ServiceRecordSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def check_out(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        body = PositionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.service_check_out(record=record, actor=request.user, **body.validated_data)
        return Response(ServiceRecordSerializer(record).data)

    @extend_schema(request=SignOffRequestSerializer, responses=ServiceRecordSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        body = SignOffRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.service_sign_off(record=record, actor=request.user, **body.validated_data)
        record.refresh_from_db()
        return Response(ServiceRecordSerializer(record).data)


# -- help requests ----------------------------------------------------------------------------------------


class HelpRequestSerializer(serializers.ModelSerializer[HelpRequest]):
    class Meta:
        model = HelpRequest
        fields = ["id", "elder", "skill", "description", "wanted_on", "wanted_slot", "channel", "status", "volunteer",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class CandidateSerializer(serializers.Serializer[Any]):
    volunteer = serializers.IntegerField()
    name = serializers.CharField()
    distance_m = serializers.FloatField(allow_null=True)
    skills = serializers.ListField(child=serializers.CharField())


class OfferRequestSerializer(serializers.Serializer[Any]):
    volunteer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class DeclineRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=150, required=False, default="")


class HelpRequestViewSet(ScopedReadOnlyViewSet):
    """求助. ``candidates`` lists matched volunteers (skill, availability, nearest first); ``offer``,
    ``accept`` and ``decline`` move it along."""

    queryset = HelpRequest.objects.select_related("elder", "volunteer")
    serializer_class = HelpRequestSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="match")
    def candidates(self, request: Request, pk: str | None = None) -> Response:
        found = matching.candidates(self.get_object(), request.user)
        return Response([{"volunteer": c.volunteer.pk, "name": c.volunteer.name, "distance_m": c.distance_m,
                          "skills": c.volunteer.skill_list()} for c in found])  # fmt: skip

    @extend_schema(request=OfferRequestSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"], scope_action="match")
    def offer(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        body = OfferRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        volunteer = Volunteer.objects.get_for_user_or_404(
            request.user, "view", pk=body.validated_data["volunteer"]
        )
        return Response(HelpRequestSerializer(requests.request_offer(request=obj, volunteer=volunteer,
                                                                     actor=request.user)).data)  # fmt: skip

    @extend_schema(request=None, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return Response(HelpRequestSerializer(requests.request_accept(request=self.get_object(),
                                                                      actor=request.user)).data)  # fmt: skip

    @extend_schema(request=DeclineRequestSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def decline(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        body = DeclineRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(HelpRequestSerializer(requests.request_decline(request=obj, actor=request.user,
                                                                       reason=body.validated_data["reason"])).data)  # fmt: skip


# -- neighbour mutual-aid pairs ---------------------------------------------------------------------------


class MutualAidPairSerializer(serializers.ModelSerializer[MutualAidPair]):
    class Meta:
        model = MutualAidPair
        fields = ["id", "volunteer", "elder", "area_path", "skill", "every_days", "distance_m", "started_on",
                  "last_visit_on", "next_due_on", "status", "ended_on", "end_reason", "note"]  # fmt: skip
        read_only_fields = fields


class PairCreateRequestSerializer(serializers.Serializer[Any]):
    volunteer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    elder = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    skill = serializers.ChoiceField(choices=Skill.choices, required=False, default=Skill.COMPANIONSHIP)
    every_days = serializers.IntegerField(min_value=1, max_value=90, required=False, default=7,
                                          help_text=gettext_lazy("每几天关怀一次"))  # fmt: skip
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PairEndRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=PairEndReason.choices)
    note = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class NearbyElderSerializer(serializers.Serializer[Any]):
    elder = serializers.IntegerField()
    name = serializers.CharField()
    id_number_masked = serializers.CharField()
    area_name = serializers.CharField()
    distance_m = serializers.FloatField(allow_null=True)


_PAIR_SCOPE = {"create": "add", "end": "change", "nearby_elders": "add"}


class MutualAidPairViewSet(ScopedReadOnlyViewSet):
    """邻里互助结对. ``POST`` pairs a volunteer with an elder (both in the caller's areas); ``end`` ends a
    pair; ``nearby_elders`` proposes the living elders nearest to a volunteer's home. A pair's calls are
    services (``/volunteers/services/check_in/``)."""

    queryset = MutualAidPair.objects.select_related("volunteer", "elder")
    serializer_class = MutualAidPairSerializer
    http_method_names = ["get", "post", "head", "options"]
    scope_action: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.scope_action = _PAIR_SCOPE.get(self.action or "")
        super().initial(request, *args, **kwargs)

    def _volunteer(self, pk: int) -> Volunteer:
        volunteer = Volunteer.objects.for_user(self.request.user).filter(pk=pk).first()
        if volunteer is None:
            raise serializers.ValidationError({"volunteer": [_("您的管辖范围内没有这位志愿者")]})
        return volunteer

    @extend_schema(request=PairCreateRequestSerializer, responses={201: MutualAidPairSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated_body(PairCreateRequestSerializer, request)
        volunteer = self._volunteer(data.pop("volunteer"))
        elder = Elder.objects.for_user(request.user).filter(pk=data.pop("elder")).first()
        if elder is None:
            raise serializers.ValidationError({"elder": [_("您的管辖范围内没有这位在册老人")]})
        pair = pairs.pair_create(volunteer=volunteer, elder=elder, actor=request.user, **data)
        return Response(MutualAidPairSerializer(pair).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PairEndRequestSerializer, responses=MutualAidPairSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        pair = self.get_object()
        data = validated_body(PairEndRequestSerializer, request)
        pair = pairs.pair_end(pair=pair, actor=request.user, **data)
        return Response(MutualAidPairSerializer(pair).data)

    @extend_schema(
        parameters=[OpenApiParameter("volunteer", OpenApiTypes.INT, required=True,
                                     description=gettext_lazy("志愿者编号：按离其住址由近到远"))],
        responses=NearbyElderSerializer(many=True),
    )  # fmt: skip
    @action(
        detail=False, methods=["get"], url_path="nearby-elders", pagination_class=None, filter_backends=[]
    )
    def nearby_elders(self, request: Request) -> Response:
        text = request.query_params.get("volunteer", "")
        if not text.isdigit() or not 1 <= int(text) < 2**63:
            raise serializers.ValidationError({"volunteer": [_("请给出志愿者编号")]})
        found = matching.nearby_elders(self._volunteer(int(text)), request.user)
        return Response([{"elder": p.elder.pk, "name": p.elder.name, "id_number_masked": p.elder.id_number_masked,
                          "area_name": p.elder.area.name, "distance_m": p.distance_m} for p in found])  # fmt: skip


ROUTES: list[tuple[str, Any, str]] = [
    ("volunteers/teams", VolunteerTeamViewSet, "volunteerteam"),
    ("volunteers/volunteers", VolunteerViewSet, "volunteer"),
    ("volunteers/accounts", TimeAccountViewSet, "timeaccount"),
    ("volunteers/ledger", TimeMovementViewSet, "timemovement"),
    ("volunteers/services", ServiceRecordViewSet, "servicerecord"),
    ("volunteers/requests", HelpRequestViewSet, "helprequest"),
    ("volunteers/pairs", MutualAidPairViewSet, "mutualaidpair"),
]
