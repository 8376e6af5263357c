"""Sealing the details of audit entries: "who looked at whom" is itself sensitive.

Threat: a seized database shows which caseworker opened which person's file and what they searched for. Invariant:
details are encrypted to the instance's audit-details public key with HPKE (RFC 9180: X25519, HKDF-SHA256,
AES-256-GCM), so they can be written while the vault is sealed (a login, a failed unseal) yet read only with the
private key, which is kept sealed under the vault key. The entry's index is bound as HPKE info, so a details blob
cannot be moved to another entry. The Merkle leaf covers a digest of the sealed blob, not the plaintext.

Blob formats (first byte): 0x00 canonical JSON (only for instances created before sealed details existed),
0x01 HPKE ciphertext.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

PLAIN_FORMAT = 0x00
SEALED_FORMAT = 0x01
_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)


class DetailsUnreadableError(Exception):
    """The details blob is damaged, belongs to another entry, or needs a key this process does not hold."""


def _info(index: int) -> bytes:
    return b"vigil/audit-details/v1/" + str(index).encode()


def canonical_json(details: Mapping[str, Any]) -> bytes:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal_details(details: Mapping[str, Any] | None, index: int, public_key: X25519PublicKey) -> bytes:
    if not details:
        return b""
    return bytes([SEALED_FORMAT]) + _SUITE.encrypt(canonical_json(details), public_key, info=_info(index))


def open_details(blob: bytes, index: int, private_key: X25519PrivateKey | None) -> dict[str, Any]:
    if not blob:
        return {}
    if blob[0] == PLAIN_FORMAT:
        return dict(json.loads(blob[1:].decode("utf-8")))
    if blob[0] != SEALED_FORMAT:
        raise DetailsUnreadableError("The details of this audit entry are in an unknown format.")
    if private_key is None:
        raise DetailsUnreadableError("The details of audit entries can be read only while the vault is unsealed.")
    try:
        return dict(json.loads(_SUITE.decrypt(blob[1:], private_key, info=_info(index)).decode("utf-8")))
    except Exception as error:  # the HPKE binding raises a generic error on any authentication failure
        raise DetailsUnreadableError(
            "The details of this audit entry were altered or belong to another entry."
        ) from error


def generate_details_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def public_key_bytes(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_key_bytes(private_key: X25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_key_from_bytes(raw: bytes) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(raw)


def private_key_from_bytes(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)
