"""The OpenAPI schema as a generated client reads it (settings ``DEFAULT_SCHEMA_CLASS``).

Two things drf-spectacular cannot know from the viewsets alone:

* the error answers every operation may give (``core.api_errors`` shapes them): 400 with the
  fields' messages, 401 without credentials, 403 when the role lacks the permission, 404 for what is
  missing or outside the caller's areas;
* that a read-only choice field may hold the blank value: DRF drops ``allow_blank`` from read-only
  fields, so an alarm not yet dispatched (``dispatch_target: ""``) would break a strict client.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

_DETAIL = {"detail": {"type": "string", "description": "说明 (in the caller's language)"}}

#: name → schema of the error bodies ``core.api_errors`` answers with.
ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {"type": "object", "properties": _DETAIL, "required": ["detail"]},
    "ValidationError": {
        "type": "object",
        "description": "Either ``detail`` or each rejected field with its messages "
        "(``non_field_errors`` for the rest).",
        "properties": {
            **_DETAIL,
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {},
    },
}

#: status → (body, description) documented on every operation that does not name its own.
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("ValidationError", "请求有误 Bad input: the messages say what to correct"),
    "401": ("Error", "未登录 No or invalid credentials"),
    "403": ("Error", "无权限 The role lacks the permission for this action"),
    "404": ("Error", "不存在 Missing, or outside the caller's areas"),
}
THROTTLED = ("429", "Error", "请求过于频繁 Too many attempts: wait and retry")


class YiyangAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        errors = [(code, *error) for code, error in ERROR_RESPONSES.items()]
        if getattr(self.view, "throttle_classes", None):
            errors.append(THROTTLED)
        for code, name, description in errors:
            if code not in responses:
                responses[code] = {
                    "content": {"application/json": {"schema": self.error_ref(name)}},
                    "description": description,
                }
        return responses

    def error_ref(self, name: str) -> dict[str, str]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMAS[name], object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        if isinstance(field, serializers.ChoiceField) and field.read_only:
            field = _with_model_blanks(field)
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _with_model_blanks(field: serializers.ChoiceField) -> serializers.ChoiceField:
    """The field, allowing blank and null where the model field it reads does."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return field
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return field
    # Only text is stored blank; a blank number is stored as null.
    texts = (models.CharField, models.TextField)
    blank = isinstance(model_field, texts) and model_field.blank and not field.allow_blank
    null = bool(model_field.null) and not field.allow_null
    if not (blank or null):
        return field
    field = copy.copy(field)
    field.allow_blank = field.allow_blank or blank
    field.allow_null = field.allow_null or null
    return field
