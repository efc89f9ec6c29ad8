"""API of meal assistance under /api/v1/meals/: canteens (with the counter verbs), menus, records, deliveries.

A canteen's own till or app: ``POST /api/v1/meals/canteens/{id}/check/`` identifies the elder and
quotes the subsidy (returns a short-lived token), ``POST .../serve/`` records the meal with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet
from yiyang.meals import actions
from yiyang.meals.choices import MealSlot
from yiyang.meals.models import Canteen, DeliveryOrder, MealRecord, Menu

ZERO = Decimal("0.00")


class CanteenSerializer(serializers.ModelSerializer[Canteen]):
    class Meta:
        model = Canteen
        fields = ["id", "name", "kind", "area", "area_path", "address", "latitude", "longitude", "operator",
                  "phone", "seats", "is_active"]  # fmt: skip
        read_only_fields = ["area_path"]


class MenuSerializer(serializers.ModelSerializer[Menu]):
    class Meta:
        model = Menu
        fields = ["id", "canteen", "date", "slot", "dishes", "price"]


class MealRecordSerializer(serializers.ModelSerializer[MealRecord]):
    elder_name = serializers.CharField(source="elder.name", read_only=True)
    elder_id_number = serializers.CharField(source="elder.id_number_masked", read_only=True)

    class Meta:
        model = MealRecord
        fields = ["id", "elder", "elder_name", "elder_id_number", "canteen", "date", "slot", "channel", "price",
                  "subsidised", "subsidy", "elder_paid", "subsidy_note", "identified_by", "served_at"]  # fmt: skip
        read_only_fields = fields


class DeliveryOrderSerializer(serializers.ModelSerializer[DeliveryOrder]):
    class Meta:
        model = DeliveryOrder
        fields = ["id", "canteen", "elder", "meal", "date", "slot", "address", "status", "deliverer",
                  "delivered_at", "note", "created_at"]  # fmt: skip
        read_only_fields = fields


class CheckRequestSerializer(serializers.Serializer[Any]):
    identifier = serializers.CharField(help_text=_("身份证号、助餐卡号或二维码内容"))
    slot = serializers.ChoiceField(choices=MealSlot.choices, required=False)


class CheckResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    name = serializers.CharField()
    id_number_masked = serializers.CharField()
    age = serializers.IntegerField()
    categories = serializers.ListField(child=serializers.CharField())
    slot = serializers.CharField()
    price = serializers.DecimalField(max_digits=8, decimal_places=2)
    subsidy = serializers.DecimalField(max_digits=8, decimal_places=2)
    elder_pays = serializers.DecimalField(max_digits=8, decimal_places=2)
    already_subsidised = serializers.BooleanField()
    message = serializers.CharField()


class ServeRequestSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    slot = serializers.ChoiceField(choices=MealSlot.choices)
    identified_by = serializers.ChoiceField(choices=["id_number", "card", "qr"], default="id_number")
    subsidy = serializers.ChoiceField(choices=["require", "none"], default="require",
                                      help_text=_("require: 已补贴则拒绝（409）；none: 按原价"))  # fmt: skip
    delivery = serializers.BooleanField(default=False)


class DeliverRequestSerializer(serializers.Serializer[Any]):
    deliverer = serializers.CharField()


class CanteenViewSet(ScopedViewSet):
    """助餐点. Workflow verbs: ``check`` and ``serve`` (the counter)."""

    queryset = Canteen.objects.select_related("area")
    serializer_class = CanteenSerializer
    scope_action: str | None = None  # set per verb by @action
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self) -> Any:
        return {"check": CheckRequestSerializer, "serve": ServeRequestSerializer}.get(
            self.action, CanteenSerializer
        )

    def _servable(self) -> Canteen:
        canteen = self.get_object()
        if not actions.servable_canteens(self.request.user).filter(pk=canteen.pk).exists():
            raise PermissionDenied(gettext("您不是该助餐点的工作人员"))
        return canteen

    @extend_schema(request=CheckRequestSerializer, responses=CheckResponseSerializer)
    @action(detail=True, methods=["post"], scope_action="serve")
    def check(self, request: Request, pk: str | None = None) -> Response:
        canteen = self._servable()
        body = CheckRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = actions.counter_check(
            canteen=canteen, identifier=body.validated_data["identifier"], actor=request.user,
            slot=body.validated_data.get("slot"),
        )  # fmt: skip
        return Response({
            "token": result.token, "name": result.name, "id_number_masked": result.id_number_masked,
            "age": result.age, "categories": result.category_labels, "slot": result.slot,
            "price": f"{result.price:.2f}", "subsidy": f"{(ZERO if result.already else result.subsidy):.2f}",
            "elder_pays": f"{result.elder_pays:.2f}", "already_subsidised": result.already is not None,
            "message": result.refusal or result.quote.describe(),
        })  # fmt: skip

    @extend_schema(request=ServeRequestSerializer, responses=MealRecordSerializer)
    @action(detail=True, methods=["post"], scope_action="serve")
    def serve(self, request: Request, pk: str | None = None) -> Response:
        canteen = self._servable()
        body = ServeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # A meal already subsidised in this slot is refused with a 409 (actions.MealRefused).
        elder = actions.counter_token_elder(data["token"], canteen)
        if data["delivery"]:
            record = actions.delivery_order_create(
                canteen=canteen, elder=elder, slot=data["slot"], actor=request.user
            ).meal
        else:
            record = actions.meal_record_create(
                canteen=canteen, elder=elder, slot=data["slot"], actor=request.user,
                identified_by=data["identified_by"], subsidy=data["subsidy"],
            )  # fmt: skip
        return Response(MealRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class MenuViewSet(ScopedViewSet):
    queryset = Menu.objects.select_related("canteen")
    serializer_class = MenuSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class MealRecordViewSet(ScopedViewSet):
    """助餐记录 (read-only: meals are recorded through the counter verbs)."""

    queryset = MealRecord.objects.select_related("elder", "canteen")
    serializer_class = MealRecordSerializer
    http_method_names = ["get", "head", "options"]


class DeliveryOrderViewSet(ScopedReadOnlyViewSet):
    """送餐单. ``POST .../{id}/deliver/`` marks it handed over."""

    queryset = DeliveryOrder.objects.select_related("canteen")
    serializer_class = DeliveryOrderSerializer
    scope_action: str | None = None
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=DeliverRequestSerializer, responses=DeliveryOrderSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def deliver(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        body = DeliverRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = actions.delivery_order_deliver(order=order, deliverer=body.validated_data["deliverer"],
                                               actor=request.user)  # fmt: skip
        return Response(DeliveryOrderSerializer(order).data)
