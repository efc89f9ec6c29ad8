"""The demo district behind a real HTTP server, for clients that only know the API by its schema.

The data is the demo's (``demo_all`` at a small size), loaded once for the module inside a
transaction that is rolled back afterwards. The server runs in a thread of this process and answers
on the test's own database connection, so it sees that data without committing it; requests are
served one at a time, while the test waits for each answer.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction

#: The demo's size here: enough rows for every list to page, small enough to load in seconds.
DEMO_ELDERS = 200


@pytest.fixture(scope="module")
def demo_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_all", "--elders", str(DEMO_ELDERS), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # thousands of requests; a failing test reports its own


@dataclass
class ApiServer:
    url: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


@pytest.fixture
def api_server(demo_data: None, db: None) -> Iterator[ApiServer]:
    """The API at ``url``, with a token of the demo's district administrator (``admin``)."""
    from rest_framework.authtoken.models import Token

    from yiyang.accounts.models import User

    token, _ = Token.objects.get_or_create(user=User.objects.get(username="admin"))
    shared = connections["default"]
    handler = WSGIHandler()

    def app(environ: Any, start_response: Any) -> Any:
        connections["default"] = shared  # this thread answers on the test's connection
        return handler(environ, start_response)

    # Django closes a request's connection when it ends; here that is the test's own.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    shared.inc_thread_sharing()
    # Refused requests are the point here; only server errors are worth a log line.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ApiServer(url=f"http://127.0.0.1:{server.server_port}", token=token.key)
    finally:
        server.shutdown()
        thread.join()
        shared.dec_thread_sharing()
        request_log.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
