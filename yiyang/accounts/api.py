from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from yiyang.accounts import second_factor, tokens
from yiyang.core import audit
from yiyang.core.models import AuditEntry


@extend_schema(tags=["auth"])
class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get a token for the ``Authorization: Token …`` header.

    Failed attempts count towards the same lockout as the login page. The token lapses after
    ``API_TOKEN_MAX_AGE_HOURS`` or ``API_TOKEN_IDLE_MINUTES`` unused (then POST again for a new one),
    and none is issued while the account must change its password (on the web page first). An account
    whose role requires two factors also sends ``otp``: the current code of its authenticator (or a
    recovery code); it enrols on the web page first.
    """

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if tokens.password_change_pending(user):
            raise PermissionDenied(_("须先在网页上修改密码，才能获取接口令牌。"))
        if second_factor.required_for(user):
            if not second_factor.user_has_device(user):
                raise PermissionDenied(_("须先在网页上登录并绑定两步验证，才能获取接口令牌。"))
            data: Any = request.data
            if second_factor.check(user, str(data.get("otp", ""))) is None:
                raise PermissionDenied(_("须提供正确的两步验证码（otp）才能获取接口令牌。"))
        token = Token.objects.filter(user=user).first()
        if token is not None and tokens.expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
            audit.record_change(
                actor=user,
                obj=user,
                action=AuditEntry.Action.UPDATE,
                verb="user.token_issue",
                message="签发接口令牌",
            )
        return Response({"token": token.key})
