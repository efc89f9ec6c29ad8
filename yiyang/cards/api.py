"""The 优待证 and 银龄安康 API: each entry of ``ROUTES`` is registered under /api/v1/ by ``config.api_urls``.

Cards change only through verbs: ``POST cards/cards/issue/`` (an elder's card) and
``POST cards/cards/{id}/reissue/`` (void and issue a new number). The insurance list and claims are
read here; they are written by the pages, the import and the list generation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.cards import actions
from yiyang.cards.choices import VoidReason
from yiyang.cards.filtersets import CardFilterSet, ClaimFilterSet, EnrolmentFilterSet
from yiyang.cards.models import Card, Claim, Enrolment
from yiyang.core.api import ScopedReadOnlyViewSet
from yiyang.people.models import Elder


class CardReadSerializer(serializers.ModelSerializer[Card]):
    class Meta:
        model = Card
        fields = ["id", "number", "elder", "area_path", "basis", "permit_number", "issued_on", "valid_to", "status",
                  "void_reason", "ended_on", "replaces", "batch"]  # fmt: skip
        read_only_fields = fields


class CardIssueSerializer(serializers.Serializer[Any]):
    elder = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    permit_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CardReissueSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=VoidReason.choices)


class CardViewSet(ScopedReadOnlyViewSet):
    """老年人优待证."""

    queryset = Card.objects.all()
    serializer_class = CardReadSerializer
    filterset_class = CardFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_action: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.scope_action = "issue" if self.action in ("issue", "reissue") else None
        super().initial(request, *args, **kwargs)

    @extend_schema(request=CardIssueSerializer, responses={201: CardReadSerializer})
    @action(detail=False, methods=["post"])
    def issue(self, request: Request) -> Response:
        body = CardIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        elder = Elder.objects.for_user(request.user).filter(pk=d["elder"]).first()
        if elder is None:
            raise ValidationError({"elder": _("找不到该老人")})
        card = actions.card_issue(
            elder=elder, actor=request.user, permit_number=d["permit_number"], note=d["note"]
        )
        return Response(CardReadSerializer(card).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CardReissueSerializer, responses={201: CardReadSerializer})
    @action(detail=True, methods=["post"])
    def reissue(self, request: Request, pk: str | None = None) -> Response:
        card = self.get_object()
        body = CardReissueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = actions.card_reissue(card=card, reason=body.validated_data["reason"], actor=request.user)
        return Response(CardReadSerializer(new).data, status=status.HTTP_201_CREATED)


class EnrolmentReadSerializer(serializers.ModelSerializer[Enrolment]):
    class Meta:
        model = Enrolment
        fields = ["id", "year", "elder", "area_path", "payer", "group", "premium", "policy_number", "enrolled_on",
                  "source", "elder_living"]  # fmt: skip
        read_only_fields = fields


class EnrolmentViewSet(ScopedReadOnlyViewSet):
    """银龄安康参保名单."""

    queryset = Enrolment.objects.all()
    serializer_class = EnrolmentReadSerializer
    filterset_class = EnrolmentFilterSet


class ClaimReadSerializer(serializers.ModelSerializer[Claim]):
    class Meta:
        model = Claim
        fields = ["id", "number", "enrolment", "elder", "area_path", "kind", "occurred_on", "description", "claimed",
                  "paid", "status", "decided_on"]  # fmt: skip
        read_only_fields = fields


class ClaimViewSet(ScopedReadOnlyViewSet):
    """银龄安康理赔."""

    queryset = Claim.objects.all()
    serializer_class = ClaimReadSerializer
    filterset_class = ClaimFilterSet


ROUTES: list[tuple[str, Any, str]] = [
    ("cards/cards", CardViewSet, "card"),
    ("cards/enrolments", EnrolmentViewSet, "enrolment"),
    ("cards/claims", ClaimViewSet, "insuranceclaim"),
]
