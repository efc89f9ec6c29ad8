"""Two factors for those who can see most (issue 18 item 2; 等保 §8.1.4.1 d, "两种或两种以上组合的鉴别技术").

District administrators, auditors and every role named in ``OTP_REQUIRED_ROLES`` must pass a TOTP
code after their password, on every login. The second factor is required, not offered: until the
session is verified, such a user reaches nothing but the verification page, logout and static files
(pages redirect there, the session-authenticated API answers 403). A user without a device enrols on
first login: a QR code drawn on the server (segno, no outside service), a check code, then ten
recovery codes (static tokens, each good once) shown once. An administrator can reset a user's
second factor (audited); the user enrols again at the next login.

Built on django-otp: its TOTP device (RFC 6238, drift tolerance, replay and throttle protection),
its static-token device for recovery codes, and its session marking of a verified login.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
#: paths an unverified user may still reach
_OPEN_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/health/", "/i18n/")


def required_for(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in settings.OTP_REQUIRED_ROLES


def verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def user_has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolled(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled: one unconfirmed TOTP device, kept across reloads of the page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code, drawn here: the secret never leaves the server."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("扫码绑定")))


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an authenticator that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm an enrolment with a first code; returns the new recovery codes, or None."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_recovery_codes(device.user)


def new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def check(user: Any, token: str) -> Any:
    """The confirmed device (TOTP or a recovery code, consumed) that accepts ``token``, or None."""
    token = token.strip().replace(" ", "")
    if not token:
        return None
    return match_token(user, token)


def reset(user: Any) -> int:
    """Remove every second-factor device of ``user``; the next login enrols again."""
    count = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        count += 1
    return count


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


class SecondFactorMiddleware:
    """A user whose role requires a second factor reaches nothing else until the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and required_for(user)
            and not verified(user)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("需要先完成两步验证。")}, status=403)
            url = reverse("accounts:otp")
            if request.method == "GET" and request.path != "/":
                from urllib.parse import urlencode

                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)
