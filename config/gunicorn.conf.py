"""Gunicorn settings for Yiyang: `gunicorn -c config/gunicorn.conf.py config.wsgi` (docs/deploy.md).

Responses carry no ``Server`` header: gunicorn always writes ``Server: gunicorn`` itself, before the
application's headers, so the line is removed where gunicorn builds it. (nginx's ``server_tokens off``
hides only nginx's version, and passes the upstream's header on.)
"""

from __future__ import annotations

import gc
import os
from typing import Any

from gunicorn.http import wsgi

bind = os.environ.get("YIYANG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("YIYANG_WEB_WORKERS", "4"))
# More than one: gunicorn's threaded worker (gthread), each thread with its own database connection.
threads = int(os.environ.get("YIYANG_WEB_THREADS", "1"))
timeout = int(os.environ.get("YIYANG_WEB_TIMEOUT", "60"))
graceful_timeout = 30
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# The access log never shows a query string: one could hold a search term (issue 18 item 1).
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%({x-request-id}o)s"'

_default_headers = wsgi.Response.default_headers


def _without_server(self: wsgi.Response) -> list[str]:
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server


def post_worker_init(worker: Any) -> None:
    """The worker's code loaded (every view's module too, which the first request would import), its
    objects are moved out of the garbage collector's reach (``gc.freeze``, as Python's documentation
    advises for pre-fork servers). A full collection in a process warmed with every benchmarked page
    went over 450,000 objects: ~145 ms, landing on whichever request was running (the outliers of a
    page's p95 alone); frozen, it goes over the ~50,000 made since start-up: 4-9 ms. They are still
    freed when unreferenced; only a cycle among them that becomes garbage later would stay."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URL conf and every view
    gc.collect()
    gc.freeze()
    worker.log.info(
        "%d objects of the loaded code frozen out of the garbage collector", gc.get_freeze_count()
    )
