"""Every link a role is shown, it may open (issue 11, item 11).

For every role: log in, land on "/", follow every link of the menu, then every link on those pages
(lists lead to detail and edit pages) — one level further, no more. No link shown may answer 403,
404 or 500: a link to a page its reader may not open is a defect of the page that shows it (lists
linked to edit pages their readers could not open: rules, budgets, plans, bank accounts).

The data is one record in every module (``tests.test_exports.everything``) under the real role
policy. Links of one kind (one URL name) are followed a few times per user, not once per row.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.test_exports import everything  # noqa: F401  (the fixture: one record in every module)
from yiyang.accounts.roles import Role
from yiyang.core.testing import STANDING_USERS, World, make_user

pytestmark = pytest.mark.django_db

HREF = re.compile(r"""<a\b[^>]*\bhref=["']([^"'#][^"']*)["']""", re.IGNORECASE)
#: Links of one kind followed per user: enough to meet the kinds of rows, not every row.
PER_KIND = 3
#: Not pages: files handed out (checked by tests/test_exports.py and the PDF tests) and leaving.
SKIP_QUERY = ("export=", "format=")
SKIP_PATH = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/api/")


def _links(html: str) -> list[str]:
    out = []
    for href in HREF.findall(html):
        url = unescape(href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if any(s in parts.query for s in SKIP_QUERY) or parts.path.startswith(SKIP_PATH):
            continue
        if parts.path.endswith((".pdf", ".xlsx", ".png", ".jpg", ".csv")):
            continue
        out.append(url)
    return out


def _kind(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return url


def crawl(client: Client) -> tuple[dict[str, int], list[str]]:
    """Status of every link followed; returns (url → status, the menu's urls)."""
    landing = client.get("/", follow=True)
    assert landing.status_code == 200
    html = landing.content.decode()
    menu = _menu_links(html)
    seen: dict[str, int] = {}
    per_kind: Counter[str] = Counter()

    def visit(url: str) -> str:
        if url in seen:
            return ""
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            return response.content.decode()
        return ""

    level_one = list(dict.fromkeys([*menu, *_links(html)]))
    pages = [(url, visit(url)) for url in level_one]
    for _url, page in pages:
        for link in _links(page):
            kind = _kind(link)
            if link in seen or per_kind[kind] >= PER_KIND:
                continue
            per_kind[kind] += 1
            visit(link)
    return seen, menu


def _menu_links(html: str) -> list[str]:
    nav = re.search(r"<nav[^>]*id=\"sidebar\".*?</nav>", html, re.DOTALL) or re.search(
        r"<nav\b.*?</nav>", html, re.DOTALL
    )
    return _links(nav.group(0)) if nav else []


def _users(world: World, care_worker: Any) -> dict[str, Any]:
    users = {u.username: getattr(world, u.username) for u in STANDING_USERS}
    standing_roles = {u.role for u in STANDING_USERS}
    for role in Role:
        if role.value not in standing_roles and role != Role.DEVICE_PLATFORM:
            users[role.value] = make_user(f"crawl_{role.value}", role.value, [world.areas.district])
    users["care_worker"] = care_worker
    return users


WHO = [u.username for u in STANDING_USERS] + [
    r.value for r in Role if r.value not in {u.role for u in STANDING_USERS} and r != Role.DEVICE_PLATFORM
]


@pytest.mark.parametrize("who", [*WHO, "care_worker"])
def test_no_link_shown_is_refused_or_missing(
    client: Client,
    world: World,
    everything: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    who: str,
) -> None:
    monkeypatch.undo()  # the real role policy: ``everything`` grants the administrator every export
    from yiyang.services.models import Worker

    care_worker = Worker.objects.exclude(user=None).select_related("user").first()
    assert care_worker is not None
    user = _users(world, care_worker.user)[who]
    client.force_login(user)
    seen, menu = crawl(client)
    assert menu, f"{who}: no menu"
    assert len(seen) > len(menu), f"{who}: the crawl went no further than the menu"
    print(f"{who}: {len(menu)} menu entries, {len(seen)} links followed")
    broken = {url: status for url, status in seen.items() if status in (403, 404) or status >= 500}
    assert not broken, f"{who} is shown links it may not open: {broken}"
