"""API base classes: the same scoping, permissions, masking and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from yiyang.core import audit
from yiyang.core.api_permissions import request_action
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import ScopedQuerySet, is_in_scope


class _Scoped(viewsets.GenericViewSet):
    """Set ``queryset`` (its model must use ScopedManager), ``serializer_class`` and ``filterset_class``."""

    def get_queryset(self) -> models.QuerySet[Any]:
        base: Any = self.queryset  # type: ignore[arg-type]  # stubs read this as a manager
        assert isinstance(base, ScopedQuerySet), "a scoped API needs a model with ScopedManager"
        return base.all().for_user(self.request.user, request_action(self.request, self))


class ScopedReadOnlyViewSet(_Scoped, viewsets.ReadOnlyModelViewSet):
    """List and detail only; records that change through workflow verbs (``@action``) add those.

    Without ``create`` the collection answers POST with 405 and does not offer it (``Allow``, schema).
    """


class ScopedViewSet(_Scoped, viewsets.ModelViewSet):
    """Create, read, update and delete, audited and kept inside the caller's areas."""

    def _audited_save(self, serializer: BaseSerializer[Any], creating: bool) -> None:
        with transaction.atomic():
            before = None if creating or serializer.instance is None else audit.snapshot(serializer.instance)
            obj = serializer.save()
            if not is_in_scope(self.request.user, obj, "add" if creating else "change"):
                from rest_framework.exceptions import ValidationError

                raise ValidationError(_("不能把记录保存到您的管辖范围之外"))
            audit.record_change(
                actor=self.request.user,
                obj=obj,
                action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
                verb=f"{obj._meta.model_name}.{'create' if creating else 'update'}",
                before=before,
                after=audit.snapshot(obj),
            )

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        self._audited_save(serializer, creating=True)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        self._audited_save(serializer, creating=False)

    def perform_destroy(self, instance: Any) -> None:
        with transaction.atomic():
            audit.record_change(
                actor=self.request.user,
                obj=instance,
                action=AuditEntry.Action.DELETE,
                verb=f"{instance._meta.model_name}.delete",
                before=audit.snapshot(instance),
            )
            instance.delete()
