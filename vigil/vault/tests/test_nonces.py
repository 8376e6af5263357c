"""Nonces never repeat and a data key rotates before its message limit (criterion 4)."""

from __future__ import annotations

import pytest

from vigil.vault import aead
from vigil.vault.aead import DERIVATION_SIZE, HEADER_SIZE, SALT_SIZE, Keyring, decrypt_value, encrypt_value, field_aad
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


def test_a_derived_key_encrypts_a_bounded_number_of_messages_then_a_fresh_one_is_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(aead, "SUBKEY_MESSAGES", 3)
    keyring = Keyring.generate()
    blobs = [encrypt_value(keyring, f"message {i}".encode(), b"aad") for i in range(7)]
    derivations = [blob[HEADER_SIZE : HEADER_SIZE + DERIVATION_SIZE] for blob in blobs]
    assert derivations[0] == derivations[1] == derivations[2] != derivations[3]
    assert derivations[3] == derivations[4] == derivations[5] != derivations[6]
    assert len({blob[HEADER_SIZE + DERIVATION_SIZE : HEADER_SIZE + SALT_SIZE] for blob in blobs}) == 7
    assert [decrypt_value(keyring, blob, b"aad") for blob in blobs] == [f"message {i}".encode() for i in range(7)]
