"""Two factors for those who can see most (issue 18 item 2): required, not offered.

These tests log in through the pages (``client.post`` to the login form), never ``force_login``,
which the test suite lets pass the second factor (``core.testing.pass_second_factor``)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yiyang.core.models import AuditEntry
from yiyang.core.testing import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"
TOKEN_URL = "/api/v1/auth/token/"


def _password(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def _code(device: TOTPDevice) -> str:
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a new time step, as the phone shows
    return f"{totp(device.bin_key):06d}"


def _enrol(client: Client) -> list[str]:
    page = client.get(OTP).content.decode()
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None and "<svg" in page  # the QR code, drawn on the server
    text = secret.group(1).replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    response = client.post(OTP, {"token": f"{totp(key):06d}", "next": "/"})
    assert response.status_code == 200
    codes = re.findall(r'<li class="col-6">([0-9a-z]+)</li>', response.content.decode())
    assert len(codes) == 10
    return codes


@pytest.mark.parametrize("username", ["alice", "grace"])
def test_a_password_alone_reaches_nothing_for_administrators_and_auditors(
    world: World, username: str
) -> None:
    client = _password(username)
    for path in ["/", reverse("accounts:my_account"), reverse("core:auditentry_list")]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(OTP), path
    api = client.get("/api/v1/people/elders/")
    assert api.status_code == 403
    assert "elders" not in api.content.decode()


def test_first_login_enrols_with_a_qr_code_and_recovery_codes(world: World, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code delays the next try; here, not for long
    client = _password("alice")
    page = client.get(OTP).content.decode()
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org", ""
    )  # no outside service draws it
    wrong = client.post(OTP, {"token": "000000"})
    assert wrong.status_code == 400 and 'id="otp-error"' in wrong.content.decode()
    codes = _enrol(client)
    assert len(set(codes)) == 10
    assert client.get(reverse("accounts:my_account")).status_code == 200
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).count() == 1
    assert AuditEntry.objects.filter(verb="user.otp_enrol", object_id=str(world.alice.pk)).exists()


def test_every_later_login_asks_for_the_code_and_a_recovery_code_works_once(world: World) -> None:
    codes = _enrol(_password("alice"))
    device = TOTPDevice.objects.get(user=world.alice)

    client = _password("alice")
    assert client.get("/")["Location"].startswith(OTP)
    assert "<svg" not in client.get(OTP).content.decode()  # enrolled: no new QR code
    assert client.post(OTP, {"token": _code(device)}).status_code == 302
    assert client.get(reverse("accounts:my_account")).status_code == 200

    first = _password("alice")
    assert first.post(OTP, {"token": codes[0]}).status_code == 302
    assert first.get(reverse("accounts:my_account")).status_code == 200
    assert AuditEntry.objects.filter(verb="user.otp_recovery").count() == 1
    again = _password("alice")
    assert again.post(OTP, {"token": codes[0]}).status_code == 400  # each recovery code once
    assert again.get("/")["Location"].startswith(OTP)


def test_other_roles_log_in_with_the_password_unless_the_setting_names_them(world: World) -> None:
    client = _password("bob")
    assert client.get(reverse("accounts:my_account")).status_code == 200
    with override_settings(OTP_REQUIRED_ROLES=["district_admin", "auditor", "street_worker"]):
        client = _password("bob")
        assert client.get(reverse("accounts:my_account"))["Location"].startswith(OTP)


def test_an_administrator_resets_a_lost_second_factor_and_it_is_audited(world: World) -> None:
    _enrol(_password("grace"))
    admin = Client()
    admin.force_login(world.alice)
    detail = admin.get(reverse("accounts:user_detail", args=[world.grace.pk])).content.decode()
    assert 'id="reset-second-factor"' in detail
    response = admin.post(
        reverse("accounts:user_reset_second_factor", args=[world.grace.pk]), {"reason": "手机丢失"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.grace).exists()
    entry = AuditEntry.objects.get(verb="user.otp_reset", object_id=str(world.grace.pk))
    assert entry.actor_id == world.alice.pk and "手机丢失" in entry.message
    # grace enrols again at her next login
    assert "<svg" in _password("grace").get(OTP).content.decode()


def test_no_one_resets_a_second_factor_without_the_right(world: World) -> None:
    _enrol(_password("alice"))
    for who in ("bob", "grace"):  # a street worker; an auditor reviews accounts but changes none
        client = Client()
        client.force_login(world.users[who])
        response = client.post(reverse("accounts:user_reset_second_factor", args=[world.alice.pk]))
        assert response.status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()


def test_a_token_for_an_administrator_needs_the_code_and_then_works_unchanged(
    world: World, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    refused = Client().post(TOKEN_URL, {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 403  # not enrolled: enrol on the web first
    _enrol(_password("alice"))
    device = TOTPDevice.objects.get(user=world.alice)
    assert Client().post(TOKEN_URL, {"username": "alice", "password": PASSWORD}).status_code == 403
    assert (
        Client().post(TOKEN_URL, {"username": "alice", "password": PASSWORD, "otp": "000000"}).status_code
        == 403
    )
    response = Client().post(TOKEN_URL, {"username": "alice", "password": PASSWORD, "otp": _code(device)})
    assert response.status_code == 200
    key = response.json()["token"]
    assert Client().get("/api/v1/people/elders/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    # a role without the requirement gets its token with the password, as before
    assert Client().post(TOKEN_URL, {"username": "bob", "password": PASSWORD}).status_code == 200


def test_the_demo_admin_gets_in_with_the_code_demo_otp_prints(world: World) -> None:
    import io

    from django.core.management import call_command

    from yiyang.people.demo import _demo_second_factor

    _demo_second_factor(world.alice)
    out = io.StringIO()
    call_command("demo_otp", stdout=out)
    code = re.search(r"alice: (\d{6})", out.getvalue())
    assert code is not None, out.getvalue()
    client = _password("alice")
    assert client.post(OTP, {"token": code.group(1)}).status_code == 302
    assert client.get(reverse("accounts:my_account")).status_code == 200
