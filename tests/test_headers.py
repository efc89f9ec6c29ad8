"""Headers and defaults (issue 18, item 10): a Content-Security-Policy that no page needs to relax (no
inline script anywhere), HSTS over TLS, ``Cache-Control: no-store`` on everything that may carry
personal data, no ``Server`` banner, and the API schema and docs behind a login.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from yiyang.core.testing import World

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
#: <script> with a body (not src=, not a json_script data block), on…= handlers, javascript: URLs, hx-on.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>\s*\S", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']|javascript:|\bhx-on""", re.I)


def _templates() -> list[Path]:
    return sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("yiyang/*/templates/**/*.html")])


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "move the script to a static file (static/yiyang/yiyang.js)"
    assert not INLINE_HANDLER.search(text), "use data-confirm / data-print / data-back / data-autosubmit"


def _pages() -> list[str]:
    def walk(resolver: URLResolver, prefix: str = "") -> list[str]:
        found = []
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                found += walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and "<" not in str(p.pattern) and "^" not in str(p.pattern):
                found.append("/" + prefix + str(p.pattern))
        return found

    return [u for u in walk(get_resolver()) if not u.startswith(("/api/", "/i18n/", "/accounts/logout"))]


def test_every_page_has_the_policy_no_store_and_no_inline_script(client: Client, world: World) -> None:
    client.force_login(world.alice)
    checked = 0
    for url in _pages():
        response = client.get(url)
        csp = response.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "unsafe" not in csp.split("script-src")[1].split(";")[0], url
        assert "frame-ancestors 'none'" in csp, url
        assert "no-store" in response.get("Cache-Control", ""), url
        assert not response.has_header("Server"), url
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
            assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html))
            checked += 1
    assert checked > 50


def test_exports_pdfs_and_the_api_are_not_stored(client: Client, world: World) -> None:
    from yiyang.people.tests.factories import ElderFactory

    elder = ElderFactory(area=world.areas.community_a1)
    client.force_login(world.alice)
    for url in (
        "/people/elders/?export=xlsx",
        f"/api/v1/people/elders/{elder.pk}/",
        "/api/v1/people/elders/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/yiyang/yiyang.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_hsts_over_tls_only(client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script="])
def test_api_schema_and_docs_need_a_login(client: Client, world: World, url: str) -> None:
    assert client.get(url).status_code in (401, 403)
    client.force_login(world.dave)
    assert client.get(url).status_code == 200


def test_api_docs_page_runs_no_inline_script(client: Client, world: World) -> None:
    client.force_login(world.dave)
    html = client.get("/api/v1/docs/").content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert "?script=" in html


def test_a_deployment_may_publish_the_schema(client: Client) -> None:
    with override_settings(API_SCHEMA_PUBLIC=True):
        assert client.get("/api/v1/schema/").status_code == 200


def test_the_embedded_server_sends_no_server_banner(live_server: object) -> None:
    with urllib.request.urlopen(f"{live_server}/accounts/login/") as response:
        assert response.status == 200
        assert response.headers.get("Server") is None
