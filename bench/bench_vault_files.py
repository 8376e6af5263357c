"""Throughput of the encrypted file store against raw AES-GCM and SHA-256 (not a test).

Encrypts ``VIGIL_BENCH_FILE_MB`` MiB (default 1024) generated on the fly through
``EncryptedFileStore.put`` (durable, as in production) and compares it with
``cryptography``'s AES-GCM ``encrypt_into`` over one 1 MiB buffer in a tight loop
(the target is a ratio of at least 0.5).

What bounds the result, so read the ratios with it in mind:

* SHA-256: the content address is the SHA-256 of the plaintext, so every byte is
  hashed, in order, on one core. Where SHA-256 is slower than AES-GCM (most CPUs,
  even with SHA extensions) store/AES-GCM cannot exceed SHA-256/AES-GCM, and
  store/SHA-256 (at most 1) is the ratio that shows how good the pipeline is.
* The disk: the store is measured in ``VIGIL_BENCH_DIR`` (default: the system temp
  dir, normally on disk) and again on tmpfs (``/dev/shm``, when present), which takes
  the disk out. Each is preceded by a plain write of the same size to the same place,
  flushed as ``put`` flushes: the fastest that place takes the bytes at all. On a VM
  whose balloon hands freed memory back to the host, writing to fresh tmpfs or
  page-cache pages costs CPU too, so tmpfs is not free.
* Cores: reading, hashing, encrypting and writing share the machine's cores; on two
  cores half their total CPU time is a bound as well, and another busy process takes
  a core away from the pipeline.

AES-GCM and SHA-256 are the best of three runs (the stricter reference); the store
runs once per place, then reads the file back (``read_to``, hashing in parallel with
decryption). The load average is printed since other processes skew all of it. Peak
RSS must stay flat (constant memory): it is printed before and after.
"""

import hashlib
import os
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vigil.vault.aead import Keyring
from vigil.vault.blind_index import derive_index_key
from vigil.vault.filestore import EncryptedFileStore, _BackgroundFlush

MIB = 1 << 20
# Only ever the parent of a private temporary directory or file.
TMPFS = Path("/dev/shm")  # noqa: S108


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


class NullSink:
    def write(self, data: bytes) -> int:
        return len(data)


def best_rate(megabytes: int, run: Callable[[], None], repeat: int = 3) -> float:
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = max(best, megabytes / (time.perf_counter() - start))
    return best


def aes_gcm_rate(megabytes: int) -> float:
    cipher = AESGCM(AESGCM.generate_key(256))
    block, sealed = os.urandom(MIB), bytearray(MIB + 16)

    def run() -> None:
        for index in range(megabytes):
            cipher.encrypt_into(index.to_bytes(12, "big"), block, None, sealed)

    return best_rate(megabytes, run)


def sha256_rate(megabytes: int) -> float:
    block = os.urandom(MIB)

    def run() -> None:
        hasher = hashlib.sha256()
        for _ in range(megabytes):
            hasher.update(block)

    return best_rate(megabytes, run)


def plain_write_rate(directory: Path, megabytes: int) -> float:
    """MiB/s of writing and fsyncing plain bytes, flushed as they go the way ``put`` does."""
    block = os.urandom(MIB)
    with (
        tempfile.TemporaryDirectory(dir=directory) as root,
        open(Path(root) / "plain", "wb") as target,
        ThreadPoolExecutor(1) as workers,
    ):
        start = time.perf_counter()
        flusher = _BackgroundFlush(target, workers)
        for _ in range(megabytes):
            target.write(block)
            flusher.wrote(MIB)
        flusher.finish()
        target.flush()
        os.fsync(target.fileno())
        return megabytes / (time.perf_counter() - start)


def store_rates(directory: Path, megabytes: int) -> tuple[float, float]:
    """MiB/s of ``put`` and of ``read_to`` (decrypt and verify) for one generated file."""
    with tempfile.TemporaryDirectory(dir=directory) as root:
        store = EncryptedFileStore(Path(root), Keyring.generate(), derive_index_key(os.urandom(32)))
        stream = GeneratedStream(megabytes * MIB)
        start = time.perf_counter()
        stored = store.put(stream)  # type: ignore[arg-type]
        put_rate = megabytes / (time.perf_counter() - start)
        if stored.size != megabytes * MIB:
            raise SystemExit(f"stored {stored.size} bytes, expected {megabytes} MiB")
        start = time.perf_counter()
        store.read_to(stored.address, NullSink())  # type: ignore[arg-type]
        read_rate = megabytes / (time.perf_counter() - start)
    return put_rate, read_rate


def settle() -> None:
    """Let the disk finish the previous run's writes, so each run starts on an idle disk."""
    os.sync()
    time.sleep(2)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    megabytes = int(os.environ.get("VIGIL_BENCH_FILE_MB", "1024"))
    places = [("disk", Path(os.environ.get("VIGIL_BENCH_DIR") or tempfile.gettempdir()))]
    if TMPFS.is_dir() and places[0][1].resolve() != TMPFS.resolve():
        places.append(("tmpfs", TMPFS))

    print(f"bytes per run:                     {megabytes} MiB, {os.cpu_count()} CPUs")
    print(f"load average at start:             {os.getloadavg()[0]:.2f}")
    aes_rate = aes_gcm_rate(megabytes)
    sha_rate = sha256_rate(megabytes)
    print(f"AES-256-GCM encrypt_into, 1 MiB:   {aes_rate:6.0f} MiB/s")
    print(f"SHA-256, 1 MiB:                    {sha_rate:6.0f} MiB/s  (ratio to AES-GCM {sha_rate / aes_rate:.3f})")
    rss_before = peak_rss_mib()
    for name, directory in places:
        settle()
        write_rate = plain_write_rate(directory, megabytes)
        settle()
        put_rate, read_rate = store_rates(directory, megabytes)
        print(f"[{name}] {directory}")
        print(f"  plain write, flushed, fsync:     {write_rate:6.0f} MiB/s")
        print(
            f"  store.put:                       {put_rate:6.0f} MiB/s  "
            f"store/AES-GCM {put_rate / aes_rate:.3f} (target >= 0.5), store/SHA-256 {put_rate / sha_rate:.3f}"
        )
        print(f"  store.read_to (decrypt, verify): {read_rate:6.0f} MiB/s")
    print(f"peak RSS before/after the stores:  {rss_before:.0f} / {peak_rss_mib():.0f} MiB")
    print(f"load average at end:               {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
