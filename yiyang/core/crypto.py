"""Encryption of personal data at rest (等保 §8.1.4.8, PIPL Art. 51).

Sensitive values are stored three ways: ciphertext (the only copy of the clear value), a keyed digest
for exact look-up and uniqueness, and a masked form for display and search by suffix. The digest key is
separate from the encryption key so that either can be rotated on its own.

Each ciphertext names its cipher and key: ``v2:A:1:`` is AES-256-GCM under key 1, ``v2:S:2:`` SM4-GCM
(国密) under key 2. Keys are derived with HKDF from the master secrets in the settings
(``FIELD_ENCRYPTION_KEY`` with its id ``FIELD_KEY_ID``, retired ones in ``FIELD_OLD_KEYS``), so values
under an old key or cipher stay readable while ``yiyang keys rotate`` re-encrypts them in batches.
``v1:`` values (AES-256-GCM under the SHA-256 of key 1) are read too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import threading
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed

# The suites a deployment may choose (CRYPTO_SUITE): "aes" is AES-256-GCM with HMAC-SHA256, "sm" is
# 国密 SM4-GCM with HMAC-SM3 (GB/T 32907, GB/T 32905) for deployments assessed under 密评.
SUITES = {"aes": "A", "sm": "S"}
_LEGACY = "v1:"  # AES-256-GCM under sha256(key "1"), before keys were derived and versioned
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_TAG = 16


def derive(master: str, purpose: str, length: int = 32) -> bytes:
    """A key for one purpose from a master secret (HKDF-SHA256, RFC 5869): never the secret itself."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=f"yiyang/{purpose}".encode())
    return kdf.derive(master.encode())


def master_keys() -> dict[str, str]:
    """Field-encryption master secrets by key id: the current one and those retired but still read."""
    keys = dict(getattr(settings, "FIELD_OLD_KEYS", {}) or {})
    keys[current_key_id()] = settings.FIELD_ENCRYPTION_KEY
    return keys


def current_key_id() -> str:
    return str(getattr(settings, "FIELD_KEY_ID", "1") or "1")


def current_suite() -> str:
    return str(getattr(settings, "CRYPTO_SUITE", "aes") or "aes")


def current_prefix() -> str:
    """What every value written now starts with: format, cipher and key id (``v2:A:1:``)."""
    return f"v2:{SUITES[current_suite()]}:{current_key_id()}:"


class _SM4GCM:
    """SM4 in Galois/Counter mode with a 128-bit tag, the same shape as ``AESGCM``."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def encrypt(self, nonce: bytes, data: bytes, aad: None) -> bytes:
        enc = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        body = enc.update(data) + enc.finalize()
        return body + enc.tag

    def decrypt(self, nonce: bytes, data: bytes, aad: None) -> bytes:
        dec = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, data[-_TAG:])).decryptor()
        return dec.update(data[:-_TAG]) + dec.finalize()


@cache
def _aead(cipher: str, key_id: str) -> AESGCM | _SM4GCM:
    masters = master_keys()
    if key_id not in masters:
        raise ValueError(f"unknown key id {key_id!r}: set it in YIYANG_FIELD_OLD_KEYS to read these values")
    if cipher == "A":
        return AESGCM(derive(masters[key_id], f"field/aes-256-gcm/{key_id}", 32))
    if cipher == "S":
        return _SM4GCM(derive(masters[key_id], f"field/sm4-gcm/{key_id}", 16))
    raise ValueError(f"unknown cipher {cipher!r}")


@cache
def _legacy_aead() -> AESGCM:
    masters = master_keys()
    if "1" not in masters:
        raise ValueError("v1 values need key id 1: set it in YIYANG_FIELD_OLD_KEYS")
    return AESGCM(hashlib.sha256(masters["1"].encode()).digest())


def forget_keys() -> None:
    """Drop the derived keys (tests and the rotation command change the settings they come from)."""
    _aead.cache_clear()
    _legacy_aead.cache_clear()
    _hash_key.cache_clear()
    _hasher.cache_clear()
    _note_hasher.cache_clear()
    _old_hashers.cache_clear()
    audit_key.cache_clear()
    chain_key.cache_clear()


@cache
def _hash_key() -> bytes:
    return hashlib.sha256(settings.FIELD_HASH_KEY.encode()).digest()


def audit_master() -> str:
    """The secret the audit chains and archives are keyed from: ``AUDIT_KEY``, by default the hash key.

    It must outlive a rotation of the hash key (rows chained years ago are still verified), so a
    deployment that rotates the hash key first sets ``YIYANG_AUDIT_KEY`` to the secret in use.
    """
    return str(getattr(settings, "AUDIT_KEY", "") or settings.FIELD_HASH_KEY)


@cache
def audit_key() -> bytes:
    """The key chaining the audit trail (HKDF from ``audit_master``)."""
    return derive(audit_master(), "audit-chain", 32)


@cache
def chain_key(purpose: str) -> bytes:
    """The key of another chained ledger (the access log): one per purpose, from ``audit_master``."""
    return derive(audit_master(), purpose, 32)


def mac(key: bytes, data: bytes, algorithm: str | None = None) -> str:
    """``alg:hex`` of HMAC-SHA256, or HMAC-SM3 under the 国密 suite; the algorithm travels with the value."""
    algorithm = algorithm or ("sm3" if current_suite() == "sm" else "sha256")
    if algorithm == "sha256":
        return "sha256:" + hmac.new(key, data, hashlib.sha256).hexdigest()
    if algorithm == "sm3":
        from cryptography.hazmat.primitives import hmac as chmac

        h = chmac.HMAC(key, hashes.SM3())
        h.update(data)
        return "sm3:" + h.finalize().hex()
    raise ValueError(f"unknown MAC algorithm {algorithm!r}")


def mac_matches(key: bytes, data: bytes, expected: str) -> bool:
    algorithm = expected.split(":", 1)[0]
    try:
        return hmac.compare_digest(mac(key, data, algorithm), expected)
    except ValueError:
        return False


class _NoncePool:
    """Random 96-bit GCM nonces drawn from the OS in blocks: one syscall per 1,024 encryptions."""

    def __init__(self) -> None:
        self._block = b""
        self._pos = 0

    def take(self) -> bytes:
        if self._pos >= len(self._block):
            self._block, self._pos = os.urandom(12 * 1024), 0
        nonce = self._block[self._pos : self._pos + 12]
        self._pos += 12
        return nonce


_nonces = threading.local()


def _forget_nonces() -> None:
    # A forked worker (gunicorn, multiprocessing) must never reuse its parent's unused nonces:
    # a repeated nonce under one GCM key breaks confidentiality and integrity.
    _nonces.__dict__.clear()


os.register_at_fork(after_in_child=_forget_nonces)


def _nonce() -> bytes:
    pool = getattr(_nonces, "pool", None)
    if pool is None:
        pool = _nonces.pool = _NoncePool()
    return pool.take()


def encrypt(text: str) -> str:
    """Ciphertext of ``text`` under the current suite and key, prefixed with both (``v2:S:2:…``)."""
    if not text:
        return ""
    nonce = _nonce()
    cipher, key_id = SUITES[current_suite()], current_key_id()
    body = _aead(cipher, key_id).encrypt(nonce, text.encode(), None)
    return f"v2:{cipher}:{key_id}:" + base64.b64encode(nonce + body).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if token.startswith(_LEGACY):
        raw = base64.b64decode(token[len(_LEGACY) :])
        return _legacy_aead().decrypt(raw[:12], raw[12:], None).decode()
    if not token.startswith("v2:"):
        raise ValueError("unknown ciphertext version")
    _, cipher, key_id, payload = token.split(":", 3)
    raw = base64.b64decode(payload)
    return _aead(cipher, key_id).decrypt(raw[:12], raw[12:], None).decode()


def is_current(token: str) -> bool:
    """Whether ``token`` is already under the current suite and key (rotation skips it)."""
    return not token or token.startswith(current_prefix())


def valid_key_id(key_id: str) -> bool:
    return bool(_KEY_ID.match(key_id))


@cache
def _hasher() -> hashlib.blake2b:
    return hashlib.blake2b(key=_hash_key(), digest_size=16)


def lookup_hash(text: str) -> str:
    """Deterministic keyed digest for equality search (128 bits).

    Keyed BLAKE2b is a MAC in its own right (no HMAC construction needed) and about four times
    faster than HMAC-SHA256 in Python, which matters when an import hashes millions of values.
    """
    if not text:
        return ""
    h = _hasher().copy()
    h.update(text.encode())
    return h.hexdigest()


@cache
def _note_hasher() -> hashlib.blake2b:
    return hashlib.blake2b(key=derive(settings.FIELD_HASH_KEY, "note-digest", 32), digest_size=16)


def note_digest(subject: str, text: str) -> str:
    """Whether a free-text note changed, without linking people (issue 18 item 1).

    A keyed digest of the note *and its subject* (the elder's ID-number digest): an import compares a
    new note with the stored one without decrypting it, but two elders with the same note ("高血压")
    get different digests, so the column says nothing about who shares a condition. Its key is derived
    from the hash key and never used for look-ups.
    """
    if not text:
        return ""
    h = _note_hasher().copy()
    h.update(subject.encode() + b"\x1f" + text.encode())
    return h.hexdigest()


@cache
def _old_hashers() -> tuple[hashlib.blake2b, ...]:
    return tuple(
        hashlib.blake2b(key=hashlib.sha256(secret.encode()).digest(), digest_size=16)
        for secret in getattr(settings, "FIELD_OLD_HASH_KEYS", ()) or ()
    )


def hash_rotation_pending() -> bool:
    """Whether retired hash keys are still configured: ``yiyang keys rotate --hashes`` has not been
    run to the end and confirmed by removing ``YIYANG_FIELD_OLD_HASH_KEYS``."""
    return bool(_old_hashers())


def lookup_hashes(text: str) -> list[str]:
    """The look-up digest under the current hash key, then under each retired one still configured:
    an exact search finds a record the rotation has not reached yet (``field__in=lookup_hashes(v)``)."""
    if not text:
        return []
    digests = [lookup_hash(text)]
    for hasher in _old_hashers():
        h = hasher.copy()
        h.update(text.encode())
        digests.append(h.hexdigest())
    return digests


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles; landlines keep the area code and the last four digits."""
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if len(digits) <= 4:
        return "*" * len(digits)
    head = phone.split("-")[0] if "-" in phone else digits[:3]
    return f"{head}{'*' * max(len(digits) - len(head) - 4, 4)}{digits[-4:]}"


@dataclass(frozen=True)
class Protected:
    """The stored forms of one sensitive value."""

    ciphertext: str
    digest: str
    masked: str
    tail: str


def protect(value: str, masked: str) -> Protected:
    return Protected(encrypt(value), lookup_hash(value), masked, value[-4:] if value else "")


def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting in {
        "FIELD_ENCRYPTION_KEY",
        "FIELD_HASH_KEY",
        "FIELD_OLD_HASH_KEYS",
        "AUDIT_KEY",
        "SECRET_KEY",
        "FIELD_KEY_ID",
        "FIELD_OLD_KEYS",
        "CRYPTO_SUITE",
    }:
        forget_keys()


setting_changed.connect(_settings_changed, dispatch_uid="yiyang-crypto-keys")
