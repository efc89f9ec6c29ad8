"""gunicorn started with the deployment's config (docs/deploy.md) answers without a Server banner, and
its worker's loaded code is frozen out of the garbage collector."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_sends_no_server_header(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("YIYANG_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "YIYANG_VAR_DIR": str(tmp_path),
        "YIYANG_BIND": f"127.0.0.1:{port}",
        "YIYANG_WEB_WORKERS": "1",
        "YIYANG_DEBUG": "0",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        headers = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and headers is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                    headers = r.headers
            except urllib.error.HTTPError as exc:  # any answer will do: the header is gunicorn's
                headers = exc.headers
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                time.sleep(0.3)
        assert headers is not None, "gunicorn did not answer"
        assert "Server" not in headers and "gunicorn" not in str(headers).lower()
        assert headers["Date"] and headers["X-Request-ID"]
    finally:
        proc.terminate()
        proc.wait(10)
    # the worker's loaded code left out of the garbage collector's full collections (gc.freeze)
    log = proc.stderr.read().decode() if proc.stderr else ""
    frozen = re.search(r"(\d+) objects of the loaded code frozen", log)
    assert frozen and int(frozen.group(1)) > 100_000, log[-2000:]
