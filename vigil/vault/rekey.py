"""Key rotation: re-encrypt every sealed value and file header under a new data key, resumably, while serving.

Threat: a data key may have leaked (a memory dump, an old backup). Invariants:

* The new key is added to the keyring and made current first, and the keyring version moves, so every running
  process reloads the keyring (`state`) and can read both old and new ciphertexts: readers never stop.
* Each record's `sealed` ciphertext is swapped by compare-and-swap (`UPDATE ... WHERE pk = ? AND sealed = old blob`),
  so a concurrent edit is never overwritten with stale plaintext; a record edited meanwhile is picked up by the next
  pass.
* Work is found by key id (the blob's bytes 1-4), so an interrupted rekey resumes where it stopped: run it again.
* The old keys are removed only after a final pass finds nothing left under them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction

from vigil.audit.actions import record_event
from vigil.vault import state
from vigil.vault.aead import HEADER_SIZE, Keyring, decrypt_value, encrypt_value
from vigil.vault.blind_index import derive_index_key
from vigil.vault.fields import RECORD_COLUMN, record_aad, sealed_fields
from vigil.vault.files import store_root
from vigil.vault.filestore import EncryptedFileStore
from vigil.vault.keys import get_vault
from vigil.vault.models import VAULT_ROW, Vault

BATCH = 500
Progress = Callable[[int], None]


def sealed_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if sealed_fields(model)]


def key_id_of(blob: bytes) -> bytes:
    return bytes(blob[1:HEADER_SIZE])


@dataclass(frozen=True)
class RekeyResult:
    values: int
    files: int
    resumed: bool
    # Stored files under a key this vault does not hold (not Vigil's, or left from another vault): left untouched.
    unreadable: int = 0


def _start(vault_key: bytes) -> tuple[Keyring, bytes, bool]:
    """Add and publish the new current key, or pick up the one an interrupted rekey published."""
    with transaction.atomic():
        vault = get_vault(for_update=True)
        keyring = Keyring.unseal(vault_key, bytes(vault.keyring))
        pending = vault.rekey.get("new_key_id") if isinstance(vault.rekey, dict) else None
        if pending and bytes.fromhex(pending) == keyring.current.key_id:
            return keyring, keyring.current.key_id, True
        new_key = keyring.rotate()
        vault.keyring = keyring.seal(vault_key)
        vault.keyring_version += 1
        vault.rekey = {"new_key_id": new_key.key_id.hex()}
        vault.save(update_fields=["keyring", "keyring_version", "rekey"])
        record_event(actor_id=None, action="vault.rekey_start", object_type="vault", object_id=VAULT_ROW)
    return keyring, new_key.key_id, False


def _stale_rows(model: type[models.Model], new_id: bytes) -> Iterator[tuple[str, bytes]]:
    rows = model._base_manager.exclude(**{f"{RECORD_COLUMN}__isnull": True}).values_list("pk", RECORD_COLUMN)
    for pk, blob in rows.iterator(chunk_size=BATCH):
        if key_id_of(bytes(blob)) != new_id:
            yield pk, bytes(blob)


def count_stale_values(new_id: bytes) -> int:
    """Sealed records (one ciphertext each) not yet under the key `new_id`."""
    return sum(1 for model in sealed_models() for _ in _stale_rows(model, new_id))


def _rekey_values(keyring: Keyring, new_id: bytes, progress: Progress) -> int:
    done = 0
    for model in sealed_models():
        table = model._meta.db_table
        for pk, blob in list(_stale_rows(model, new_id)):
            aad = record_aad(table, pk)
            fresh = encrypt_value(keyring, decrypt_value(keyring, blob, aad), aad)
            done += model._base_manager.filter(pk=pk, **{RECORD_COLUMN: blob}).update(**{RECORD_COLUMN: fresh})
            progress(1)
    return done


def _file_store(keyring: Keyring, vault_key: bytes) -> EncryptedFileStore | None:
    if not store_root().exists():
        return None
    return EncryptedFileStore(store_root(), keyring, derive_index_key(vault_key))


def _stale_files(store: EncryptedFileStore | None, keyring: Keyring, new_id: bytes) -> list[str]:
    """Files under an older key of this vault; files under a key it never held cannot be rewrapped and are skipped."""
    if store is None:
        return []
    known = set(keyring.key_ids) - {new_id}
    return [address for address in store.iter_addresses() if store.header_key_id(address) in known]


def _unreadable_files(store: EncryptedFileStore | None, keyring: Keyring) -> int:
    if store is None:
        return 0
    known = set(keyring.key_ids)
    return sum(1 for address in store.iter_addresses() if store.header_key_id(address) not in known)


def _rekey_files(store: EncryptedFileStore | None, keyring: Keyring, new_id: bytes, progress: Progress) -> int:
    stale = _stale_files(store, keyring, new_id)
    for address in stale:
        assert store is not None
        store.rewrap(address, keyring)
        progress(1)
    return len(stale)


def _finish(vault_key: bytes, new_id: bytes) -> None:
    with transaction.atomic():
        vault: Vault = get_vault(for_update=True)
        keyring = Keyring.unseal(vault_key, bytes(vault.keyring))
        for key_id in keyring.key_ids:
            if key_id != new_id:
                keyring.remove(key_id)
        vault.keyring = keyring.seal(vault_key)
        vault.keyring_version += 1
        vault.rekey = {}
        vault.save(update_fields=["keyring", "keyring_version", "rekey"])
        record_event(actor_id=None, action="vault.rekey_finish", object_type="vault", object_id=VAULT_ROW)
        keyring.clear()


def rekey(vault_key: bytes, *, progress_factory: Callable[[int], Progress], settle_seconds: float = 1.0) -> RekeyResult:
    """Rotate to a new data key and re-encrypt everything under it (see the module docstring)."""
    keyring, new_id, resumed = _start(vault_key)
    # Let every process pick up the new keyring (they poll every POLL_SECONDS) before the last writers of the old
    # key are looked for, so that nothing is written under an old key after the final pass.
    time.sleep(max(settle_seconds, 2 * state.POLL_SECONDS))
    store = _file_store(keyring, vault_key)
    values = files = 0
    for _ in range(10):
        stale_values = count_stale_values(new_id)
        stale_files = len(_stale_files(store, keyring, new_id))
        if not stale_values and not stale_files:
            break
        progress = progress_factory(stale_values + stale_files)
        values += _rekey_values(keyring, new_id, progress)
        files += _rekey_files(store, keyring, new_id, progress)
    else:
        raise RuntimeError("values keep appearing under the old key; run 'vigil rekey' again.")
    unreadable = _unreadable_files(store, keyring)
    _finish(vault_key, new_id)
    keyring.clear()
    state.reload_keyring()
    return RekeyResult(values, files, resumed, unreadable)
