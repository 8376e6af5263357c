"""What the vault keeps in the database: wraps of the vault key, the sealed keyring, and the seal epoch.

Threat: the database is seized or copied. Invariant: nothing here opens anything without a passphrase, the offline
recovery key or enough shares. The vault key exists only wrapped (`wraps`), the data keys only sealed under the vault
key (`keyring`), and the duress verifier is indistinguishable from the random bytes stored when no duress passphrase
is set. `seal_epoch` is the one number every unsealed process watches: bumping it seals them all within a second.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from vigil.vault.fields import SealedModel, SealedTextField

VAULT_ROW = 1


class Vault(models.Model):
    """The instance's single vault row (primary key 1)."""

    # Argon2id parameters shared by every passphrase wrap and the duress verifier, so an unseal derives once.
    kdf = models.JSONField()
    # `wrapping.Wrap.to_dict()` of every wrap: passphrase (one per operator), recovery, shares.
    wraps = models.JSONField(default=list)
    duress_check = models.BinaryField()
    keyring = models.BinaryField()
    keyring_version = models.PositiveBigIntegerField(default=1)
    seal_epoch = models.PositiveBigIntegerField(default=0)
    # Progress of an interrupted `vigil rekey`: {"new_key_id": hex} while a rotation is under way.
    rekey: Any = models.JSONField(default=dict)
    # The audit log's details are encrypted to this X25519 public key (so they can be written while sealed); its
    # private key is kept only encrypted under the vault key (`vigil.audit.details_keys`).
    audit_details_public_key = models.BinaryField(default=b"")
    audit_details_private_key = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "vault"


class OperatorNote(SealedModel):
    """A sealed note operators keep about the instance itself (where the recovery sheet is, who holds shares).

    Also the vault's own user of `SealedTextField`, so the vault's tests exercise the field on a real model.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=100)
    body = SealedTextField(blank=True)
    # Address of an attached file in the encrypted file store (a registered file reference), or "".
    attachment = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title
