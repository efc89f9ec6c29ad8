"""The request id and acting user of the current unit of work.

Every audit row carries a request id so that one page submission, one import or one background job
can be read back as a whole. Web requests get one from the middleware; commands and jobs open their
own with :func:`unit_of_work`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[uuid.UUID | None] = ContextVar("yiyang_request_id", default=None)
_client_ip: ContextVar[str] = ContextVar("yiyang_client_ip", default="")


def current_request_id() -> uuid.UUID:
    """The id of the current unit of work, creating one if nothing opened it."""
    value = _request_id.get()
    if value is None:
        value = uuid.uuid4()
        _request_id.set(value)
    return value


class RequestIdFilter:
    """A logging filter that stamps each record with the request id of its unit of work ("-" outside
    one), so that a JSON log line can be joined to the audit rows and the X-Request-ID a user quotes."""

    def filter(self, record: object) -> bool:
        value = _request_id.get()
        record.request_id = str(value) if value else "-"  # type: ignore[attr-defined]
        return True


def current_client_ip() -> str:
    return _client_ip.get()


@contextmanager
def unit_of_work(request_id: uuid.UUID | None = None, client_ip: str = "") -> Iterator[uuid.UUID]:
    rid = request_id or uuid.uuid4()
    token = _request_id.set(rid)
    ip_token = _client_ip.set(client_ip)
    try:
        yield rid
    finally:
        _request_id.reset(token)
        _client_ip.reset(ip_token)
