import os

import pytest
from cryptography.exceptions import InvalidTag

from yiyang.core import crypto


def test_round_trip_and_random_nonces() -> None:
    tokens = {crypto.encrypt("320612194503151232") for _ in range(3000)}
    assert len(tokens) == 3000  # same clear text, never the same ciphertext
    assert {crypto.decrypt(t) for t in tokens} == {"320612194503151232"}


def test_empty_values_stay_empty() -> None:
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""
    assert crypto.lookup_hash("") == ""


def test_tampered_ciphertext_is_refused() -> None:
    token = crypto.encrypt("13812345678")
    body = bytearray(token.encode())
    body[-3] = ord("A") if body[-3] != ord("A") else ord("B")
    with pytest.raises(InvalidTag):
        crypto.decrypt(body.decode())


def test_lookup_hash_is_deterministic_and_keyed() -> None:
    assert crypto.lookup_hash("13812345678") == crypto.lookup_hash("13812345678")
    assert crypto.lookup_hash("13812345678") != crypto.lookup_hash("13812345679")
    assert len(crypto.lookup_hash("x")) == 32


def test_forked_child_never_reuses_parent_nonces() -> None:
    crypto._nonce()  # the parent has a block of nonces in hand
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, crypto._nonce())
        os._exit(0)
    os.waitpid(pid, 0)
    child_nonce = os.read(read, 12)
    parent_next = [crypto._nonce() for _ in range(1100)]
    assert child_nonce not in parent_next


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0513-86123456", "0513****3456"),
        ("", ""),
        ("1234", "****"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert crypto.mask_phone(phone) == masked
