"""Stored passwords: Argon2id at the documented cost; older hashes still work and are replaced."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from yiyang.accounts.passwords import Argon2idHasher

PRODUCTION = {
    "PASSWORD_HASHERS": [
        "yiyang.accounts.passwords.Argon2idHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
}


def test_the_settings_store_passwords_with_argon2id_first() -> None:
    from config import settings

    assert settings.PASSWORD_HASHERS[0] == "yiyang.accounts.passwords.Argon2idHasher"


@override_settings(**PRODUCTION)
def test_a_new_password_is_an_argon2id_hash_with_19_mib_and_two_passes() -> None:
    encoded = make_password("Yiyang@2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), Argon2idHasher)
    assert check_password("Yiyang@2026", encoded) and not check_password("Yiyang@2027", encoded)


@override_settings(**PRODUCTION)
def test_an_older_pbkdf2_hash_still_verifies_and_is_replaced_on_login() -> None:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    old = PBKDF2PasswordHasher().encode("Yiyang@2026", "fixedsalt0123456", iterations=1000)
    replaced: list[str] = []
    assert check_password("Yiyang@2026", old, setter=replaced.append)
    assert replaced == ["Yiyang@2026"]  # Django calls the setter to store the preferred hash
