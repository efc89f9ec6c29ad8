"""Encryption of personal data at rest (等保 §8.1.4.8, PIPL Art. 51).

Sensitive values are stored three ways: AES-256-GCM ciphertext (the only copy of the clear value),
a keyed HMAC for exact look-up and uniqueness, and a masked form for display and search by suffix.
The HMAC key is separate from the encryption key so that either can be rotated on its own.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:"


@cache
def _aead() -> AESGCM:
    return AESGCM(hashlib.sha256(settings.FIELD_ENCRYPTION_KEY.encode()).digest())


@cache
def _hash_key() -> bytes:
    return hashlib.sha256(settings.FIELD_HASH_KEY.encode()).digest()


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
    if not text:
        return ""
    nonce = _nonce()
    return _PREFIX + base64.b64encode(nonce + _aead().encrypt(nonce, text.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(token[len(_PREFIX) :])
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


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
