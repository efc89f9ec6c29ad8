"""API tokens obey the rules sessions obey (issue 18, item 3; 等保 §8.1.4.1 b).

* A token expires ``API_TOKEN_MAX_AGE_HOURS`` after it was issued, and after
  ``API_TOKEN_IDLE_MINUTES`` without use (a session's idle timeout); an expired token is deleted and
  answers 401 like a wrong one.
* It is deleted when its owner's password is changed or reset and when the account is deactivated.
* None is issued while the owner must change a password someone else set, or one past its age.
* The owner (我的账号) and the account's administrator (用户详情) see it and can revoke it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from yiyang.accounts.models import ApiTokenUse, User

#: The last use is written at most this often: one row update a minute, not one a request.
TOUCH_EVERY = datetime.timedelta(seconds=60)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.API_TOKEN_MAX_AGE_HOURS)


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.API_TOKEN_IDLE_MINUTES)


def last_used(token: Token) -> datetime.datetime:
    use = ApiTokenUse.objects.filter(token=token).first()
    return use.last_used_at if use else token.created


def expired(token: Token, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return now - token.created > max_age() or now - last_used(token) > idle_limit()


def password_change_pending(user: User) -> bool:
    """A password someone else set, or one older than the policy allows: change it first."""
    from yiyang.accounts.actions import must_change_password

    limit = settings.PASSWORD_MAX_AGE_DAYS
    too_old = bool(limit) and timezone.now() - user.password_changed_at > datetime.timedelta(days=limit)
    return must_change_password(user) or too_old


def revoke(user: Any) -> int:
    """Delete the user's token; the number deleted (0 or 1)."""
    deleted, _detail = Token.objects.filter(user=user).delete()
    return min(deleted, 1)


def token_state(user: Any) -> dict[str, Any] | None:
    """What the owner and the administrator see: when issued, last used, when it lapses."""
    token = Token.objects.filter(user=user).first()
    if token is None:
        return None
    used = last_used(token)
    return {
        "created": token.created,
        "last_used": used,
        "expires": min(token.created + max_age(), used + idle_limit()),
        "expired": expired(token),
    }


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token …`` with the age and idle limits."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        if expired(token, now):
            token.delete()
            raise AuthenticationFailed(_("令牌已过期，请重新获取。"))
        with transaction.atomic():
            updated = ApiTokenUse.objects.filter(token=token, last_used_at__lt=now - TOUCH_EVERY).update(
                last_used_at=now
            )
            if not updated:
                ApiTokenUse.objects.get_or_create(token=token, defaults={"last_used_at": now})
        return user, token
