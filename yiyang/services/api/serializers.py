from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yiyang.services.choices import RequestSource, SignoffBy, SignoffMethod, Urgency
from yiyang.services.models import (
    Provider,
    ServiceException,
    ServiceItem,
    Settlement,
    Visit,
    Worker,
    WorkOrder,
)


class ServiceItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = [
            "id",
            "code",
            "name",
            "category",
            "unit",
            "price",
            "payment_mode",
            "planned_minutes",
            "min_minutes",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "name", "kind", "contact_name", "contact_phone", "address", "is_active"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    has_signature = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "work_order",
            "work_order_number",
            "elder",
            "item",
            "provider",
            "worker",
            "service_date",
            "checkin_at",
            "checkin_latitude",
            "checkin_longitude",
            "checkin_distance",
            "checkout_at",
            "checkout_latitude",
            "checkout_longitude",
            "checkout_distance",
            "minutes",
            "signoff_method",
            "signoff_by",
            "signoff_name",
            "signed_at",
            "verified",
            "note",
            "has_signature",
        ]
        read_only_fields = fields

    def get_has_signature(self, obj: Visit) -> bool:
        return bool(obj.signature)


class WorkOrderSerializer(serializers.ModelSerializer):
    """What a provider's own app needs to go to the elder: masked identity, address, home position."""

    elder_name = serializers.CharField(source="elder.name", read_only=True)
    elder_id_number_masked = serializers.CharField(source="elder.id_number_masked", read_only=True)
    elder_phone_masked = serializers.CharField(source="elder.phone_masked", read_only=True)
    elder_address = serializers.CharField(source="elder.address", read_only=True)
    elder_latitude = serializers.FloatField(source="elder.latitude", read_only=True)
    elder_longitude = serializers.FloatField(source="elder.longitude", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    category = serializers.CharField(source="item.category", read_only=True)
    visit = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "elder",
            "elder_name",
            "elder_id_number_masked",
            "elder_phone_masked",
            "elder_address",
            "elder_latitude",
            "elder_longitude",
            "item",
            "item_name",
            "category",
            "source",
            "urgency",
            "caller",
            "description",
            "scheduled_start",
            "scheduled_end",
            "status",
            "provider",
            "worker",
            "response_due",
            "dispatched_at",
            "accepted_at",
            "assigned_at",
            "reject_reason",
            "created_at",
            "updated_at",
            "visit",
        ]
        read_only_fields = fields

    def get_visit(self, obj: WorkOrder) -> dict[str, Any] | None:
        visit = getattr(obj, "visit", None)
        return VisitSerializer(visit).data if visit is not None else None


class WorkOrderCreateSerializer(serializers.Serializer):
    elder = serializers.IntegerField()
    item = serializers.PrimaryKeyRelatedField(queryset=ServiceItem.objects.all())
    source = serializers.ChoiceField(choices=RequestSource.choices, default=RequestSource.API)  # type: ignore[assignment]
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    scheduled_start = serializers.DateTimeField()
    minutes = serializers.IntegerField(required=False, min_value=10, max_value=600)
    caller = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    confirm_duplicate = serializers.BooleanField(default=False)


class WorkOrderDispatchSerializer(serializers.Serializer):
    provider = serializers.PrimaryKeyRelatedField(queryset=Provider.objects.filter(is_active=True))
    worker = serializers.PrimaryKeyRelatedField(queryset=Worker.objects.all(), required=False)


class AssignSerializer(serializers.Serializer):
    worker = serializers.PrimaryKeyRelatedField(queryset=Worker.objects.all())


class WorkOrderReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class LocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    accuracy = serializers.FloatField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class SignoffSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SignoffMethod.choices)
    signed_by = serializers.ChoiceField(choices=SignoffBy.choices, default=SignoffBy.ELDER)
    signer_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    signature_png = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="base64 PNG"
    )
    code = serializers.CharField(max_length=8, required=False, default="", allow_blank=True)


class ExceptionSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)

    class Meta:
        model = ServiceException
        fields = [
            "id",
            "work_order",
            "work_order_number",
            "visit",
            "provider",
            "kind",
            "detail",
            "status",
            "resolution",
            "resolved_at",
            "created_at",
        ]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("confirmed", _("确认异常")), ("dismissed", _("核实无误"))])
    reason = serializers.CharField(max_length=300)


class SettlementSerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Settlement
        fields = [
            "id",
            "provider",
            "provider_name",
            "street",
            "street_name",
            "month",
            "status",
            "visit_count",
            "gross_amount",
            "elder_share",
            "payable",
            "reviewed_at",
            "approved_at",
            "note",
        ]
        read_only_fields = fields


class SuggestionSerializer(serializers.Serializer):
    """One candidate for a dispatch: a worker, their provider, the distance and the day's load."""

    worker_id = serializers.IntegerField()
    worker_name = serializers.CharField()
    provider_id = serializers.IntegerField()
    provider_name = serializers.CharField()
    distance_m = serializers.FloatField(allow_null=True)
    load = serializers.IntegerField()
    capacity = serializers.IntegerField()


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
