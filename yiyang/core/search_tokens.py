"""Search terms that identify a person never travel in a URL (issue 18 item 1).

A full ID number or phone typed into a search box (``?q=``) would otherwise land in the address bar,
the browser history, the web server's log and, through the list's access-log row, in
``core_accesslog.query`` where an auditor reads it. Instead such a term is exchanged, by a POST, for an
opaque search token (``~`` and AES-256-GCM ciphertext under a key derived from ``SECRET_KEY``,
valid for ``TTL`` seconds), and only the token is put in the URL:

* pages: ``static/yiyang/search.js`` swaps the term for a token (``POST /search-token/``) before a
  search form or an htmx request leaves the browser; a URL that still carries one (JavaScript off, a
  hand-typed address) is answered by a redirect to the same URL with the token, before any view or
  log sees it;
* API: ``POST /api/v1/search-tokens/`` gives the token; a ``GET`` with an identifying term is a 400;
* filters read the term back (``reveal_data``, applied to every FilterSet, and ``elder_search_q``);
* whatever reaches the access log is concealed again (``conceal_query``).

Which terms: the parameters in ``PARAMS`` whose value, without spaces and dashes, holds a run of 11 or
more digits: an 18- or 15-digit ID number, a mobile, a landline with its area code. A longer number of
another kind (a hotline ticket) is tokenised too, harmlessly: every reader reveals it.
"""

from __future__ import annotations

import base64
import json
import re
import time
import unicodedata
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.http import QueryDict

from yiyang.core import crypto

#: the query parameters that carry a free search term
PARAMS = ("q",)
PREFIX = "~"
TTL = 24 * 3600  # a bookmarked search stops working the next day; it finds nothing, it never errs
_RUN = re.compile(r"\d{11,}")
_SEPARATORS = re.compile(r"[\s\-－—()（）]")
_TOKEN = re.compile(r"^~[A-Za-z0-9_-]{20,600}$")


def identifying(value: str) -> bool:
    """Whether a search term holds a full ID number or phone (or another 11+ digit number)."""
    if not value or value.startswith(PREFIX):
        return False
    return bool(_RUN.search(_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))))


def _key() -> AESGCM:
    return _key_for(settings.SECRET_KEY)


@cache
def _key_for(secret: str) -> AESGCM:
    """One key per secret: a test or a restart that changes the secret gets its own, nothing to forget."""
    return AESGCM(crypto.derive(secret, "search-token", 32))


def issue(value: str, now: float | None = None) -> str:
    """An opaque token standing for ``value`` (a fresh one each time: two searches are not linkable)."""
    body = json.dumps({"v": value, "e": int((now or time.time()) + TTL)}, ensure_ascii=False).encode()
    nonce = crypto._nonce()
    raw = nonce + _key().encrypt(nonce, body, b"search-token")
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def is_token(value: str) -> bool:
    return bool(value) and bool(_TOKEN.match(value))


def reveal(value: str, now: float | None = None) -> str:
    """The term a token stands for; a term that is no token comes back unchanged; an expired or forged
    token becomes a term that matches nothing (never the token itself, never an error)."""
    if not is_token(value):
        return value
    try:
        raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        data = json.loads(_key().decrypt(raw[:12], raw[12:], b"search-token"))
    except (ValueError, InvalidTag, json.JSONDecodeError):
        return EXPIRED
    if data.get("e", 0) < (now or time.time()):
        return EXPIRED
    return str(data.get("v", ""))


#: what an expired or forged token searches for: no name, number or pinyin starts with it
EXPIRED = "\u2400"


def needs_tokens(params: QueryDict) -> bool:
    return any(identifying(v) for name in PARAMS for v in params.getlist(name))


def tokenised(params: QueryDict) -> str:
    """``params`` as a query string with every identifying term replaced by a token."""
    pairs = [
        (k, issue(v) if k in PARAMS and identifying(v) else v) for k, values in params.lists() for v in values
    ]
    return urlencode(pairs)


def reveal_data(data: Any) -> Any:
    """A FilterSet's data with its tokens read back (a copy; ``data`` itself is left alone)."""
    if not isinstance(data, QueryDict) or not any(is_token(v) for name in PARAMS for v in data.getlist(name)):
        return data
    copy = data.copy()
    for name in PARAMS:
        if name in copy:
            copy.setlist(name, [reveal(v) for v in copy.getlist(name)])
    return copy


def conceal_query(query: str) -> str:
    """A query string fit for a log: identifying terms become tokens (the access log, the CLI)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(k in PARAMS and identifying(v) for k, v in pairs):
        return query
    return urlencode([(k, issue(v) if k in PARAMS and identifying(v) else v) for k, v in pairs])


def install() -> None:
    """Every FilterSet reads tokens back: pages, exports and the API alike (called once, at start)."""
    import django_filters

    original = django_filters.FilterSet.__init__
    if getattr(original, "_reveals_tokens", False):
        return

    def __init__(self: Any, data: Any = None, *args: Any, **kwargs: Any) -> None:
        original(self, reveal_data(data), *args, **kwargs)

    __init__._reveals_tokens = True  # type: ignore[attr-defined]
    django_filters.FilterSet.__init__ = __init__
