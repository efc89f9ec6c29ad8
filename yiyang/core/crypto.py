"""Encryption of personal data at rest (等保 §8.1.4.8, PIPL Art. 51).

Sensitive values are stored three ways: AES-256-GCM ciphertext (the only copy of the clear value),
a keyed HMAC for exact look-up and uniqueness, and a masked form for display and search by suffix.
The HMAC key is separate from the encryption key so that either can be rotated on its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
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


def encrypt(text: str) -> str:
    if not text:
        return ""
    nonce = os.urandom(12)
    return _PREFIX + base64.b64encode(nonce + _aead().encrypt(nonce, text.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(token[len(_PREFIX) :])
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


def lookup_hash(text: str) -> str:
    """Deterministic keyed digest for equality search; 128 bits is plenty against collisions."""
    if not text:
        return ""
    return hmac.new(_hash_key(), text.encode(), hashlib.sha256).hexdigest()[:32]


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
