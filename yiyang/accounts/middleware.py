from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone


class PasswordExpiryMiddleware:
    """Sends a user whose password is older than the policy allows to the change-password page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if (
            max_age
            and user is not None
            and user.is_authenticated
            and request.method == "GET"
            and not request.path.startswith(("/accounts/", "/static/", "/api/"))
            and timezone.now() - user.password_changed_at > datetime.timedelta(days=max_age)
        ):
            return redirect(reverse("accounts:password_change") + "?expired=1")
        return self.get_response(request)
