from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle


@extend_schema(tags=["auth"])
class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get a token for the ``Authorization: Token …`` header.

    Failed attempts count towards the same lockout as the login page.
    """

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
