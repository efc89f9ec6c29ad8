"""Logins, logouts and failed logins are in the audit trail (issue 18, item 5; 等保 §8.1.4.3 b)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiyang.core.models import AuditEntry
from yiyang.core.testing import PASSWORD, World

pytestmark = pytest.mark.django_db


def _events() -> list[tuple[str, str, bool, str]]:
    return [
        (e.verb, e.actor_name, e.success, e.message)
        for e in AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).order_by("id")
    ]


def test_a_failed_login_a_login_and_a_logout_are_audited(world: World) -> None:
    client = Client(REMOTE_ADDR="198.51.100.8")
    client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    client.post("/accounts/logout/")
    bob = world.bob.get_full_name() or "bob"
    assert _events() == [
        ("user.login_failed", "bob", False, "IP 198.51.100.8"),
        ("user.login_failed", "nobody", False, "IP 198.51.100.8"),
        ("user.login", bob, True, "IP 198.51.100.8"),
        ("user.logout", bob, True, "IP 198.51.100.8"),
    ]
    entry = AuditEntry.objects.get(verb="user.login")
    assert entry.actor == world.bob and entry.object_id == str(world.bob.pk)
    assert entry.area_path == world.areas.street_a.path  # bob's street's auditors see it


def test_a_failed_token_login_is_audited(world: World) -> None:
    Client().post("/api/v1/auth/token/", {"username": "carol", "password": "wrong"})
    assert [(v, s) for v, _n, s, _m in _events()] == [("user.login_failed", False)]
