"""Keyed blind indexes: exact-match search on sealed values without storing them.

Threat: a plain hash of a phone number is no protection, since all Russian mobile
numbers can be hashed in minutes. An HMAC-SHA-256 under a secret index key is useless
to whoever seizes the database without the key. Invariants: the index key is derived
from the vault key under its own HKDF label, so it is never the key that encrypts; the
``kind`` is domain-separated (a phone and a handle with equal text never collide);
values must be normalised first (``normalise.py``) so that equal identifiers match.

Limit: equal values give equal indexes, so whoever holds the database sees which
records share a phone number, though not the number.
"""

import hmac

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .framing import length_prefixed

INDEX_KEY_SIZE = 32


def derive_index_key(data_key: bytes) -> bytes:
    """Derive the blind-index key from the vault key.

    Pass the long-lived vault key (the key the wraps protect), not a rotating data
    key, so indexes survive data-key rotation.
    """
    hkdf = HKDF(SHA256(), length=INDEX_KEY_SIZE, salt=None, info=b"vigil/index/v1")
    return hkdf.derive(data_key)


def blind_index(index_key: bytes, kind: str, normalised_value: str) -> str:
    """Hex HMAC-SHA-256 of ``normalised_value`` for the index named ``kind``."""
    if not kind:
        raise ValueError("A blind index needs a kind, such as 'phone' or 'handle'.")
    message = length_prefixed(b"vigil/blind-index/v1", kind.encode(), normalised_value.encode())
    return hmac.new(index_key, message, "sha256").hexdigest()
