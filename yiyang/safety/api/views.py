from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet
from yiyang.people.models import ElderContact
from yiyang.safety import actions
from yiyang.safety.api.serializers import (
    AlarmDispatchSerializer,
    AlarmSerializer,
    ArriveSerializer,
    CloseSerializer,
    ContactCallSerializer,
    DeviceEventSerializer,
    DevicePayloadSerializer,
    DeviceSerializer,
    IngestBatchResultSerializer,
    IngestResultSerializer,
)
from yiyang.safety.filtersets import AlarmFilterSet, DeviceEventFilterSet, DeviceFilterSet
from yiyang.safety.ingest import IngestResult, ingest, ingest_batch
from yiyang.safety.models import Alarm, Device, DeviceEvent

MAX_BATCH = 500


class DeviceViewSet(ScopedViewSet):
    """安全设备台账. Installing or editing a device is audited and must stay inside the caller's areas."""

    queryset = Device.objects.select_related("elder")
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        device = Device(**serializer.validated_data)
        serializer.instance = actions.device_save(device=device, actor=self.request.user)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        device = serializer.instance
        assert isinstance(device, Device)
        for key, value in serializer.validated_data.items():
            setattr(device, key, value)
        serializer.instance = actions.device_save(device=device, actor=self.request.user)


class AlarmViewSet(ScopedReadOnlyViewSet):
    """告警. Handling is by verbs: acknowledge → contact (one call each) → dispatch → arrive → close."""

    queryset = Alarm.objects.select_related("elder").prefetch_related("calls")
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    http_method_names = ["get", "post", "head", "options"]
    _VERBS = {"acknowledge", "contact", "dispatch_to", "arrive", "close"}

    @property
    def scope_action(self) -> str:
        return "change" if getattr(self, "action", None) in self._VERBS else "view"

    def _run(self, request: Request, step: str, serializer_class: Any = None) -> Response:
        alarm = self.get_object()
        data: dict[str, Any] = {}
        if serializer_class is not None:
            s = serializer_class(data=request.data)
            s.is_valid(raise_exception=True)
            data = dict(s.validated_data)
        user = request.user
        if step == "acknowledge":
            actions.alarm_acknowledge(alarm=alarm, actor=user)
        elif step == "contact":
            contact = None
            if data.get("contact"):
                contact = ElderContact.objects.filter(pk=data["contact"], elder_id=alarm.elder_id).first()
                if contact is None:
                    raise ValidationError({"contact": _("联系人不存在")})
            actions.alarm_call(
                alarm=alarm,
                contact=contact,
                outcome=data["outcome"],
                note=data.get("note", ""),
                actor=user,
            )
        elif step == "dispatch":
            actions.alarm_dispatch(alarm=alarm, target=data["target"], to=data.get("to", ""), actor=user)
        elif step == "arrive":
            actions.alarm_arrive(alarm=alarm, note=data.get("note", ""), actor=user)
        else:
            actions.alarm_close(alarm=alarm, outcome=data["outcome"], notes=data["notes"], actor=user)
        fresh = self.get_queryset().model.objects.select_related("elder").get(pk=alarm.pk)
        return Response(AlarmSerializer(fresh).data)

    @extend_schema(request=None, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, "acknowledge")

    @extend_schema(request=ContactCallSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, "contact", ContactCallSerializer)

    @extend_schema(request=AlarmDispatchSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, "dispatch", AlarmDispatchSerializer)

    @extend_schema(request=ArriveSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, "arrive", ArriveSerializer)

    @extend_schema(request=CloseSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, "close", CloseSerializer)


def _result(r: IngestResult) -> dict[str, Any]:
    return {
        "status": r.status,
        "reason": r.reason,
        "message_id": r.message_id,
        "event_id": r.event_id,
        "alarm_id": r.alarm_id,
        "alarm_created": r.alarm_created,
    }


class DeviceEventViewSet(ScopedViewSet):
    """设备事件. GET lists stored events; POST is the push endpoint for device platforms.

    POST takes one payload (docs/device-payload.md) or a JSON array of up to 500. One payload answers
    201 when stored, 200 when it was already stored (a retry), 422 when rejected (with the reason);
    an array answers 200 with one result per item.
    """

    queryset = DeviceEvent.objects.select_related("device")
    serializer_class = DeviceEventSerializer
    filterset_class = DeviceEventFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="DeviceEventPush",
            serializers=[DevicePayloadSerializer, DevicePayloadSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: OpenApiResponse(IngestResultSerializer, description="已存储 stored"),
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="DeviceEventPushResult",
                    serializers=[IngestResultSerializer, IngestBatchResultSerializer],
                    resource_type_field_name=None,
                ),
                description="重复报文（已存储过），或一组报文的逐条结果 a retry, or one result per item",
            ),
            422: OpenApiResponse(IngestResultSerializer, description="拒收及原因 rejected, with the reason"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body: bytes = request.body
        topic = f"http:{request.user.get_username()}"
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if isinstance(data, list):
            if len(data) > MAX_BATCH:
                return Response(
                    {"detail": _("一次最多 %(n)s 条") % {"n": MAX_BATCH}}, status=status.HTTP_400_BAD_REQUEST
                )
            items = [(json.dumps(item, ensure_ascii=False).encode(), topic) for item in data]
            results = ingest_batch(items, actor=request.user)
            return Response({"results": [_result(r) for r in results]})
        result = ingest(body, topic, actor=request.user)
        code = {"stored": 201, "duplicate": 200}.get(result.status, 422)
        return Response(_result(result), status=code)
