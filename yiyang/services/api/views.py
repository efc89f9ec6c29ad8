"""API of the service chain. A provider's own app lists its orders and reports visits with POST verbs."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet
from yiyang.people.models import Elder
from yiyang.services import selectors
from yiyang.services.actions.visits import (
    exception_resolve,
    visit_add_photo,
    visit_check_in,
    visit_check_out,
    visit_sign_off,
)
from yiyang.services.actions.work_orders import (
    work_order_accept,
    work_order_assign,
    work_order_cancel,
    work_order_create,
    work_order_dispatch,
    work_order_reject,
)
from yiyang.services.api.serializers import (
    AssignSerializer,
    ExceptionSerializer,
    LocationSerializer,
    ProviderSerializer,
    ResolveSerializer,
    ServiceItemSerializer,
    SettlementSerializer,
    SignoffSerializer,
    SuggestionsSerializer,
    VisitSerializer,
    WorkOrderCreateSerializer,
    WorkOrderDispatchSerializer,
    WorkOrderReasonSerializer,
    WorkOrderSerializer,
)
from yiyang.services.filtersets import ExceptionFilterSet, SettlementFilterSet, WorkOrderFilterSet
from yiyang.services.models import Provider, ServiceException, ServiceItem, Settlement, Visit, WorkOrder

_VERBS = {
    "dispatch_order",
    "accept",
    "reject",
    "assign",
    "cancel",
    "check_in",
    "check_out",
    "sign_off",
    "photo",
    "suggest",
}


class WorkOrderViewSet(ScopedViewSet):
    """服务工单. POST verbs: dispatch, accept, reject, assign, cancel, check-in, check-out, sign-off, photo."""

    queryset = WorkOrder.objects.select_related("elder", "item", "visit")
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Workflow verbs change the order (provider staff hold change_workorder, not add_); dispatching
        # and cancelling are the dispatcher's (services.dispatch_workorder).
        if self.action in _VERBS:
            self.scope_action = {"suggest": "view", "dispatch_order": "dispatch", "cancel": "dispatch"}.get(
                self.action, "change"
            )
        super().initial(request, *args, **kwargs)

    def get_serializer_class(self) -> Any:
        return {
            "create": WorkOrderCreateSerializer,
            "dispatch_order": WorkOrderDispatchSerializer,
            "assign": AssignSerializer,
            "reject": WorkOrderReasonSerializer,
            "cancel": WorkOrderReasonSerializer,
            "check_in": LocationSerializer,
            "check_out": LocationSerializer,
            "sign_off": SignoffSerializer,
        }.get(self.action, WorkOrderSerializer)

    def _data(self, request: Request) -> dict[str, Any]:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _done(self, order: WorkOrder) -> Response:
        order = (
            self.get_queryset().get(pk=order.pk)
            if self.get_queryset().filter(pk=order.pk).exists()
            else order
        )
        return Response(WorkOrderSerializer(order).data)

    @extend_schema(request=WorkOrderCreateSerializer, responses=WorkOrderSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = self._data(request)
        elder = Elder.objects.for_user(request.user, "view").filter(pk=d["elder"]).first()
        if elder is None:
            raise ValidationError({"elder": _("找不到该老人")})
        duplicates = selectors.open_duplicates(elder, d["item"])
        if duplicates.exists() and not d["confirm_duplicate"]:
            raise ValidationError(
                {
                    "confirm_duplicate": _("该老人已有同一服务项目的未完成工单 %(number)s，确认后重试")
                    % {"number": duplicates[0].number}
                }
            )
        order = work_order_create(
            elder=elder,
            item=d["item"],
            source=d["source"],
            urgency=d["urgency"],
            scheduled_start=d["scheduled_start"],
            minutes=d.get("minutes"),
            caller=d["caller"],
            description=d["description"],
            actor=request.user,
        )
        return Response(WorkOrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WorkOrderDispatchSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_order(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        d = self._data(request)
        work_order_dispatch(order=order, provider=d["provider"], actor=request.user)
        if d.get("worker"):
            work_order_assign(order=order, worker=d["worker"], actor=request.user)
        return self._done(order)

    @extend_schema(request=None, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        work_order_accept(order=order, actor=request.user)
        return self._done(order)

    @extend_schema(request=WorkOrderReasonSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        work_order_reject(order=order, reason=self._data(request)["reason"], actor=request.user)
        return self._done(order)

    @extend_schema(request=AssignSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        work_order_assign(order=order, worker=self._data(request)["worker"], actor=request.user)
        return self._done(order)

    @extend_schema(request=WorkOrderReasonSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        work_order_cancel(order=order, reason=self._data(request)["reason"], actor=request.user)
        return self._done(order)

    @extend_schema(request=LocationSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        d = self._data(request)
        visit = visit_check_in(
            order=order,
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            accuracy=d.get("accuracy"),
            actor=request.user,
        )
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=LocationSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        d = self._data(request)
        visit = Visit.objects.filter(work_order=order).first()
        if visit is None:
            raise ValidationError(_("尚未签到"))
        visit = visit_check_out(
            visit=visit,
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            note=d.get("note", ""),
            actor=request.user,
        )
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=SignoffSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        d = self._data(request)
        visit = Visit.objects.filter(work_order=order).first()
        if visit is None:
            raise ValidationError(_("尚未签到"))
        png = None
        if d["method"] == "signature":
            try:
                png = base64.b64decode(d["signature_png"], validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValidationError({"signature_png": _("不是有效的 base64")}) from exc
        visit = visit_sign_off(
            visit=visit,
            method=d["method"],
            signed_by=d["signed_by"],
            signer_name=d["signer_name"],
            signature_png=png,
            code=d["code"],
            actor=request.user,
        )
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"photo": {"type": "string", "format": "binary"}},
            }
        },
        responses=VisitSerializer,
    )
    @action(detail=True, methods=["post"])
    def photo(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        visit = Visit.objects.filter(work_order=order).first()
        upload = request.FILES.get("photo")
        if visit is None or upload is None:
            raise ValidationError(_("需要先签到并附上照片"))
        visit_add_photo(
            visit=visit,
            content=upload.read(),
            filename=upload.name or "",
            actor=request.user,
        )
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=None, responses=SuggestionsSerializer)
    @action(detail=True, methods=["get"])
    def suggest(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        rows = selectors.dispatch_suggestions(elder=order.elder, item=order.item, day=order.plan_date)
        return Response({"suggestions": [s.__dict__ for s in rows]})


class VisitViewSet(ScopedViewSet):
    """上门服务记录 (read only: visits are reported through the work-order verbs)."""

    queryset = Visit.objects.select_related("work_order")
    serializer_class = VisitSerializer
    http_method_names = ["get", "head", "options"]


class ExceptionViewSet(ScopedReadOnlyViewSet):
    """服务异常 queue; POST resolve with an outcome and a reason."""

    queryset = ServiceException.objects.select_related("work_order")
    serializer_class = ExceptionSerializer
    filterset_class = ExceptionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action == "resolve":
            self.scope_action = "change"
        super().initial(request, *args, **kwargs)

    def get_serializer_class(self) -> Any:
        return ResolveSerializer if self.action == "resolve" else ExceptionSerializer

    @extend_schema(request=ResolveSerializer, responses=ExceptionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        exc = self.get_object()
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exc = exception_resolve(exception=exc, actor=request.user, **serializer.validated_data)
        return Response(ExceptionSerializer(exc).data)


class SettlementViewSet(ScopedViewSet):
    queryset = Settlement.objects.select_related("provider", "street")
    serializer_class = SettlementSerializer
    filterset_class = SettlementFilterSet
    http_method_names = ["get", "head", "options"]


class ServiceItemViewSet(ScopedReadOnlyViewSet):
    """服务项目: the catalogue."""

    queryset = ServiceItem.objects.all()
    serializer_class = ServiceItemSerializer


class ProviderViewSet(ScopedReadOnlyViewSet):
    """服务商: every provider for the office, their own for a provider's staff."""

    queryset = Provider.objects.all()
    serializer_class = ProviderSerializer
