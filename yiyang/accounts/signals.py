"""Logins, logouts and failed logins are audit events (等保 §8.1.4.3 a–b, issue 18 item 5).

Each writes an ``AuditEntry`` (type 登录): when, who (or the name tried), which event, success or
failure, and the client address. The pages' and the API's token logins both pass through Django's
authentication signals, so both are recorded.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yiyang.core import audit
from yiyang.core.context import current_client_ip


def _where(request: Any) -> str:
    ip = current_client_ip() or (request.META.get("REMOTE_ADDR", "") if request is not None else "")
    return f"IP {ip}" if ip else ""


def _user_fields(user: Any) -> dict[str, Any]:
    """An account's events are filed under its outermost area. An account without one (a provider's
    staff, a superuser) or a name that is no account belongs to no street or community: it is filed under
    the whole deployment (``audit.whole_deployment_path``), so the auditors of the whole district see it and a
    street's auditors do not."""
    if user is None:
        return {"object_type": "accounts.user", "area_path": audit.whole_deployment_path()}
    return {
        "object_type": "accounts.user",
        "object_id": str(user.pk),
        "object_repr": user.get_username(),
        "area_path": getattr(user, "audit_area_path", "") or audit.whole_deployment_path(),
    }


@receiver(user_logged_in, dispatch_uid="yiyang-audit-login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record_security_event(
        actor=user, verb="user.login", success=True, message=_where(request), **_user_fields(user)
    )


@receiver(user_logged_out, dispatch_uid="yiyang-audit-logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # the session had already ended
        return
    audit.record_security_event(
        actor=user, verb="user.logout", success=True, message=_where(request), **_user_fields(user)
    )


@receiver(user_login_failed, dispatch_uid="yiyang-audit-login-failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from yiyang.accounts.models import User

    name = str(credentials.get("username") or "")
    user = User.objects.filter(username=name).first() if name else None
    audit.record_security_event(
        actor=None,
        actor_name=name or "（未填用户名）",
        verb="user.login_failed",
        success=False,
        message=_where(request),
        **_user_fields(user),
    )
