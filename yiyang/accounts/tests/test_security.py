"""等保 level 3 account security: lockout, password rules, idle timeout, password expiry, inactive users."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.accounts.passwords import CharacterClassValidator
from yiyang.areas.models import Area
from yiyang.core.models import AuditEntry
from yiyang.core.testing import PASSWORD, World
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory

LOGIN = "/accounts/login/"


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# -- lockout (real logins: force_login would bypass axes) --------------------------------------------


@pytest.mark.django_db
def test_login_works(world: World) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_lockout_after_the_failure_limit(world: World) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": "bob", "password": f"wrong-{attempt}"})
        assert not logged_in(client)
    assert response.status_code in (403, 429)  # the fifth failure locks the account

    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert not logged_in(client)
    # from another browser too: the account is locked, not the address
    other = Client()
    other.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert not logged_in(other)
    # and the API's token endpoint counts the same lockout
    token = Client().post("/api/v1/auth/token/", {"username": "bob", "password": PASSWORD})
    assert token.status_code != 200

    # other accounts are unaffected
    carol = Client()
    carol.post(LOGIN, {"username": "carol", "password": PASSWORD})
    assert logged_in(carol)


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_do_not_lock(world: World) -> None:
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": "bob", "password": f"wrong-{attempt}"})
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert logged_in(client)


@pytest.mark.django_db
def test_failed_token_logins_lock_the_account_too(world: World) -> None:
    api = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": "bob", "password": f"wrong-{attempt}"})
    client = Client()
    client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert not logged_in(client)


# -- password rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["password1", "abcdefgh", "12345678", "Ab1!", "ABCDEFGH1", "abcdefgh1", "Yiyang2026"[:7]],
)
def test_weak_passwords_are_rejected(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Yiyang@2026", "Tongzhou2026", "jin-sha@Street", "Zx9!Zx9!"])
def test_strong_passwords_are_accepted(password: str) -> None:
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefgh", 1),
        ("abcdEFGH", 2),
        ("abcd1234", 2),
        ("abcD1234", 3),
        ("ab-D1234", 4),
        ("养老服务abc1", 2),
    ],
)
def test_character_classes(password: str, classes: int) -> None:
    for minimum in range(1, 5):
        validator = CharacterClassValidator(min_classes=minimum)
        if classes >= minimum:
            validator.validate(password)
        else:
            with pytest.raises(ValidationError, match="至少"):
                validator.validate(password)


@pytest.mark.django_db
def test_password_similar_to_the_username_is_rejected(world: World) -> None:
    with pytest.raises(ValidationError):
        validate_password("alice1Z!", user=world.alice)
    validate_password("alice1Z!", user=world.bob)


# -- sessions ----------------------------------------------------------------------------------------


def test_idle_timeout_settings() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # the cookie age is an idle timeout
    assert 0 < settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


@pytest.mark.django_db
def test_every_request_renews_the_session(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Request-ID"]


# -- password expiry ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_expired_password_redirects_to_the_change_page(client: Client, world: World) -> None:
    bob = world.bob
    bob.password_changed_at = timezone.now() - datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    bob.save()
    client.force_login(bob)

    response = client.get(reverse("people:elder_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change") + "?expired=1"
    change = client.get(response["Location"])
    assert change.status_code == 200
    assert change.context["expired"] is True

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Jinsha#2027", "new_password2": "Jinsha#2027"},
    )
    assert response.status_code == 302
    assert client.get(reverse("people:elder_list")).status_code == 200


@pytest.mark.django_db
def test_password_change_rejects_a_weak_password(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "password1", "new_password2": "password1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    world.bob.refresh_from_db()
    assert world.bob.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_that_is_not_yet_old_is_fine(client: Client, world: World) -> None:
    bob = world.bob
    bob.password_changed_at = timezone.now() - datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS - 1)
    bob.save()
    client.force_login(bob)
    assert client.get(reverse("people:elder_list")).status_code == 200


# -- inactive users ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inactive_user_sees_nothing(client: Client, world: World) -> None:
    ElderFactory.create(area=world.areas.community_a1)
    AuditEntry.objects.create(
        request_id="6f1c1e52-0000-4000-8000-000000000002",
        action="update",
        verb="x",
        object_type="x",
        area_path=world.areas.district.path,
    )
    alice = world.alice
    client.force_login(alice)
    assert client.get(reverse("people:elder_list")).status_code == 200

    alice.is_active = False
    alice.save()
    for model in (Elder, Area, AuditEntry):
        assert not model.objects.for_user(alice).exists()
    assert not alice.has_perm("people.view_elder")
    # the open session no longer authenticates
    response = client.get(reverse("people:elder_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Client().post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 200
    assert (
        Client().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).status_code == 400
    )
