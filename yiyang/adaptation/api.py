"""The adaptation API under /api/v1/adaptation/: projects (read, and the verbs of the street's desk:
approve, accept, pay, use check, opt out), contractors, the catalogue and the caps (read).

Each verb calls its action and nothing more: a refused payment (before acceptance, above the cap) is a
400 with the reason. Each entry of ``ROUTES`` is registered under /api/v1/ by ``config.api_urls``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.adaptation import actions
from yiyang.adaptation.choices import Acceptor, OptOutReason, UseResult
from yiyang.adaptation.filtersets import ProjectFilterSet
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, PlanLine, Project
from yiyang.core.api import ScopedReadOnlyViewSet, validated_body


class PlanLineReadSerializer(serializers.ModelSerializer[PlanLine]):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = PlanLine
        fields = ["id", "item", "item_code", "item_name", "quantity", "unit_price", "amount", "device_serial"]
        read_only_fields = fields


class AdaptationProjectReadSerializer(serializers.ModelSerializer[Project]):
    number = serializers.CharField(read_only=True)
    lines = PlanLineReadSerializer(many=True, read_only=True)
    use_check_due = serializers.BooleanField(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "number", "elder", "area_path", "year", "source", "category", "status", "cap",
                  "enrolled_on", "surveyed_on", "surveyor", "plan_total", "approved_at", "contractor",
                  "assigned_at", "works_finished_on", "elder_signed", "acceptor", "acceptor_name", "accepted_on",
                  "paid_amount", "paid_on", "payment_ref", "use_check_from", "use_check_to", "use_checked_on",
                  "use_result", "opt_out_reason", "opt_out_statement", "opt_out_signed_on", "use_check_due",
                  "lines"]  # fmt: skip
        read_only_fields = fields


class AdaptationAcceptSerializer(serializers.Serializer[Any]):
    elder_signed = serializers.BooleanField()
    acceptor = serializers.ChoiceField(choices=Acceptor.choices)
    acceptor_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    accepted_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AdaptationPaySerializer(serializers.Serializer[Any]):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class AdaptationUseCheckSerializer(serializers.Serializer[Any]):
    checked_on = serializers.DateField()
    result = serializers.ChoiceField(choices=UseResult.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AdaptationOptOutSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=OptOutReason.choices)
    statement = serializers.CharField(max_length=500)
    signed_on = serializers.DateField()


_SCOPE = {"approve": "approve", "accept": "accept", "pay": "pay", "use_check": "check", "opt_out": "optout"}


class AdaptationProjectViewSet(ScopedReadOnlyViewSet):
    """适老化改造项目."""

    queryset = Project.objects.select_related("elder").prefetch_related("lines__item")
    serializer_class = AdaptationProjectReadSerializer
    filterset_class = ProjectFilterSet
    scope_action: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.scope_action = _SCOPE.get(self.action or "")
        super().initial(request, *args, **kwargs)

    def _done(self, project: Project) -> Response:
        return Response(AdaptationProjectReadSerializer(project, context={"request": self.request}).data)

    @extend_schema(request=None, responses=AdaptationProjectReadSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._done(actions.project_approve(project=self.get_object(), actor=request.user))

    @extend_schema(request=AdaptationAcceptSerializer, responses=AdaptationProjectReadSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        d = validated_body(AdaptationAcceptSerializer, request)
        return self._done(actions.project_accept(project=project, actor=request.user, **d))

    @extend_schema(request=AdaptationPaySerializer, responses=AdaptationProjectReadSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        d = validated_body(AdaptationPaySerializer, request)
        return self._done(actions.project_pay(project=project, actor=request.user, **d))

    @extend_schema(request=AdaptationUseCheckSerializer, responses=AdaptationProjectReadSerializer)
    @action(detail=True, methods=["post"], url_path="use-check")
    def use_check(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        d = validated_body(AdaptationUseCheckSerializer, request)
        return self._done(actions.project_use_check(project=project, actor=request.user, **d))

    @extend_schema(request=AdaptationOptOutSerializer, responses=AdaptationProjectReadSerializer)
    @action(detail=True, methods=["post"], url_path="opt-out")
    def opt_out(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        d = validated_body(AdaptationOptOutSerializer, request)
        return self._done(actions.project_opt_out(project=project, actor=request.user, **d))


class AdaptationContractorSerializer(serializers.ModelSerializer[Contractor]):
    class Meta:
        model = Contractor
        fields = ["id", "name", "credit_code", "contact_name", "contact_phone", "is_active"]
        read_only_fields = fields


class AdaptationContractorViewSet(ScopedReadOnlyViewSet):
    """施工单位."""

    queryset = Contractor.objects.all()
    serializer_class = AdaptationContractorSerializer


class AdaptationCatalogueItemSerializer(serializers.ModelSerializer[CatalogueItem]):
    class Meta:
        model = CatalogueItem
        fields = ["id", "code", "name", "unit", "price", "device_kind", "valid_from", "valid_to", "basis"]
        read_only_fields = fields


class AdaptationCatalogueItemViewSet(ScopedReadOnlyViewSet):
    """改造项目目录."""

    queryset = CatalogueItem.objects.all()
    serializer_class = AdaptationCatalogueItemSerializer


class AdaptationCapRuleSerializer(serializers.ModelSerializer[CapRule]):
    class Meta:
        model = CapRule
        fields = ["id", "category", "amount", "valid_from", "valid_to", "basis"]
        read_only_fields = fields


class AdaptationCapRuleViewSet(ScopedReadOnlyViewSet):
    """每户补助上限."""

    queryset = CapRule.objects.all()
    serializer_class = AdaptationCapRuleSerializer


ROUTES: list[tuple[str, Any, str]] = [
    ("adaptation/projects", AdaptationProjectViewSet, "adaptationproject"),
    ("adaptation/contractors", AdaptationContractorViewSet, "adaptationcontractor"),
    ("adaptation/catalogue", AdaptationCatalogueItemViewSet, "adaptationcatalogueitem"),
    ("adaptation/caps", AdaptationCapRuleViewSet, "adaptationcaprule"),
]
