"""Login protection per account *and* per client address (等保 §8.1.4.1 b, issue 18 item 4).

django-axes locks an account after ``AXES_FAILURE_LIMIT`` failures (five). An attacker trying one or
two passwords on each of many accounts from one address never reached that: 48 failures over 12
accounts went unchecked. This handler also counts the failures from the client's address, over every
account, and refuses that address once they reach ``LOGIN_ADDRESS_FAILURE_LIMIT`` within the same
cool-off. The address limit is higher than the account limit: a street office's staff share one NAT
address, and their occasional typos must not lock the office out.

Both counts are read from axes' ``AccessAttempt`` rows in the database, so several web processes
share them; a successful login resets the account's count (``AXES_RESET_ON_SUCCESS``), not the
address's.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def address_failures(ip_address: str | None) -> int:
    """Failed logins from ``ip_address`` within the cool-off, over every account."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def address_locked(request: HttpRequest) -> bool:
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return bool(limit) and address_failures(getattr(request, "axes_ip_address", None)) >= limit


class AccountAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler, locking an address as well as an account."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and address_locked(request):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
