"""`make run`, as a new user meets it: the set-up twice on one database, then the server it starts.

A second `make run` used to reload the demo (its "already loaded?" check parsed the shell's output,
which Django 5.2 prefixes with an auto-import line), deleting and renumbering published rolls; and the
server ran with debug on, so a record outside the user's area showed Django's English debug page with
the URL patterns. This test runs the Makefile's own steps on a throw-away SQLite database.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from yiyang.areas.models import Area
from yiyang.benefits.models import PaymentRoll
from yiyang.people.models import Elder

ROOT = Path(settings.BASE_DIR)
ELDERS = "200"

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="make run is the embedded (SQLite) set-up; tested once, in the SQLite run",
)


def _make(env: dict[str, str], *targets: str, **kwargs: Any) -> Any:
    # -o setup: the virtualenv and npm packages are already installed (and shared by every checkout).
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "setup", *targets, f"ELDERS={ELDERS}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        **kwargs,
    )


def _snapshot(db: Path) -> dict[str, Any]:
    """Row counts of every table, and the rolls with their ids and numbers."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        rolls = conn.execute(
            f"SELECT id, programme_id, month, status, line_count FROM {PaymentRoll._meta.db_table} ORDER BY id"
        ).fetchall()
    return {"counts": counts, "rolls": rolls}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    var = tmp_path_factory.mktemp("make-run")
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIYANG_")}
    db = var / "yiyang.sqlite3"
    env.update(YIYANG_DATABASE_URL=f"sqlite://{db}", YIYANG_VAR_DIR=str(var))
    first = _make(env, "prepare")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    yield env, db


def test_a_second_start_touches_no_data(embedded: tuple[dict[str, str], Path]) -> None:
    env, db = embedded
    before = _snapshot(db)
    assert before["counts"][Elder._meta.db_table] > 0
    assert any(status == "published" for _, _, _, status, _ in before["rolls"])

    again = _make(env, "prepare")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "演示数据已载入" in again.stdout
    assert _snapshot(db) == before

    # Run by hand without --reset, the demo refuses, and still writes nothing.
    refused = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "demo_all", "--elders", ELDERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0
    assert "--reset" in refused.stderr
    assert _snapshot(db) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_the_server_serves_as_production_does(embedded: tuple[dict[str, str], Path]) -> None:
    env, db = embedded
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "-o", "setup", "-o", "prepare", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the server and the worker in one process group, stopped together
    )
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def get(path: str) -> tuple[int, bytes, Any]:
        try:
            with browser.open(base + path, timeout=30) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    try:
        for _ in range(120):
            try:
                status, page, _ = get("/accounts/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(1)
        else:
            pytest.fail("make run did not start the server")
        assert status == 200
        assert "智慧养老服务平台" in page.decode()

        # Static files and the favicon, by WhiteNoise with debug off.
        status, icon, headers = get("/favicon.ico")
        assert status == 200 and headers["Content-Type"].startswith("image/") and icon
        for url in set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.decode())):
            assert get(url)[0] == 200, url

        # Logging in works over plain http (the session cookie is not marked secure).
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode())
        assert token
        form = urllib.parse.urlencode(
            {"username": "jinsha", "password": "Yiyang@2026", "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        try:
            browser.open(urllib.request.Request(base + "/accounts/login/", data=form), timeout=30)
        except urllib.error.HTTPError as e:
            assert e.code == 302, e.read().decode()[:2000]
        assert get("/")[0] in (200, 302)

        # Another street's elder: the Chinese 404 page, never Django's debug page with the URL patterns.
        with sqlite3.connect(db) as conn:
            (street_path,) = conn.execute(
                f"SELECT path FROM {Area._meta.db_table} WHERE code = '320612001'"
            ).fetchone()
            (other,) = conn.execute(
                f"SELECT id FROM {Elder._meta.db_table} WHERE area_path NOT LIKE ? LIMIT 1",
                (street_path + "%",),
            ).fetchone()
        status, body, _ = get(f"/people/elders/{other}/")
        text = body.decode()
        assert status == 404
        assert "页面不存在或无权查看" in text
        assert "URLconf" not in text and "DEBUG" not in text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    worker = Path("/proc") / (Path(env["YIYANG_VAR_DIR"]) / "worker.pid").read_text().strip() / "stat"
    for _ in range(30):  # the worker finishes its poll before it stops
        if not worker.exists() or worker.read_text().split(") ")[-1].startswith("Z"):
            break
        time.sleep(1)
    else:
        pytest.fail("the background worker outlived make run")
