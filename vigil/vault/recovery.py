"""The offline recovery key: printed once at ``vigil init``, typed back in an emergency.

Threat: the operator's passphrase wraps can be destroyed (duress) or forgotten; the
recovery key, kept elsewhere, must still restore access, and must be typable from
paper without error. It is 160 random bits plus a 40-bit checksum, shown as 8 groups
of 5 Crockford base32 characters. 160 bits cannot be guessed, so its key-encryption
key comes from HKDF (``wrapping.derive_recovery_kek``), not from a slow KDF.

Invariant: ``parse_recovery_key`` tells a typo (``ChecksumError``, probability of a
missed typo 2**-40) apart from a well-formed but wrong key (which only the wrap can
detect, as ``WrongKeyError``), and says so when an unsealing share is typed instead.
"""

import hashlib
import os

from .errors import ChecksumError
from .shares import share_checksum_matches
from .typable import decode_groups, encode_groups

KEY_SIZE = 20
_CHECKSUM_SIZE = 5
_CHECKSUM_DOMAIN = b"vigil/recovery-key/v1"


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(_CHECKSUM_DOMAIN + key).digest()[:_CHECKSUM_SIZE]


def generate_recovery_key() -> tuple[str, bytes]:
    """Return a new recovery key as (text to print once, key bytes)."""
    key = os.urandom(KEY_SIZE)
    return encode_groups(key + _checksum(key)), key


def parse_recovery_key(text: str) -> bytes:
    """Return the key bytes of a typed recovery key.

    Tolerates any case, spaces, dashes, and O/0, I/1, L/1 confusion. Raises
    ``KeyTextError`` for a wrong length or a stray character and ``ChecksumError``
    for a typo.
    """
    raw = decode_groups(text, KEY_SIZE + _CHECKSUM_SIZE, "recovery key")
    key, checksum = raw[:KEY_SIZE], raw[KEY_SIZE:]
    if checksum != _checksum(key):
        if share_checksum_matches(raw):
            raise ChecksumError(
                "This is an unsealing share, not the recovery key. Enter it where shares are asked for."
            )
        raise ChecksumError(
            "The recovery key contains a typo: its checksum does not match. "
            "Compare each group of five with the printed sheet."
        )
    return key
