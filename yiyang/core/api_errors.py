"""The API's one exception handler (settings ``EXCEPTION_HANDLER``): domain errors become HTTP answers.

Actions raise Django's ``ValidationError`` and ``PermissionDenied``, the same exceptions the pages
show as messages; here they become a 400 and a 403, so a viewset calls an action and nothing more.
Every error body is a JSON object: ``{"detail": "…"}``, or, when the error names fields, each field
with its messages (``non_field_errors`` for the rest), as DRF's serializers answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from yiyang.core.errors import error_text


def _detail(exc: DjangoValidationError) -> dict[str, Any]:
    if not hasattr(exc, "error_dict"):
        return {"detail": error_text(exc)}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
        for name, messages in exc.message_dict.items()
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # A domain error may name its own status (a refused meal is a 409 conflict, not bad input).
    status = getattr(exc, "http_status", None)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        # DRF's own conversion drops the action's explanation.
        exc = PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    # ``raise ValidationError("…")`` answers a bare list and ``ValidationError({"field": "…"})`` a bare
    # string: clients get the shape of every other error.
    if isinstance(response.data, list) and all(isinstance(m, str) for m in response.data):
        response.data = {"detail": error_text(response.data)}
    elif isinstance(response.data, dict):
        response.data = {
            key: [value] if isinstance(value, str) and key != "detail" else value
            for key, value in response.data.items()
        }
    if status is not None:
        response.status_code = status
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: an API address that matches no route answers JSON like every other API error."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: a request refused before any view (``BadRequest``) says why, as JSON for the API."""
    message = str(exception) or _("请求无效")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
