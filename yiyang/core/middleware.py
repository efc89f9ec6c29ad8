from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from yiyang.core.context import unit_of_work


class RequestIdMiddleware:
    """Opens a unit of work per request and returns its id in ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = request.META.get("REMOTE_ADDR", "")
        with unit_of_work(client_ip=ip) as rid:
            request.request_id = rid  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = str(rid)
        return response
