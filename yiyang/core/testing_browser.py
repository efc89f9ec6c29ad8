"""Fixtures for driving real pages in headless Chromium against pytest-django's live server.

A pytest plugin (the root conftest loads it), so that every app's browser tests share one
Playwright instance per test process: a second sync_playwright() in the same process fails.
Debian's Chromium at /usr/bin/chromium is used as is; no browser is ever downloaded. Without it,
tests marked ``browser`` are skipped.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

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
STATIC_PREFIXES = ("/static/", "/media/")
#: how long a step may wait: a CI machine running two test processes and Chromium is slow, not broken
TIMEOUT_MS = 30_000


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share one connection.

    On SQLite the test database lives in memory, so every thread of the live server is handed the
    test's own connection. Two requests at once — a dashboard's cards loading by htmx while the
    next page is asked for — then share one transaction state: one request's failed statement
    marks the other's atomic block as broken, and every later test of the process fails at
    teardown. Each request runs (and its body is read) under one lock; on PostgreSQL, where every
    thread has its own connection, requests are still answered in parallel.
    """

    lock = threading.Lock()

    def set_app(self, application: Any) -> None:
        if not self.connections_override:
            super().set_app(application)
            return

        def serialised(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            if environ.get("PATH_INFO", "").startswith(STATIC_PREFIXES):  # files, no database
                return application(environ, start_response)
            with self.lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(serialised)


def pytest_configure(config: pytest.Config) -> None:
    LiveServerThread.server_class = OneRequestAtATime


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
def live_server(django_db_setup: None, live_server: Any) -> Any:
    """pytest-django's live server, started only once the test database exists.

    The server hands its threads the connections of in-memory SQLite databases when it starts. Started
    before the test database (a worker whose first test opens a browser), it sees the file database of
    the settings, hands over nothing, and each request opens its own connection to the shared in-memory
    database, where two requests at once fail with "database table is locked" instead of waiting."""
    from django.db import connections

    in_memory = {c.alias for c in connections.all() if getattr(c, "is_in_memory_db", lambda: False)()}
    assert in_memory <= set(live_server.thread.connections_override), "the live server has its own connection"
    return live_server


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

    def console(self, message: Any) -> None:
        # A script or style the Content-Security-Policy blocked is an error of the page.
        if "Content Security Policy" in message.text:
            self.errors.append(message.text)

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
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.on("request", lambda r: traffic.urls.append(r.url))
    pg.on("response", lambda r: traffic.response(r))
    pg.on("requestfailed", lambda r: traffic.failed(r))
    pg.on("pageerror", lambda exc: traffic.errors.append(str(exc)))
    pg.on("console", traffic.console)
    yield pg
    context.close()
    # A request the page started last (a card loading by htmx) may still be running on the shared
    # connection: let it finish before the test's database is flushed under it.
    if OneRequestAtATime.lock.acquire(timeout=TIMEOUT_MS / 1000):
        OneRequestAtATime.lock.release()


def wait_until(page: Any, expression: str, timeout: float = TIMEOUT_MS / 1000) -> None:
    """Wait until ``expression`` is true in the page.

    Not ``page.wait_for_function``: its polling evaluates the expression with ``eval`` inside the
    page, which the Content-Security-Policy refuses (no 'unsafe-eval'); ``page.evaluate`` runs it
    from the outside.
    """
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def wait_for_record(page: Any, prefix: str) -> None:
    """Wait until the page is a record's own page under `prefix` (``/volunteers/teams/`` → ``…/teams/12/``).

    A glob such as ``**/teams/*/`` also matches the ``…/teams/add/`` page the form was posted from, so
    it would return before the browser has left it."""
    page.wait_for_url(re.compile(re.escape(prefix) + r"\d+/$"))


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/otp/" in page.url:
        second_factor(page, username)


def totp_code(key: bytes) -> str:
    from django_otp.oath import totp

    return f"{totp(key):06d}"


def second_factor(page: Any, username: str) -> None:
    """The code of the user's authenticator, as their phone would show it: on enrolment from the secret
    the page shows; afterwards from the device's key (its replay guard reset, as a new time step would)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    secret = page.locator("#otp-secret")
    if secret.count():
        text = secret.inner_text().replace(" ", "")
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    else:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        key = device.bin_key
    page.locator("#id_token").fill(totp_code(key))
    with page.expect_navigation():
        page.locator("#otp-submit").click()
    if page.locator("#otp-continue").count():  # enrolled: the recovery codes, shown once
        with page.expect_navigation():
            page.locator("#otp-continue").click()
    assert not page.locator("#otp-error").count(), "second factor refused"


def upload_import(page: Any, live_server: Any, workbook: Path, *, dry_run: bool) -> None:
    """Upload an elder workbook on the import page and wait for the batch's result."""
    page.goto(f"{live_server.url}/people/elders/import/")
    page.locator("#id_file").set_input_files(str(workbook))
    page.locator("#id_dry_run").set_checked(dry_run)
    page.get_by_role("button", name="上传并检查").click()
    wait_for_record(page, "/imports/")
    page.locator("#import-state").wait_for()


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
