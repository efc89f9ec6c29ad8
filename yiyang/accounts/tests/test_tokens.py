"""API tokens obey the rules sessions obey (issue 18, item 3)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from yiyang.accounts import actions
from yiyang.accounts.models import ApiTokenUse
from yiyang.core.models import AuditEntry
from yiyang.core.testing import PASSWORD, World

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ELDERS = "/api/v1/people/elders/"


def _token(username: str) -> str:
    response = Client().post(TOKEN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    key: str = response.json()["token"]
    return key


def _get(key: str) -> int:
    return Client().get(ELDERS, HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_a_token_works_and_its_issue_is_audited(world: World) -> None:
    key = _token("bob")
    assert _get(key) == 200
    assert AuditEntry.objects.filter(verb="user.token_issue", object_id=str(world.bob.pk)).count() == 1


def test_a_token_past_its_age_is_refused_and_deleted(world: World) -> None:
    key = _token("bob")
    Token.objects.filter(key=key).update(
        created=timezone.now() - datetime.timedelta(hours=settings.API_TOKEN_MAX_AGE_HOURS, minutes=1)
    )
    ApiTokenUse.objects.filter(token_id=key).update(last_used_at=timezone.now())
    assert _get(key) == 401
    assert not Token.objects.filter(key=key).exists()
    assert _get(_token("bob")) == 200  # a new one is issued


def test_an_idle_token_is_refused(world: World) -> None:
    key = _token("bob")
    assert _get(key) == 200
    idle = timezone.now() - datetime.timedelta(minutes=settings.API_TOKEN_IDLE_MINUTES + 1)
    ApiTokenUse.objects.filter(token_id=key).update(last_used_at=idle)
    assert _get(key) == 401


def test_use_keeps_a_token_alive(world: World) -> None:
    key = _token("bob")
    half = timezone.now() - datetime.timedelta(minutes=settings.API_TOKEN_IDLE_MINUTES / 2)
    Token.objects.filter(key=key).update(created=half)
    ApiTokenUse.objects.update_or_create(token_id=key, defaults={"last_used_at": half})
    assert _get(key) == 200
    assert ApiTokenUse.objects.get(token_id=key).last_used_at > half


def test_a_password_reset_revokes_the_token(world: World) -> None:
    key = _token("bob")
    actions.user_reset_password(user=world.bob, actor=world.alice)
    assert _get(key) == 401


def test_a_password_change_revokes_the_token(world: World) -> None:
    key = _token("bob")
    client = Client()
    client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    new = "Anders@2026x"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert _get(key) == 401


def test_deactivation_revokes_the_token(world: World) -> None:
    key = _token("bob")
    actions.user_deactivate(user=world.bob, actor=world.alice, reason="调岗")
    assert not Token.objects.filter(key=key).exists()


def test_no_token_while_a_password_change_is_forced(world: World) -> None:
    bob = world.bob
    actions.user_reset_password(user=bob, actor=world.alice)
    bob.refresh_from_db()
    bob.set_password(PASSWORD)
    bob.password_changed_at = actions.MUST_CHANGE_AT
    bob.save()
    response = Client().post(TOKEN_URL, {"username": "bob", "password": PASSWORD})
    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]
    assert not Token.objects.filter(user=bob).exists()

    bob.password_changed_at = timezone.now() - datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    bob.save(update_fields=["password_changed_at"])
    assert Client().post(TOKEN_URL, {"username": "bob", "password": PASSWORD}).status_code == 403


def test_the_owner_sees_and_revokes_the_token(world: World) -> None:
    key = _token("dave")
    client = Client()
    client.force_login(world.dave)
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert 'id="api-token"' in page and "签发于" in page
    assert client.post(reverse("accounts:my_token_revoke")).status_code == 302
    assert _get(key) == 401
    assert AuditEntry.objects.filter(verb="user.token_revoke", object_id=str(world.dave.pk)).exists()


def test_the_administrator_sees_and_revokes_the_token(world: World) -> None:
    key = _token("dave")
    client = Client()
    client.force_login(world.alice)
    page = client.get(reverse("accounts:user_detail", args=[world.dave.pk])).content.decode()
    assert "签发于" in page and "吊销接口令牌" in page
    assert client.post(reverse("accounts:user_revoke_token", args=[world.dave.pk])).status_code == 302
    assert _get(key) == 401
    entry = AuditEntry.objects.get(verb="user.token_revoke", object_id=str(world.dave.pk))
    assert entry.actor_id == world.alice.pk


def test_another_streets_worker_cannot_revoke(world: World) -> None:
    _token("dave")
    client = Client()
    client.force_login(world.carol)
    response = client.post(reverse("accounts:user_revoke_token", args=[world.dave.pk]))
    assert response.status_code in (403, 404)
    assert Token.objects.filter(user=world.dave).exists()
