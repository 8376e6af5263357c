import json
import os

import pytest
from Crypto.Protocol.SecretSharing import Shamir
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.vault.errors import (
    ChecksumError,
    InsecureParametersError,
    KeyTextError,
    NotEnoughSharesError,
    TamperedError,
    WrongKeyError,
)
from vigil.vault.shares import parse_share
from vigil.vault.wrapping import (
    KdfParams,
    Wrap,
    _check,
    cheap_kdf_params_for_tests,
    combine_shares,
    default_kdf_params,
    derive_kek,
    derive_recovery_kek,
    derive_shares_kek,
    generate_recovery_key,
    parse_recovery_key,
    split_secret,
    unwrap_key,
    wrap_key,
)

VAULT_KEY = os.urandom(32)
CHEAP = cheap_kdf_params_for_tests(allowed=True)
PASSPHRASE = "горные тропы ведут домой 1984"
KEK = derive_kek(PASSPHRASE, CHEAP)
PASSPHRASE_WRAP = wrap_key(VAULT_KEY, KEK, "passphrase", "operator 1", CHEAP)


def test_the_default_kdf_meets_the_one_gibibyte_floor() -> None:
    params = default_kdf_params()
    assert params.memory_kib >= 1 << 20
    assert params.meets_floor
    assert params.salt != default_kdf_params().salt


def test_cheap_kdf_params_are_refused_unless_allowed() -> None:
    with pytest.raises(InsecureParametersError, match="tests only"):
        cheap_kdf_params_for_tests(allowed=False)
    assert not CHEAP.meets_floor


def test_kdf_params_survive_json() -> None:
    assert KdfParams.from_dict(json.loads(json.dumps(CHEAP.to_dict()))) == CHEAP


def test_kdf_params_refuse_absurd_memory() -> None:
    data = CHEAP.to_dict() | {"memory_kib": 1 << 40}
    with pytest.raises(ValueError, match="memory"):
        KdfParams.from_dict(data)


def test_a_passphrase_wrap_opens_with_the_passphrase() -> None:
    assert unwrap_key(PASSPHRASE_WRAP, derive_kek(PASSPHRASE, CHEAP)) == VAULT_KEY


def test_composed_and_decomposed_passphrases_derive_the_same_key() -> None:
    decomposed = PASSPHRASE.replace("й", "и\u0306")
    assert decomposed != PASSPHRASE
    assert derive_kek(decomposed, CHEAP) == KEK


def test_a_wrong_passphrase_is_reported_as_wrong() -> None:
    with pytest.raises(WrongKeyError):
        unwrap_key(PASSPHRASE_WRAP, derive_kek(PASSPHRASE + "!", CHEAP))


def test_several_operators_each_open_their_own_wrap() -> None:
    wraps = {}
    for name in ("operator 1", "operator 2"):
        params = cheap_kdf_params_for_tests(allowed=True)
        kek = derive_kek(f"passphrase of {name}", params)
        wraps[name] = wrap_key(VAULT_KEY, kek, "passphrase", name, params)
    for name, wrap in wraps.items():
        assert unwrap_key(wrap, derive_kek(f"passphrase of {name}", wrap.kdf)) == VAULT_KEY  # type: ignore[arg-type]


def test_a_wrap_survives_json() -> None:
    stored = json.loads(json.dumps(PASSPHRASE_WRAP.to_dict()))
    assert Wrap.from_dict(stored) == PASSPHRASE_WRAP


@settings(max_examples=200)
@given(data=st.data())
def test_a_flipped_bit_in_a_wrap_is_reported_as_tampering(data: st.DataObject) -> None:
    bit = data.draw(st.integers(0, len(PASSPHRASE_WRAP.blob) * 8 - 1))
    blob = bytearray(PASSPHRASE_WRAP.blob)
    blob[bit // 8] ^= 1 << (bit % 8)
    damaged = Wrap("passphrase", "operator 1", CHEAP, bytes(blob))
    with pytest.raises(TamperedError):
        unwrap_key(damaged, KEK)


def test_a_wraps_label_cannot_be_changed() -> None:
    relabelled = Wrap("passphrase", "operator 2", CHEAP, PASSPHRASE_WRAP.blob)
    with pytest.raises(TamperedError):
        unwrap_key(relabelled, KEK)


def test_swapping_in_cheaper_params_does_not_open_the_wrap() -> None:
    cheaper = KdfParams(CHEAP.memory_kib // 2, 1, 1, CHEAP.salt)
    aad = Wrap("passphrase", "operator 1", cheaper, b"").associated_data()
    body = PASSPHRASE_WRAP.blob[:-8]
    # The attacker even recomputes the keyless checksum; the GCM tag still refuses.
    swapped = Wrap("passphrase", "operator 1", cheaper, body + _check(aad, body))
    with pytest.raises(WrongKeyError):
        unwrap_key(swapped, KEK)


def test_a_damaged_wrap_record_is_reported_as_tampering() -> None:
    record = PASSPHRASE_WRAP.to_dict() | {"blob": "not base64!"}
    with pytest.raises(TamperedError):
        Wrap.from_dict(record)
    with pytest.raises(TamperedError):
        Wrap.from_dict({"kind": "magic"})


def test_the_recovery_key_unwraps_and_is_typable() -> None:
    text, key = generate_recovery_key()
    groups = text.split("-")
    assert len(groups) == 8
    assert all(len(group) == 5 for group in groups)
    wrap = wrap_key(VAULT_KEY, derive_recovery_kek(key), "recovery", "printed sheet")
    typed = " ".join(groups).lower().replace("0", "o").replace("1", "l")
    assert unwrap_key(wrap, derive_recovery_kek(parse_recovery_key(typed))) == VAULT_KEY


def test_another_recovery_key_is_reported_as_wrong() -> None:
    _, key = generate_recovery_key()
    _, other = generate_recovery_key()
    wrap = wrap_key(VAULT_KEY, derive_recovery_kek(key), "recovery", "printed sheet")
    with pytest.raises(WrongKeyError):
        unwrap_key(wrap, derive_recovery_kek(other))


@given(position=st.integers(0, 39), replacement=st.sampled_from("0123456789ABCDEFGHJKMNPQRSTVWXYZ"))
def test_a_mistyped_recovery_key_is_reported_as_a_typo(position: int, replacement: str) -> None:
    text, _ = generate_recovery_key()
    chars = [c for c in text if c != "-"]
    if chars[position] == replacement:
        return
    chars[position] = replacement
    with pytest.raises(ChecksumError, match="typo"):
        parse_recovery_key("".join(chars))


def test_a_recovery_key_with_a_missing_or_stray_character_says_so() -> None:
    text, _ = generate_recovery_key()
    with pytest.raises(KeyTextError, match="40 characters"):
        parse_recovery_key(text[:-1])
    with pytest.raises(KeyTextError, match="'U'"):
        parse_recovery_key("U" + text[1:])


def test_a_share_typed_as_the_recovery_key_is_recognised() -> None:
    _, shares = split_secret(2, 3)
    with pytest.raises(ChecksumError, match="share, not the recovery key"):
        parse_recovery_key(shares[0])


def test_m_shares_unseal_and_m_minus_one_do_not() -> None:
    secret, shares = split_secret(3, 5)
    wrap = wrap_key(VAULT_KEY, derive_shares_kek(secret), "shares", "board 3 of 5")
    chosen = [shares[4], shares[0], shares[2]]
    assert unwrap_key(wrap, derive_shares_kek(combine_shares(chosen))) == VAULT_KEY
    with pytest.raises(NotEnoughSharesError, match="3 different shares are needed"):
        combine_shares(chosen[:2])
    # Interpolating two shares anyway yields a key the wrap refuses.
    parsed = [parse_share(text) for text in chosen[:2]]
    guess = Shamir.combine([(share.index, share.value) for share in parsed])
    with pytest.raises(WrongKeyError):
        unwrap_key(wrap, derive_shares_kek(guess))


def test_the_same_share_twice_does_not_count_twice() -> None:
    _, shares = split_secret(2, 3)
    with pytest.raises(NotEnoughSharesError):
        combine_shares([shares[0], shares[0].lower()])


def test_shares_of_different_splits_are_not_mixed() -> None:
    _, first = split_secret(2, 3)
    _, second = split_secret(2, 3)
    with pytest.raises(WrongKeyError, match="different unsealing sets"):
        combine_shares([first[0], second[1]])


def test_a_mistyped_share_is_reported_as_a_typo() -> None:
    _, shares = split_secret(2, 3)
    typo = ("Z" if shares[1][0] != "Z" else "Y") + shares[1][1:]
    with pytest.raises(ChecksumError, match="typo"):
        combine_shares([shares[0], typo])


def test_a_share_names_its_threshold_and_index() -> None:
    _, shares = split_secret(3, 4)
    assert [(parse_share(s).threshold, parse_share(s).index) for s in shares] == [(3, 1), (3, 2), (3, 3), (3, 4)]


def test_a_split_needs_at_least_two_holders() -> None:
    with pytest.raises(ValueError, match="2 <= m <= n"):
        split_secret(1, 3)
    with pytest.raises(ValueError):
        split_secret(4, 3)
