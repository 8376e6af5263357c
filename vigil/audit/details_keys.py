"""Where the audit-details key pair lives: the public half in the vault row, the private half under the vault key.

Threat: "who looked at whom" read from a seized database. Invariant: the private key that opens audit details is
stored only encrypted under the vault key (AES-256-GCM with a key derived for this purpose alone), so it is readable
only by a process that has unsealed the vault.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vigil.audit.details import (
    generate_details_key,
    private_key_bytes,
    private_key_from_bytes,
    public_key_bytes,
    public_key_from_bytes,
)

_PURPOSE = b"vigil/audit-details-private-key/v1"
_NONCE_SIZE = 12


def _wrapping_cipher(vault_key: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=SHA256(), length=32, salt=None, info=_PURPOSE).derive(vault_key))


def new_audit_details_keys(vault_key: bytes) -> tuple[bytes, bytes]:
    """A fresh key pair: (raw public key, private key sealed under the vault key)."""
    private_key = generate_details_key()
    nonce = os.urandom(_NONCE_SIZE)
    sealed = nonce + _wrapping_cipher(vault_key).encrypt(nonce, private_key_bytes(private_key), _PURPOSE)
    return public_key_bytes(private_key.public_key()), sealed


def open_private_key(vault_key: bytes, sealed: bytes) -> X25519PrivateKey:
    try:
        raw = _wrapping_cipher(vault_key).decrypt(sealed[:_NONCE_SIZE], sealed[_NONCE_SIZE:], _PURPOSE)
    except (InvalidTag, ValueError):
        raise ValueError("The audit-details key in the vault is damaged or belongs to another vault.") from None
    return private_key_from_bytes(raw)


def current_public_key() -> X25519PublicKey | None:
    """The public key to seal details with, or None before the instance has a vault (details are then plain)."""
    from vigil.vault.models import VAULT_ROW, Vault

    rows = list(Vault.objects.filter(pk=VAULT_ROW).values_list("audit_details_public_key", flat=True))
    if not rows:
        return None
    if not rows[0]:
        # A vault without its key means someone blanked it to get readable details: refuse to write (fail closed).
        raise ValueError("The vault's audit-details key is missing; audit entries cannot be written.")
    return public_key_from_bytes(bytes(rows[0]))


def current_private_key(vault_key: bytes) -> X25519PrivateKey | None:
    from vigil.vault.models import VAULT_ROW, Vault

    sealed = Vault.objects.filter(pk=VAULT_ROW).values_list("audit_details_private_key", flat=True).first()
    return open_private_key(vault_key, bytes(sealed)) if sealed else None
