"""The instance's encrypted file store (`DATA_DIR/files`) and the registry of rows that point into it.

Threat: evidence files on a seized disk, and rows or files that silently lose their partner. Invariants: every file
is stored by `filestore.EncryptedFileStore` under the process's keys; an app that stores addresses registers the
field (`register_file_reference`), so `vigil vault check-files` and `vigil doctor` can list rows whose file is
missing and files no row points to, without unsealing (addresses are not secret).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
from django.conf import settings

from vigil.vault import state
from vigil.vault.aead import Keyring
from vigil.vault.errors import UnknownKeyError
from vigil.vault.filestore import EncryptedFileStore, StoredFile

# (app_label.ModelName, field name) of every CharField holding a file-store address.
FILE_REFERENCES: set[tuple[str, str]] = set()


def register_file_reference(model_label: str, field_name: str) -> None:
    """Declare that `model_label.field_name` holds file-store addresses (call it from an AppConfig.ready)."""
    FILE_REFERENCES.add((model_label, field_name))


def store_root() -> Path:
    return Path(settings.DATA_DIR) / "files"


def file_store() -> EncryptedFileStore:
    """The store with this process's keys; raises `SealedError` while sealed."""
    return EncryptedFileStore(store_root(), state.current_keyring(), state.current_index_key())


def _keyless_store() -> EncryptedFileStore:
    # Listing and existence checks need no key.
    return EncryptedFileStore(store_root(), Keyring(), bytes(32))


def store_file(stream: BinaryIO) -> StoredFile:
    """Encrypt a stream into the store and return its digest, size and address."""
    return file_store().put(stream)


def read_file(address: str) -> Iterator[bytes]:
    """Yield a stored file's plaintext chunk by chunk, each authenticated first."""
    try:
        yield from file_store().open_chunks(address)
    except UnknownKeyError:
        state.reload_keyring()
        yield from file_store().open_chunks(address)


@dataclass
class FileReport:
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (model, pk, address)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.orphans


def referenced_addresses() -> Iterator[tuple[str, str, str]]:
    for model_label, field_name in sorted(FILE_REFERENCES):
        model = apps.get_model(model_label)
        rows = model._base_manager.exclude(**{field_name: ""}).exclude(**{f"{field_name}__isnull": True})
        for pk, address in rows.values_list("pk", field_name).iterator():
            yield model_label, str(pk), str(address)


def check_files() -> FileReport:
    """Rows whose file is missing from the store, and stored files that no registered row points to."""
    report = FileReport()
    if not store_root().exists():
        referenced = list(referenced_addresses())
        report.missing.extend(referenced)
        return report
    store = _keyless_store()
    known: set[str] = set()
    for model_label, pk, address in referenced_addresses():
        known.add(address)
        try:
            present = store.exists(address)
        except Exception:
            present = False
        if not present:
            report.missing.append((model_label, pk, address))
    report.orphans.extend(address for address in store.iter_addresses() if address not in known)
    return report
