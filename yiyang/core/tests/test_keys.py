"""Keys derived with HKDF, versioned, rotatable while the platform runs; 国密 SM4-GCM beside AES-256-GCM.

Issue 18 item 9.
"""

from __future__ import annotations

import base64
import hashlib
from io import StringIO
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.checks import run_checks
from django.core.management import call_command
from django.test.utils import override_settings

from yiyang.core import crypto, keys
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory

OLD, NEW = "the-first-master-secret-0123456789", "the-second-master-secret-9876543210"


def test_values_name_their_cipher_and_key_and_the_key_is_derived() -> None:
    with override_settings(FIELD_ENCRYPTION_KEY=OLD, FIELD_KEY_ID="1", CRYPTO_SUITE="aes"):
        token = crypto.encrypt("320612194503151232")
        assert token.startswith("v2:A:1:")
        raw = base64.b64decode(token.split(":", 3)[3])
        derived = crypto.derive(OLD, "field/aes-256-gcm/1")
        assert AESGCM(derived).decrypt(raw[:12], raw[12:], None) == b"320612194503151232"
        assert derived not in (OLD.encode(), hashlib.sha256(OLD.encode()).digest())  # never the secret itself


def test_sm4_gcm_values_and_aes_values_coexist() -> None:
    with override_settings(FIELD_ENCRYPTION_KEY=OLD, CRYPTO_SUITE="aes"):
        aes = crypto.encrypt("13812345678")
    with override_settings(FIELD_ENCRYPTION_KEY=OLD, CRYPTO_SUITE="sm"):
        sm4 = crypto.encrypt("13812345678")
        assert sm4.startswith("v2:S:1:") and crypto.decrypt(sm4) == "13812345678"
        assert crypto.decrypt(aes) == "13812345678"  # written before the switch, still read
        assert crypto.mac(b"k", b"x").startswith("sm3:")
        tampered = sm4[:-4] + ("AAAA" if not sm4.endswith("AAAA") else "BBBB")
        with pytest.raises(Exception):  # noqa: B017 - InvalidTag from the GCM tag check
            crypto.decrypt(tampered)
    with override_settings(FIELD_ENCRYPTION_KEY=OLD, CRYPTO_SUITE="aes"):
        assert crypto.decrypt(sm4) == "13812345678"
        assert crypto.mac(b"k", b"x").startswith("sha256:")


def test_sm4_gcm_matches_the_standard_test_vector() -> None:
    """GB/T 32907 SM4 under the library: the standard's example block (ECB, one block)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # the standard's own example
    assert (enc.update(key) + enc.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_legacy_v1_values_are_read_with_key_one() -> None:
    with override_settings(FIELD_ENCRYPTION_KEY=OLD, FIELD_KEY_ID="1"):
        nonce = b"\0" * 12
        body = AESGCM(hashlib.sha256(OLD.encode()).digest()).encrypt(nonce, "张三".encode(), None)
        legacy = "v1:" + base64.b64encode(nonce + body).decode()
        assert crypto.decrypt(legacy) == "张三" and not crypto.is_current(legacy)
    with override_settings(FIELD_ENCRYPTION_KEY=NEW, FIELD_KEY_ID="2", FIELD_OLD_KEYS={"1": OLD}):
        assert crypto.decrypt(legacy) == "张三"


def test_a_value_under_a_key_no_longer_configured_says_which_key() -> None:
    with override_settings(FIELD_ENCRYPTION_KEY=OLD, FIELD_KEY_ID="1"):
        token = crypto.encrypt("x")
    with (
        override_settings(FIELD_ENCRYPTION_KEY=NEW, FIELD_KEY_ID="2", FIELD_OLD_KEYS={}),
        pytest.raises(ValueError, match="unknown key id '1'"),
    ):
        crypto.decrypt(token)


def test_bad_suite_or_key_id_fails_the_checks() -> None:
    with override_settings(CRYPTO_SUITE="des"):
        assert "core.E011" in {e.id for e in run_checks()}
    with override_settings(FIELD_KEY_ID="two keys"):
        assert "core.E011" in {e.id for e in run_checks()}


def _clear(elder: Elder) -> tuple[str, str, str]:
    return elder.id_number, elder.phone, elder.health


@pytest.mark.django_db
def test_rotate_re_encrypts_every_column_in_batches_and_a_second_run_changes_nothing(
    world: World, settings: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_KEY_ID, settings.CRYPTO_SUITE = OLD, "1", "aes"
    elders = ElderFactory.create_batch(7, area=world.areas.community_a1)
    for elder in elders[:4]:
        elder.set_health("高血压")
        elder.save()
    before = {e.pk: _clear(e) for e in Elder.objects.all()}
    digests = dict(Elder.objects.values_list("pk", "id_number_hash"))

    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_KEY_ID, settings.CRYPTO_SUITE = NEW, "2", "sm"
    settings.FIELD_OLD_KEYS = {"1": OLD}
    stale = keys.remaining()["people.elder.id_number_enc"]
    assert stale == 7
    # Readable throughout: the old values are read with the retired key while rotation runs.
    assert {e.pk: _clear(e) for e in Elder.objects.all()} == before
    out = StringIO()
    call_command("keys_rotate", batch=3, stdout=out)
    assert "people.elder.id_number_enc: 7" in out.getvalue() and "0 left" in out.getvalue()
    for enc in Elder.objects.values_list("id_number_enc", "phone_enc", "health_enc"):
        assert all(v.startswith("v2:S:2:") for v in enc if v)
    settings.FIELD_OLD_KEYS = {}  # the old key can go: nothing needs it any more
    assert {e.pk: _clear(e) for e in Elder.objects.all()} == before
    assert dict(Elder.objects.values_list("pk", "id_number_hash")) == digests  # look-ups still work
    assert AuditEntry.objects.filter(verb="keys.rotate").count() == 1

    out = StringIO()
    call_command("keys_rotate", stdout=out)
    assert "rotated 0 values" in out.getvalue()
    assert sum(keys.remaining().values()) == 0


@pytest.mark.django_db
def test_rotate_never_overwrites_a_value_saved_meanwhile(
    world: World, settings: Any, monkeypatch: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_KEY_ID = OLD, "1"
    elder = ElderFactory.create(area=world.areas.community_a1)
    read_before_the_user_saved = elder.phone_enc
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_KEY_ID, settings.FIELD_OLD_KEYS = NEW, "2", {"1": OLD}
    elder.set_phone("13900001111")  # the user's save, under the new key, after rotation read the row
    elder.save()
    column = next(c for c in keys.encrypted_columns() if c.label == "people.elder.phone_enc")
    monkeypatch.setattr(keys, "_batches", lambda *a: iter([[(elder.pk, read_before_the_user_saved)]]))
    assert keys.rotate_column(column) == 0
    elder.refresh_from_db()
    assert elder.phone == "13900001111"


def test_every_encrypted_column_is_found() -> None:
    labels = {c.label for c in keys.encrypted_columns()}
    assert {
        "people.elder.id_number_enc",
        "people.elder.phone_enc",
        "people.elder.health_enc",
        "benefits.elderbankaccount.account_enc",
        "volunteers.volunteer.id_number_enc",
        "complaints.case.complainant_phone_enc",
    } <= labels
