"""Fixtures for driving real pages in headless Chromium against pytest-django's live server.

A pytest plugin (the root conftest loads it), so that every app's browser tests share one
Playwright instance per test process: a second sync_playwright() in the same process fails.
Debian's Chromium at /usr/bin/chromium is used as is; no browser is ever downloaded. Without it,
tests marked ``browser`` are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/yiyang-shots")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _static_root_apart(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The live server refuses to start when MEDIA_ROOT and STATIC_ROOT are the same directory."""
    from django.conf import settings

    if str(settings.STATIC_ROOT) == str(settings.MEDIA_ROOT):
        settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static-root"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Traffic:
    """What the page asked for: every URL, failed responses and script errors."""

    urls: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def response(self, response: Any) -> None:
        # Expected 4xx (the out-of-scope elder) are checked by the tests themselves.
        if response.status >= 500:
            self.failures.append(f"{response.status} {response.url}")

    def failed(self, request: Any) -> None:
        # Aborted is not failed: a link that answers with an attachment turns into a download
        # (Chromium reports the navigation as aborted), and leaving a page aborts its requests still
        # in flight (a dashboard card loading by htmx). A server error shows in response() instead.
        if request.failure == "net::ERR_ABORTED":
            return
        self.failures.append(f"failed {request.url} {request.failure}")

    def foreign(self, base: str) -> list[str]:
        return [u for u in self.urls if not u.startswith((base, "data:", "blob:"))]


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: None, traffic: Traffic) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.on("request", lambda r: traffic.urls.append(r.url))
    pg.on("response", lambda r: traffic.response(r))
    pg.on("requestfailed", lambda r: traffic.failed(r))
    pg.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
    yield pg
    context.close()


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def upload_import(page: Any, live_server: Any, workbook: Path, *, dry_run: bool) -> None:
    """Upload an elder workbook on the import page and wait for the batch's result."""
    page.goto(f"{live_server.url}/people/elders/import/")
    page.locator("#id_file").set_input_files(str(workbook))
    page.locator("#id_dry_run").set_checked(dry_run)
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/imports/*/")
    page.locator("#import-state").wait_for()


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
