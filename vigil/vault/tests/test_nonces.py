"""Nonces never repeat and a data key rotates before its message limit (criterion 4)."""

from __future__ import annotations

import pytest

from vigil.vault.aead import HEADER_SIZE, SALT_SIZE, Keyring, encrypt_value, field_aad
from vigil.vault.errors import KeyExhaustedError


def test_one_hundred_thousand_encryptions_use_one_hundred_thousand_distinct_nonces() -> None:
    keyring = Keyring.generate()
    aad = field_aad("t", "1", "f")
    salts = {encrypt_value(keyring, b"x", aad)[HEADER_SIZE : HEADER_SIZE + SALT_SIZE] for _ in range(100_000)}
    assert len(salts) == 100_000


def test_a_data_key_refuses_to_encrypt_past_its_limit_until_it_is_rotated() -> None:
    keyring = Keyring.generate()
    limited = Keyring([keyring.current], message_limit=3)
    for _ in range(3):
        encrypt_value(limited, b"x", b"")
    with pytest.raises(KeyExhaustedError, match="rotate"):
        encrypt_value(limited, b"x", b"")
    limited.rotate()
    encrypt_value(limited, b"x", b"")
