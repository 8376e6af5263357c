"""Throughput of the encrypted file store against raw AES-GCM (not a test).

Encrypts ``VIGIL_BENCH_FILE_MB`` MiB (default 1024) generated on the fly through
``EncryptedFileStore.put`` and compares it with ``cryptography``'s AES-GCM over one
1 MiB buffer in a tight loop for the same number of bytes (target ratio >= 0.5).
It also prints SHA-256 alone, since the store must hash every byte for its
content address, and the peak RSS, which must stay small (constant memory).
``VIGIL_BENCH_DIR`` chooses where the store is written (default: a temp dir).
"""

import hashlib
import os
import resource
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vigil.vault.aead import Keyring
from vigil.vault.blind_index import derive_index_key
from vigil.vault.filestore import EncryptedFileStore

MIB = 1 << 20


class GeneratedStream:
    """A read-only stream of ``total`` bytes that repeats one random MiB."""

    def __init__(self, total: int) -> None:
        self._block = os.urandom(MIB)
        self._remaining = total

    def readinto(self, buffer: memoryview) -> int:
        count = min(len(buffer), self._remaining, MIB)
        buffer[:count] = self._block[:count]
        self._remaining -= count
        return count

    def read(self, size: int = -1) -> bytes:
        count = min(self._remaining, MIB if size < 0 else size, MIB)
        self._remaining -= count
        return self._block[:count]


def rate(megabytes: int, seconds: float) -> float:
    return megabytes / seconds


def main() -> None:
    megabytes = int(os.environ.get("VIGIL_BENCH_FILE_MB", "1024"))
    block = os.urandom(MIB)

    cipher = AESGCM(AESGCM.generate_key(256))
    start = time.perf_counter()
    for index in range(megabytes):
        cipher.encrypt(index.to_bytes(12, "big"), block, None)
    aes_rate = rate(megabytes, time.perf_counter() - start)

    hasher = hashlib.sha256()
    start = time.perf_counter()
    for _ in range(megabytes):
        hasher.update(block)
    sha_rate = rate(megabytes, time.perf_counter() - start)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory(dir=os.environ.get("VIGIL_BENCH_DIR")) as root:
        store = EncryptedFileStore(Path(root), Keyring.generate(), derive_index_key(os.urandom(32)))
        stream = GeneratedStream(megabytes * MIB)
        start = time.perf_counter()
        stored = store.put(stream)  # type: ignore[arg-type]
        store_rate = rate(megabytes, time.perf_counter() - start)
        if stored.size != megabytes * MIB:
            raise SystemExit(f"stored {stored.size} bytes, expected {megabytes} MiB")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"bytes encrypted:              {megabytes} MiB")
    print(f"AES-GCM, 1 MiB tight loop:    {aes_rate:8.0f} MiB/s")
    print(f"SHA-256, 1 MiB tight loop:    {sha_rate:8.0f} MiB/s")
    print(f"store.put (hash+encrypt+disk):{store_rate:8.0f} MiB/s")
    print(f"ratio store/AES-GCM:          {store_rate / aes_rate:8.3f}  (target >= 0.5)")
    print(f"ratio store/SHA-256:          {store_rate / sha_rate:8.3f}")
    print(f"peak RSS before/after put:    {rss_before / 1024:.0f} / {rss_after / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
