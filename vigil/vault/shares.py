"""M-of-N unsealing shares (Shamir's secret sharing over GF(2^128)).

Threat: one coerced or corrupt person must not be able to unseal the vault alone.
A random 16-byte secret is split with pycryptodome's ``Shamir`` so that any ``m`` of
the ``n`` shares rebuild it and ``m - 1`` shares reveal nothing about it; the 32-byte
key-encryption key is HKDF of that secret (``wrapping.derive_shares_kek``).

Each share is printed as 8 groups of 5 characters holding: a 3-byte id of the split
(so shares of different splits are not mixed), the threshold, the share's index, the
16-byte share and a 4-byte checksum that catches typos before any key is tried.
The checksum is not secret and proves nothing about authenticity: a share altered with
a recomputed checksum yields a wrong secret, and the wrap then refuses it
(``WrongKeyError``); it never yields a usable key.
"""

import hashlib
import os
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir  # nosec B413 - pycryptodome (maintained), not the abandoned PyCrypto

from .errors import ChecksumError, KeyTextError, NotEnoughSharesError, WrongKeyError
from .typable import decode_groups, encode_groups

SECRET_SIZE = 16
MAX_SHARES = 255
_SET_ID_SIZE = 3
_CHECKSUM_SIZE = 4
_PAYLOAD_SIZE = _SET_ID_SIZE + 2 + SECRET_SIZE
_TEXT_SIZE = _PAYLOAD_SIZE + _CHECKSUM_SIZE
_CHECKSUM_DOMAIN = b"vigil/share/v1"


@dataclass(frozen=True)
class Share:
    """One parsed share: which split it belongs to, how many are needed, its value."""

    set_id: bytes
    threshold: int
    index: int
    value: bytes


def share_checksum_matches(raw: bytes) -> bool:
    """True if 25 decoded bytes carry a valid share checksum."""
    expected = hashlib.sha256(_CHECKSUM_DOMAIN + raw[:_PAYLOAD_SIZE]).digest()
    return raw[_PAYLOAD_SIZE:] == expected[:_CHECKSUM_SIZE]


def _render(share: Share) -> str:
    payload = share.set_id + bytes((share.threshold, share.index)) + share.value
    checksum = hashlib.sha256(_CHECKSUM_DOMAIN + payload).digest()[:_CHECKSUM_SIZE]
    return encode_groups(payload + checksum)


def split_secret(m: int, n: int) -> tuple[bytes, list[str]]:
    """Make a random 16-byte secret and ``n`` typable shares; any ``m`` rebuild it.

    Returns the secret (derive the wrap's key with ``derive_shares_kek``, then forget
    it) and the share texts in index order, to be handed to ``n`` different people.
    """
    if not 2 <= m <= n <= MAX_SHARES:
        raise ValueError(
            f"Shares need 2 <= m <= n <= {MAX_SHARES}; got m={m}, n={n}. For a single holder use a passphrase instead."
        )
    secret = os.urandom(SECRET_SIZE)
    set_id = os.urandom(_SET_ID_SIZE)
    texts = [_render(Share(set_id, m, index, value)) for index, value in Shamir.split(m, n, secret)]
    return secret, texts


def parse_share(text: str) -> Share:
    """Parse one typed share; ``ChecksumError`` if it has a typo."""
    raw = decode_groups(text, _TEXT_SIZE, "share")
    if not share_checksum_matches(raw):
        raise ChecksumError(
            "This share contains a typo: its checksum does not match. "
            "Compare each group of five with the printed share."
        )
    threshold, index = raw[_SET_ID_SIZE], raw[_SET_ID_SIZE + 1]
    if not 2 <= threshold <= MAX_SHARES or not 1 <= index <= MAX_SHARES:
        raise KeyTextError("This share is malformed: its threshold or index is invalid.")
    value = raw[_SET_ID_SIZE + 2 : _PAYLOAD_SIZE]
    return Share(raw[:_SET_ID_SIZE], threshold, index, value)


def combine_shares(shares: list[str]) -> bytes:
    """Rebuild the 16-byte secret from typed shares.

    Raises ``ChecksumError`` for a mistyped share, ``WrongKeyError`` for shares of
    different splits or two different shares with one index, and
    ``NotEnoughSharesError`` (a ``WrongKeyError``) when fewer distinct shares than
    the threshold are given. Exactly ``threshold`` shares are used.
    """
    parsed = [parse_share(text) for text in shares]
    if not parsed:
        raise NotEnoughSharesError("No shares were given.")
    first = parsed[0]
    if any((s.set_id, s.threshold) != (first.set_id, first.threshold) for s in parsed):
        raise WrongKeyError("These shares come from different unsealing sets and cannot be combined.")
    by_index: dict[int, bytes] = {}
    for share in parsed:
        if by_index.setdefault(share.index, share.value) != share.value:
            raise WrongKeyError(f"Two different shares claim the number {share.index}.")
    if len(by_index) < first.threshold:
        raise NotEnoughSharesError(
            f"{first.threshold} different shares are needed to unlock the vault; {len(by_index)} were given."
        )
    chosen = sorted(by_index.items())[: first.threshold]
    return Shamir.combine(chosen)
