"""API base classes: the same scoping, permissions, masking and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.serializers import BaseSerializer

from yiyang.core import audit
from yiyang.core.api_permissions import request_action
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.scoping import ScopedQuerySet, is_in_scope, permitted


def validated_body(serializer_class: type[BaseSerializer[Any]], request: Any) -> dict[str, Any]:
    """The request body of a workflow action, checked by its serializer (400 with the reasons)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def scope_relations(serializer: BaseSerializer[Any], user: Any) -> BaseSerializer[Any]:
    """Limit every field of ``serializer`` that names a scoped record to the records ``user`` sees.

    A request body naming another district's elder then gets DRF's own answer for an id that exists
    nowhere ("无效主键 … 对象不存在"), word for word: a reference never confirms that a record exists
    out of reach (the pages' 404 for the API's bodies). A user whose role cannot view the related
    model at all keeps the field as declared; the action behind it decides.
    """
    target = serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
    if not isinstance(target, serializers.Serializer):
        return serializer
    for field in target.fields.values():
        if isinstance(field, serializers.Serializer | serializers.ListSerializer):
            scope_relations(field, user)
            continue
        relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
        queryset = getattr(relation, "queryset", None)
        if isinstance(queryset, models.Manager):  # ModelSerializer's fields hold the default manager
            queryset = queryset.all()
        if (
            isinstance(relation, serializers.RelatedField)
            and isinstance(queryset, ScopedQuerySet)
            and permitted(user, queryset.model, "view")
        ):
            relation.queryset = queryset.for_user(user, "view")  # type: ignore[arg-type]  # stubs: a manager
    return serializer


class _Scoped(viewsets.GenericViewSet):
    """Set ``queryset`` (its model must use ScopedManager), ``serializer_class`` and ``filterset_class``."""

    def get_queryset(self) -> models.QuerySet[Any]:
        base: Any = self.queryset  # type: ignore[arg-type]  # stubs read this as a manager
        assert isinstance(base, ScopedQuerySet), "a scoped API needs a model with ScopedManager"
        return base.all().for_user(self.request.user, request_action(self.request, self))

    #: Reading one record is logged as the page's view is (``ObjectDetailView.log_views``): set it
    #: on the viewsets whose pages log (health and assessment data, residents).
    log_views: bool = False

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        return scope_relations(super().get_serializer(*args, **kwargs), self.request.user)

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        if self.log_views:
            obj = self.get_object()
            audit.record_access(
                actor=request.user,
                kind=AccessLog.Kind.VIEW,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                subject_id=getattr(obj, "audit_subject_id", None),
                area_path=getattr(obj, "audit_area_path", ""),
            )
        return response


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
