"""Login protection per source, not only per account; new passwords differ from recent ones
(issue 18, item 4; 等保 §8.1.4.1 a–b)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.test import Client
from django.urls import reverse

from yiyang.accounts.lockout import address_failures
from yiyang.accounts.models import PasswordHistory
from yiyang.accounts.passwords import PasswordHistoryValidator
from yiyang.core.testing import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_many_accounts_tried_from_one_address_lock_that_address(world: World) -> None:
    """Two guesses on each of many accounts (no account reaches its own limit of five) from one
    address: once the address reaches its limit it is refused, even with a right password."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert settings.AXES_FAILURE_LIMIT < limit <= 50
    attacker = Client(REMOTE_ADDR=ATTACKER)
    names = [f"user{n}" for n in range(limit // 2)] + ["bob"]
    tried = 0
    for name in names:
        for guess in range(2):
            if tried < limit:
                attacker.post(LOGIN, {"username": name, "password": f"guess-{guess}"})
                tried += 1
    assert address_failures(ATTACKER) == limit

    response = attacker.post(LOGIN, {"username": "carol", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert not _logged_in(attacker)
    token = Client(REMOTE_ADDR=ATTACKER).post(
        "/api/v1/auth/token/", {"username": "carol", "password": PASSWORD}
    )
    assert token.status_code != 200

    # carol's account is not locked: from her office she logs in.
    office = Client(REMOTE_ADDR=OFFICE)
    office.post(LOGIN, {"username": "carol", "password": PASSWORD})
    assert _logged_in(office)


def test_a_shared_office_address_with_a_few_typos_is_not_locked(world: World) -> None:
    office = Client(REMOTE_ADDR=OFFICE)
    for name in ("bob", "carol", "dave", "erin"):
        office.post(LOGIN, {"username": name, "password": "typo"})
    office.post(LOGIN, {"username": "grace", "password": PASSWORD})
    assert _logged_in(office)


def _change(client: Client, old: str, new: str) -> dict[str, list[str]]:
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )
    if response.status_code == 302:
        assert response["Location"] == "/"
        return {}
    return dict(response.context["form"].errors)


def test_a_new_password_differs_from_the_current_and_recent_ones(client: Client, world: World) -> None:
    bob = world.bob
    bob.set_password(PASSWORD)
    bob.save()
    client.force_login(bob)
    errors = _change(client, PASSWORD, PASSWORD)
    assert "new_password2" in errors and "当前密码" in errors["new_password2"][0]

    history = [f"Yiyang@2026-{n}x" for n in range(3)]
    current = PASSWORD
    for new in history:
        assert _change(client, current, new) == {}
        assert client.get(reverse("accounts:my_account")).status_code == 200  # still logged in
        current = new
    for old in (PASSWORD, *history[:-1]):
        errors = _change(client, current, old)
        assert "最近" in errors["new_password2"][0], old
    # Only hashes are kept, and only as many as the policy remembers.
    remember = next(
        v.remember for v in get_default_password_validators() if isinstance(v, PasswordHistoryValidator)
    )
    stored = list(PasswordHistory.objects.filter(user=bob).values_list("password", flat=True))
    assert 0 < len(stored) <= remember
    assert not any(p in stored for p in (PASSWORD, *history))
