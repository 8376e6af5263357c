"""The unsealed keys of this process, and how every process learns that it must seal.

Threat: police seize a running server, or force an operator to unlock it, and "seal now" must take every key out of
every server process at once. Invariants:

* A process starts sealed. Keys (the vault key, the keyring, the blind-index key) live only here, in one holder
  behind a lock; `seal_process()` wipes them in place (best effort, see `aead`) and drops them.
* `Vault.seal_epoch` in the database is the signal: a process records the epoch it unsealed at, and seals itself as
  soon as it sees another value. A watcher thread checks every `POLL_SECONDS` (each request start checks too), so a
  seal reaches every process on every node within one second.
* When the keyring changes under a running process (`vigil rekey`), the process reloads it from the database with
  the vault key it holds, so readers never stop.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from vigil.vault.aead import Keyring
from vigil.vault.blind_index import derive_index_key
from vigil.vault.errors import SealedError

POLL_SECONDS = 0.25
logger = logging.getLogger(__name__)


@dataclass
class _Keys:
    vault_key: bytearray
    keyring: Keyring
    index_key: bytearray
    epoch: int
    keyring_version: int


_lock = threading.RLock()
_keys: _Keys | None = None
_watcher: threading.Thread | None = None
_last_check = 0.0
_watching = False


def is_unsealed() -> bool:
    return _keys is not None


def _held() -> _Keys:
    keys = _keys
    if keys is None:
        raise SealedError()
    return keys


def current_keyring() -> Keyring:
    """The keyring of this process; raises `SealedError` while sealed."""
    keys = _keys  # read once: another thread may seal meanwhile
    if keys is None:
        raise SealedError()
    return keys.keyring


def current_index_key() -> bytes:
    """The blind-index key; raises `SealedError` while sealed."""
    return bytes(_held().index_key)


def current_vault_key() -> bytes:
    """The vault key (to reseal the keyring or derive a backup key); raises `SealedError` while sealed."""
    return bytes(_held().vault_key)


def install(vault_key: bytes, keyring: Keyring, epoch: int, keyring_version: int) -> None:
    """Hold these keys in this process (replacing and wiping any held before)."""
    global _keys
    with _lock:
        previous = _keys
        _keys = _Keys(bytearray(vault_key), keyring, bytearray(derive_index_key(vault_key)), epoch, keyring_version)
        if previous is not None:
            _wipe(previous)
        if _watching:
            start_watcher()


def _wipe(keys: _Keys) -> None:
    keys.keyring.clear()
    for buffer in (keys.vault_key, keys.index_key):
        buffer[:] = bytes(len(buffer))


def seal_process() -> bool:
    """Wipe and drop every key this process holds; return True if it was unsealed."""
    global _keys
    with _lock:
        keys, _keys = _keys, None
        if keys is None:
            return False
        _wipe(keys)
    logger.info("The vault is sealed in this process.")
    return True


def unseal_process(vault_key: bytes) -> None:
    """Load the keyring from the database with the vault key and hold the keys (raises on a wrong key)."""
    from vigil.vault.models import VAULT_ROW, Vault

    row = Vault.objects.get(pk=VAULT_ROW)
    keyring = Keyring.unseal(vault_key, bytes(row.keyring))
    install(vault_key, keyring, row.seal_epoch, row.keyring_version)


def reload_keyring() -> None:
    """Reload the sealed keyring from the database (after `vigil rekey` changed it); no-op while sealed."""
    from vigil.vault.models import VAULT_ROW, Vault

    with _lock:
        keys = _keys
        if keys is None:
            return
        row = Vault.objects.only("keyring", "keyring_version").get(pk=VAULT_ROW)
        if row.keyring_version == keys.keyring_version:
            return
        fresh = Keyring.unseal(bytes(keys.vault_key), bytes(row.keyring))
        old, keys.keyring, keys.keyring_version = keys.keyring, fresh, row.keyring_version
        old.clear()


def check_epoch(min_interval: float = 0.0) -> bool:
    """Seal this process if the database's seal epoch moved (or the vault row is gone); reload a changed keyring.

    Returns True if the process is (still) unsealed. Database errors seal the process: when in doubt, seal.
    """
    global _last_check
    keys = _keys
    if keys is None:
        return False
    now = time.monotonic()
    if min_interval and now - _last_check < min_interval:
        return True
    _last_check = now
    from vigil.vault.models import VAULT_ROW, Vault

    try:
        row = Vault.objects.filter(pk=VAULT_ROW).values_list("seal_epoch", "keyring_version").first()
    except Exception:
        logger.warning("The vault state cannot be read from the database; sealing this process.")
        seal_process()
        return False
    if row is None or row[0] != keys.epoch:
        seal_process()
        return False
    if row[1] != keys.keyring_version:
        reload_keyring()
    return True


def _watch() -> None:
    from django.db import connection

    try:
        while is_unsealed():
            time.sleep(POLL_SECONDS)
            check_epoch()
    finally:
        connection.close()


def enable_watcher() -> None:
    """From now on, every unseal of this process starts the watcher thread (servers and workers call this)."""
    global _watching
    _watching = True
    if is_unsealed():
        start_watcher()


def start_watcher() -> None:
    """Start the thread that seals this process when the seal epoch changes (long-running servers call this)."""
    global _watcher
    with _lock:
        if _watcher is not None and _watcher.is_alive():
            return
        _watcher = threading.Thread(target=_watch, name="vigil-seal-watcher", daemon=True)
        _watcher.start()
