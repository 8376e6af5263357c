import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.vault.aead import (
    HEADER_SIZE,
    OVERHEAD,
    DataKey,
    Keyring,
    decrypt_value,
    encrypt_value,
    field_aad,
)
from vigil.vault.errors import (
    KeyExhaustedError,
    SealedError,
    TamperedError,
    UnknownKeyError,
)

KEYRING = Keyring.generate()
PHONE_AAD = field_aad("people_person", "17", "phone")


@given(plaintext=st.binary(max_size=4096), aad=st.binary(max_size=256))
def test_it_decrypts_what_it_encrypted(plaintext: bytes, aad: bytes) -> None:
    blob = encrypt_value(KEYRING, plaintext, aad)
    assert decrypt_value(KEYRING, blob, aad) == plaintext


def test_it_does_not_store_the_plaintext() -> None:
    blob = encrypt_value(KEYRING, b"+79281234567", PHONE_AAD)
    assert b"+79281234567" not in blob
    assert len(blob) == OVERHEAD + len(b"+79281234567")


def test_it_refuses_a_ciphertext_moved_to_another_record() -> None:
    blob = encrypt_value(KEYRING, b"+79281234567", PHONE_AAD)
    with pytest.raises(TamperedError):
        decrypt_value(KEYRING, blob, field_aad("people_person", "18", "phone"))


def test_it_refuses_a_ciphertext_moved_to_another_field() -> None:
    blob = encrypt_value(KEYRING, b"+79281234567", PHONE_AAD)
    with pytest.raises(TamperedError):
        decrypt_value(KEYRING, blob, field_aad("people_person", "17", "name"))


def test_field_aad_cannot_be_confused_by_shifting_text_between_parts() -> None:
    assert field_aad("ab", "1", "c") != field_aad("a", "b1", "c")
    assert field_aad("t", "1", "2") != field_aad("t", "12", "")


@settings(max_examples=300)
@given(data=st.data())
def test_it_detects_any_single_flipped_bit(data: st.DataObject) -> None:
    blob = encrypt_value(KEYRING, b"Aslan, +79281234567", PHONE_AAD)
    bit = data.draw(st.integers(0, len(blob) * 8 - 1))
    flipped = bytearray(blob)
    flipped[bit // 8] ^= 1 << (bit % 8)
    in_key_id = 1 <= bit // 8 < HEADER_SIZE
    expected = UnknownKeyError if in_key_id else TamperedError
    with pytest.raises(expected):
        decrypt_value(KEYRING, bytes(flipped), PHONE_AAD)


@given(cut=st.integers(0, OVERHEAD + 11))
def test_it_detects_a_truncated_ciphertext(cut: int) -> None:
    blob = encrypt_value(KEYRING, b"+79281234567", PHONE_AAD)
    with pytest.raises(TamperedError):
        decrypt_value(KEYRING, blob[:cut], PHONE_AAD)


def test_a_hundred_thousand_encryptions_use_a_hundred_thousand_salts() -> None:
    keyring = Keyring.generate()
    salts = {encrypt_value(keyring, b"x", b"")[HEADER_SIZE : HEADER_SIZE + 24] for _ in range(100_000)}
    assert len(salts) == 100_000


def test_it_refuses_to_encrypt_past_the_message_limit_until_rotated() -> None:
    keyring = Keyring([DataKey.generate()], message_limit=3)
    for _ in range(3):
        encrypt_value(keyring, b"x", b"")
    with pytest.raises(KeyExhaustedError):
        encrypt_value(keyring, b"x", b"")
    keyring.rotate()
    encrypt_value(keyring, b"x", b"")


def test_old_values_stay_readable_after_rotation_and_new_ones_use_the_new_key() -> None:
    keyring = Keyring.generate()
    old_blob = encrypt_value(keyring, b"old", b"aad")
    new_key = keyring.rotate()
    new_blob = encrypt_value(keyring, b"new", b"aad")
    assert new_blob[1:HEADER_SIZE] == new_key.key_id != old_blob[1:HEADER_SIZE]
    assert decrypt_value(keyring, old_blob, b"aad") == b"old"
    assert decrypt_value(keyring, new_blob, b"aad") == b"new"


def test_a_removed_key_leaves_its_values_unreadable() -> None:
    keyring = Keyring.generate()
    blob = encrypt_value(keyring, b"expired", b"")
    retired = keyring.current.key_id
    keyring.rotate()
    keyring.remove(retired)
    with pytest.raises(UnknownKeyError):
        decrypt_value(keyring, blob, b"")


def test_another_vaults_key_cannot_decrypt() -> None:
    blob = encrypt_value(KEYRING, b"secret", b"")
    with pytest.raises(UnknownKeyError):
        decrypt_value(Keyring.generate(), blob, b"")


def test_a_cleared_keyring_is_sealed_and_its_keys_are_zeroed() -> None:
    keyring = Keyring.generate()
    blob = encrypt_value(keyring, b"secret", b"")
    key = keyring.current
    keyring.clear()
    assert key.is_cleared
    with pytest.raises(SealedError):
        encrypt_value(keyring, b"secret", b"")
    with pytest.raises(SealedError):
        decrypt_value(keyring, blob, b"")


def test_a_sealed_keyring_round_trips_under_the_vault_key() -> None:
    keyring = Keyring.generate()
    keyring.rotate()
    blob = encrypt_value(keyring, b"value", b"")
    vault_key = bytes(range(32))
    reopened = Keyring.unseal(vault_key, keyring.seal(vault_key))
    assert reopened.key_ids == keyring.key_ids
    assert reopened.current.key_id == keyring.current.key_id
    assert decrypt_value(reopened, blob, b"") == b"value"


def test_a_sealed_keyring_refuses_another_vault_key_and_flipped_bits() -> None:
    sealed = Keyring.generate().seal(bytes(32))
    with pytest.raises(TamperedError):
        Keyring.unseal(bytes(31) + b"\x01", sealed)
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(TamperedError):
        Keyring.unseal(bytes(32), bytes(flipped))
