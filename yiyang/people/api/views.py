from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.core.api import ScopedViewSet
from yiyang.people import actions
from yiyang.people.api.serializers import (
    CertificationSerializer,
    ContactSerializer,
    ElderSerializer,
    ElderStatusSerializer,
    ElderWriteSerializer,
    RevealSerializer,
)
from yiyang.people.filtersets import ElderFilterSet
from yiyang.people.models import Certification, Elder, ElderContact


class ElderViewSet(ScopedViewSet):
    """老年人信息. Search with ``q`` (name, pinyin, initials, ID or phone suffix)."""

    queryset = Elder.objects.select_related("area")
    serializer_class = ElderSerializer
    filterset_class = ElderFilterSet
    # No PATCH: an update takes the whole record.
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self) -> Any:
        if self.action in ("create", "update"):
            return ElderWriteSerializer
        if self.action == "reveal":
            return RevealSerializer
        if self.action == "set_status":
            return ElderStatusSerializer
        return ElderSerializer

    @extend_schema(request=ElderWriteSerializer, responses=ElderSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ElderWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        elder = actions.elder_create(data=serializer.to_data(), actor=request.user)
        return Response(ElderSerializer(elder).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ElderWriteSerializer, responses=ElderSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        elder = self.get_object()
        serializer = ElderWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        elder = actions.elder_update(elder=elder, data=serializer.to_data(), actor=request.user, source="API")
        return Response(ElderSerializer(elder).data)

    @extend_schema(request=RevealSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        """Clear value of id_number, phone or health; the reason is logged."""
        elder = self.get_object()
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = actions.elder_reveal(
            elder=elder,
            field_name=serializer.validated_data["field"],
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        return Response({"field": serializer.validated_data["field"], "value": value})

    @extend_schema(request=ElderStatusSerializer, responses=ElderSerializer)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """登记死亡 / 迁出 / 迁回: the same action as the elder's page and a death list (payment stops,
        overpayments are recovered); recording the same fact twice changes nothing."""
        elder = self.get_object()
        serializer = ElderStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        elder = actions.elder_set_status(
            elder=elder,
            status=data["status"],
            date=data["date"],
            note=data["reason"],
            actor=request.user,
            source="API",
        )
        return Response(ElderSerializer(elder).data)

    def filter_queryset(self, queryset: Any) -> Any:
        # The list's filters (and its default "living only") apply to the list, never to a single
        # record: a deceased elder must still be reachable to read, correct or restore.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @property
    def scope_action(self) -> str | None:
        name = getattr(self, "action", None)
        if name == "set_status":
            return "change"
        return "reveal" if name == "reveal" else None


class CertificationViewSet(ScopedViewSet):
    queryset = Certification.objects.select_related("elder")
    serializer_class = CertificationSerializer
    filterset_fields = ["elder", "category"]

    def perform_create(self, serializer: Any) -> None:
        self._check_elder(serializer.validated_data["elder"])
        serializer.instance = actions.certification_save(
            certification=Certification(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer: Any) -> None:
        cert = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(cert, key, value)
        self._check_elder(cert.elder)
        actions.certification_save(certification=cert, actor=self.request.user)

    def perform_destroy(self, instance: Certification) -> None:
        actions.certification_delete(certification=instance, actor=self.request.user)

    def _check_elder(self, elder: Elder) -> None:
        if not Elder.objects.for_user(self.request.user, "change").filter(pk=elder.pk).exists():
            raise ValidationError({"elder": _("不是您管辖范围内的老年人")})


class ContactViewSet(CertificationViewSet):
    queryset = ElderContact.objects.select_related("elder")  # type: ignore[assignment]
    serializer_class = ContactSerializer  # type: ignore[assignment]
    filterset_fields = ["elder"]

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        phone = data.pop("phone", None)
        self._check_elder(data["elder"])
        serializer.instance = actions.contact_save(
            contact=ElderContact(**data), phone=phone, actor=self.request.user
        )

    def perform_update(self, serializer: Any) -> None:
        contact = serializer.instance
        data = dict(serializer.validated_data)
        phone = data.pop("phone", None)
        for key, value in data.items():
            setattr(contact, key, value)
        self._check_elder(contact.elder)
        actions.contact_save(contact=contact, phone=phone, actor=self.request.user)

    def perform_destroy(self, instance: Any) -> None:
        actions.contact_delete(contact=instance, actor=self.request.user)
