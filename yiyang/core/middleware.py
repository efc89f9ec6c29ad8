from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from yiyang.core import search_tokens
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


class RejectNulMiddleware:
    """A NUL byte in the query string is a 400, before any view reads it.

    PostgreSQL text cannot hold NUL: a view passing ``?area=a%00b`` or ``?q=…`` on to a query was a
    server error. Forms already refuse NUL in their own fields (Django's and DRF's ``CharField``);
    this covers the parameters views read directly.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest(_("请求中含有不允许的字符（NUL）"))
        return self.get_response(request)


class PrivateResponseMiddleware:
    """Every answer the platform computes may carry personal data: never stored by a browser or proxy.

    Pages, exports, PDFs and the API get ``Cache-Control: no-store`` (with ``private`` and
    ``max-age=0`` for old caches); static files are answered earlier by WhiteNoise and stay cacheable.
    A ``Server`` header the application stack set is dropped: the platform names no software version.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        if response.has_header("Server"):
            del response["Server"]
        return response


class SearchTokenMiddleware:
    """A full ID number or phone in a search parameter of a URL goes no further (issue 18 item 1).

    The browser script swaps such a term for a token before the request leaves; this catches the rest
    before any view or log sees the term: a page is redirected to the same URL with a token instead
    (``303``), an API request is refused (``400``) with the way to get a token. See ``search_tokens``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and search_tokens.needs_tokens(request.GET):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _(
                            "完整身份证号或电话不能放在网址中：请先 POST /api/v1/search-tokens/ 换取查询令牌，"
                            "再以令牌查询"
                        ),
                        "code": "identifier_in_url",
                    },
                    status=400,
                )
            return HttpResponseRedirect(f"{request.path}?{search_tokens.tokenised(request.GET)}", status=303)
        return self.get_response(request)
