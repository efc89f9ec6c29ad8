from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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


class ChineseFirstLocaleMiddleware:
    """Activates the language the user chose with the switcher, and Simplified Chinese otherwise.

    Django's ``LocaleMiddleware`` would also follow the browser's ``Accept-Language``. We don't: the
    platform is Chinese first, and a street office's browser set to English (common on managed
    machines) must not silently turn the registry into English for one worker and not the next.
    English is a choice made in the interface, remembered in the language cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
        return response
