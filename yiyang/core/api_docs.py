"""The API's schema and Swagger UI pages, behind a login unless a deployment publishes them.

Apart from ``core.api_schema`` (the schema class DRF's settings name), which drf-spectacular's views
import while they load.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class SchemaAccess(BasePermission):
    """The schema and the docs describe every route and field: a login is needed to read them, unless
    the deployment publishes them (``YIYANG_API_SCHEMA_PUBLIC=1``, settings ``API_SCHEMA_PUBLIC``)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(settings.API_SCHEMA_PUBLIC or (request.user and request.user.is_authenticated))


schema_view = SpectacularAPIView.as_view(permission_classes=[SchemaAccess])
# The split view serves Swagger UI's start-up code as a script file (?script=): no inline script,
# as the Content-Security-Policy requires.
swagger_view = SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[SchemaAccess])
