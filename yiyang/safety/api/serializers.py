from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from yiyang.people.models import Elder
from yiyang.safety.choices import AlarmOutcome, CallOutcome, DispatchTarget, EventType
from yiyang.safety.forms import fence_centre_errors
from yiyang.safety.models import Alarm, AlarmCall, Device, DeviceEvent


class DeviceSerializer(serializers.ModelSerializer):
    # Limited to the caller's elders by the viewset (core.api.scope_relations).
    elder = serializers.PrimaryKeyRelatedField(queryset=Elder.objects.all())
    elder_name = serializers.CharField(source="elder.name", read_only=True)

    class Meta:
        model = Device
        fields = [
            "id",
            "serial",
            "kind",
            "device_model",
            "elder",
            "elder_name",
            "installer",
            "installed_on",
            "battery",
            "last_seen_at",
            "last_activity_at",
            "last_tested_on",
            "status",
            "geofence_radius_m",
            "geofence_latitude",
            "geofence_longitude",
            "note",
        ]
        read_only_fields = ["battery", "last_seen_at", "last_activity_at", "last_tested_on"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("kind") == "wristband" and not attrs.get("geofence_radius_m"):
            raise serializers.ValidationError({"geofence_radius_m": _("手环须设置电子围栏半径")})
        # A PATCH may send one coordinate: the other is the device's current one.
        lat, lng = (
            attrs.get(k, getattr(self.instance, k, None)) for k in ("geofence_latitude", "geofence_longitude")
        )
        errors = fence_centre_errors(lat, lng)
        if errors:
            raise serializers.ValidationError(dict(errors))
        return attrs


class AlarmCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlarmCall
        fields = [
            "id",
            "callee_kind",
            "contact",
            "callee_name",
            "relation",
            "is_keyholder",
            "phone_masked",
            "outcome",
            "called_at",
            "note",
        ]


class AlarmSerializer(serializers.ModelSerializer):
    elder_name = serializers.CharField(source="elder.name", read_only=True)
    elder_id_number = serializers.CharField(source="elder.id_number_masked", read_only=True)
    calls = AlarmCallSerializer(many=True, read_only=True)

    class Meta:
        model = Alarm
        fields = [
            "id",
            "elder",
            "elder_name",
            "elder_id_number",
            "device",
            "kind",
            "severity",
            "status",
            "detail",
            "raised_at",
            "event_count",
            "last_event_at",
            "escalated_at",
            "acknowledged_at",
            "contacting_at",
            "reached_at",
            "elder_reached_at",
            "dispatched_at",
            "dispatch_target",
            "dispatch_to",
            "on_site_at",
            "closed_at",
            "outcome",
            "notes",
            "calls",
        ]
        read_only_fields = fields


class DeviceEventSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(source="device.serial", read_only=True)

    class Meta:
        model = DeviceEvent
        fields = [
            "id",
            "message_id",
            "device",
            "serial",
            "elder",
            "type",
            "ts",
            "received_at",
            "value",
            "battery",
            "topic",
            "alarm",
        ]
        read_only_fields = fields


class ContactCallSerializer(serializers.Serializer):
    contact = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("空 = 老人本人")
    )
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AlarmDispatchSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=DispatchTarget.choices)
    to = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ArriveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AlarmOutcome.choices)
    notes = serializers.CharField(max_length=2000)


class DevicePayloadSerializer(serializers.Serializer):
    """One device event as pushed by a device platform (docs/device-payload.md); for the schema only:
    ``safety.ingest`` reads the body itself and answers a rejected payload with 422 and its reason."""

    id = serializers.CharField(max_length=64, help_text=gettext_lazy("报文编号，同一编号只存一次"))
    serial = serializers.CharField(max_length=64)
    type = serializers.ChoiceField(choices=EventType.choices)
    ts = serializers.DateTimeField()
    value = serializers.JSONField(required=False)
    battery = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)


class IngestResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["stored", "duplicate", "rejected"])
    reason = serializers.CharField(allow_blank=True)
    message_id = serializers.CharField(allow_blank=True)
    event_id = serializers.IntegerField(allow_null=True)
    alarm_id = serializers.IntegerField(allow_null=True)
    alarm_created = serializers.BooleanField()


class IngestBatchResultSerializer(serializers.Serializer):
    results = IngestResultSerializer(many=True)
