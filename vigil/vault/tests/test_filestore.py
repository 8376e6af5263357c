import errno
import hashlib
import io
import os
import resource
import signal
import threading
import tracemalloc
from pathlib import Path

import pytest

from vigil.vault.aead import Keyring
from vigil.vault.errors import MissingFileError, PathOutsideStoreError, TamperedError
from vigil.vault.filestore import EncryptedFileStore, StoredFile

CHUNK = 4096
HEADER = 4 + 4 + 2 + 45 + 72
BLOCK = CHUNK + 16
INDEX_KEY = os.urandom(32)


@pytest.fixture
def store(tmp_path: Path) -> EncryptedFileStore:
    return EncryptedFileStore(tmp_path / "store", Keyring.generate(), INDEX_KEY, chunk_size=CHUNK, durable=False)


def read(store: EncryptedFileStore, address: str) -> bytes:
    out = io.BytesIO()
    store.read_to(address, out)
    return out.getvalue()


def object_path(store: EncryptedFileStore, address: str) -> Path:
    return store._path(address)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * 1024 * 1024 + 7])
def test_it_returns_exactly_what_was_stored(store: EncryptedFileStore, size: int) -> None:
    data = os.urandom(size)
    stored = store.put(io.BytesIO(data))
    assert stored.sha256_hex == hashlib.sha256(data).hexdigest()
    assert stored.size == size
    assert read(store, stored.address) == data
    assert store.info(stored.address) == stored


def test_the_file_on_disk_holds_neither_the_content_nor_its_plain_hash(store: EncryptedFileStore) -> None:
    data = b"testimony of Aslan, +79281234567. " * 500
    stored = store.put(io.BytesIO(data))
    raw = object_path(store, stored.address).read_bytes()
    assert b"Aslan" not in raw
    assert stored.sha256_hex not in stored.address
    names = [p.name for p in store._root.rglob("*")]
    assert stored.sha256_hex not in names
    assert stored.address in names


def test_storing_the_same_content_twice_keeps_one_copy(store: EncryptedFileStore) -> None:
    first = store.put(io.BytesIO(b"same"))
    second = store.put(io.BytesIO(b"same"))
    assert first == second
    assert list(store.iter_addresses()) == [first.address]
    assert not list((store._root / "tmp").iterdir())


def test_a_stream_without_readinto_is_accepted(store: EncryptedFileStore) -> None:
    class ReadOnly:
        def __init__(self, data: bytes) -> None:
            self._source = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._source.read(min(size, 1000))

    data = os.urandom(3 * CHUNK + 5)
    stored = store.put(ReadOnly(data))  # type: ignore[arg-type]
    assert read(store, stored.address) == data


class Trickle(io.RawIOBase):
    """A stream that hands out at most ``step`` bytes per call, then optionally fails."""

    def __init__(self, data: bytes, step: int, fail_after: int | None = None) -> None:
        self._source = io.BytesIO(data)
        self._step = step
        self._fail_after = fail_after
        self.threads: set[int] = set()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.threads.add(threading.get_ident())
        if self._fail_after is not None and self._source.tell() >= self._fail_after:
            raise ConnectionResetError("the client went away")
        return self._source.readinto(buffer[: self._step])


def leftovers(store: EncryptedFileStore) -> list[Path]:
    return [p for p in store._root.rglob("*") if p.is_file()]


def test_a_stream_of_short_reads_round_trips(store: EncryptedFileStore) -> None:
    data = os.urandom(7 * CHUNK + 3)
    stream = Trickle(data, step=1000)
    stored = store.put(stream)  # type: ignore[arg-type]
    assert read(store, stored.address) == data
    assert stream.threads == {threading.get_ident()}


def test_a_stream_that_fails_midway_stores_nothing_and_its_error_reaches_the_caller(
    store: EncryptedFileStore,
) -> None:
    stream = Trickle(os.urandom(20 * CHUNK), step=CHUNK, fail_after=9 * CHUNK)
    with pytest.raises(ConnectionResetError, match="went away"):
        store.put(stream)  # type: ignore[arg-type]
    assert leftovers(store) == []
    assert stream.threads == {threading.get_ident()}


def test_a_write_that_fails_midway_stores_nothing_and_raises(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "store", Keyring.generate(), INDEX_KEY, chunk_size=CHUNK)
    # The kernel refuses writes past 16 chunks, as a full disk would.
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * CHUNK, limits[1]))
    try:
        with pytest.raises(OSError) as raised:
            store.put(io.BytesIO(os.urandom(64 * CHUNK)))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert raised.value.errno == errno.EFBIG
    assert leftovers(store) == []


def test_a_download_abandoned_midway_stops_cleanly(store: EncryptedFileStore) -> None:
    data = os.urandom(10 * CHUNK)
    stored = store.put(io.BytesIO(data))
    chunks = store.open_chunks(stored.address)
    assert next(chunks) == data[:CHUNK]
    chunks.close()
    assert read(store, stored.address) == data


def stored_file(store: EncryptedFileStore, size: int = 3 * CHUNK + 100) -> tuple[StoredFile, Path]:
    stored = store.put(io.BytesIO(os.urandom(size)))
    return stored, object_path(store, stored.address)


@pytest.mark.parametrize("offset", [0, 5, 9, HEADER - 1, HEADER, HEADER + BLOCK + 7, -1])
def test_a_flipped_bit_anywhere_is_detected(store: EncryptedFileStore, offset: int) -> None:
    stored, path = stored_file(store)
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x10
    path.write_bytes(raw)
    with pytest.raises(TamperedError):
        read(store, stored.address)


def test_a_truncated_file_is_detected_even_at_a_chunk_boundary(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store)
    raw = path.read_bytes()
    # The final-chunk flag catches it at the cut, before any bytes past it are trusted.
    for end, bad_chunk in ((HEADER + 2 * BLOCK, 1), (HEADER + BLOCK + 3, 1), (HEADER, 0)):
        path.write_bytes(raw[:end])
        with pytest.raises(TamperedError, match=f"Chunk {bad_chunk}"):
            read(store, stored.address)


def test_reordered_chunks_are_detected(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store)
    raw = path.read_bytes()
    first, second = raw[HEADER : HEADER + BLOCK], raw[HEADER + BLOCK : HEADER + 2 * BLOCK]
    path.write_bytes(raw[:HEADER] + second + first + raw[HEADER + 2 * BLOCK :])
    with pytest.raises(TamperedError, match="Chunk 0"):
        read(store, stored.address)


def test_a_chunk_swapped_in_from_another_file_is_detected(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store)
    _, other_path = stored_file(store)
    raw, other = path.read_bytes(), other_path.read_bytes()
    path.write_bytes(raw[: HEADER + BLOCK] + other[HEADER + BLOCK : HEADER + 2 * BLOCK] + raw[HEADER + 2 * BLOCK :])
    with pytest.raises(TamperedError, match="Chunk 1"):
        read(store, stored.address)


def test_a_whole_file_copied_over_another_is_detected(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store)
    _, other_path = stored_file(store)
    path.write_bytes(other_path.read_bytes())
    with pytest.raises(TamperedError):
        read(store, stored.address)


def test_appended_data_is_detected(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store, size=2 * CHUNK)
    path.write_bytes(path.read_bytes() + os.urandom(BLOCK))
    with pytest.raises(TamperedError):
        read(store, stored.address)


@pytest.mark.parametrize("address", ["../../etc/passwd", "/etc/passwd", "..", "", "A" * 64, "0" * 63])
def test_an_address_that_is_not_a_plain_digest_is_refused(store: EncryptedFileStore, address: str) -> None:
    with pytest.raises(PathOutsideStoreError):
        store.exists(address)
    with pytest.raises(PathOutsideStoreError):
        read(store, address)


def test_a_symlinked_object_is_refused(store: EncryptedFileStore, tmp_path: Path) -> None:
    stored, path = stored_file(store)
    outside = tmp_path / "outside"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(PathOutsideStoreError):
        read(store, stored.address)
    assert list(store.iter_addresses()) == []


def test_a_missing_file_is_reported_clearly(store: EncryptedFileStore) -> None:
    with pytest.raises(MissingFileError):
        read(store, "0" * 64)
    with pytest.raises(MissingFileError):
        store.delete("0" * 64)


def test_delete_leaves_no_file_behind(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store)
    store.delete(stored.address)
    assert not store.exists(stored.address)
    assert not path.exists()
    assert [p for p in store._root.rglob("*") if p.is_file()] == []


def test_leftovers_of_an_interrupted_delete_are_purged(store: EncryptedFileStore) -> None:
    (store._root / "trash" / "leftover").write_bytes(b"ciphertext")
    (store._root / "tmp" / "put-leftover").write_bytes(b"ciphertext")
    assert store.purge_interrupted() == 2
    assert [p for p in store._root.rglob("*") if p.is_file()] == []


def test_iter_addresses_lists_every_stored_file(store: EncryptedFileStore) -> None:
    addresses = {store.put(io.BytesIO(os.urandom(10))).address for _ in range(5)}
    assert set(store.iter_addresses()) == addresses


def test_rewrap_moves_a_file_to_the_new_key_without_touching_its_chunks(store: EncryptedFileStore) -> None:
    stored, path = stored_file(store)
    before = path.read_bytes()
    keyring = store._keyring
    old_key = keyring.current.key_id
    keyring.rotate()
    store.rewrap(stored.address, keyring)
    after = path.read_bytes()
    assert after[HEADER:] == before[HEADER:]
    assert after[:HEADER] != before[:HEADER]
    keyring.remove(old_key)
    assert hashlib.sha256(read(store, stored.address)).hexdigest() == stored.sha256_hex


def test_memory_stays_bounded_for_a_large_stream(tmp_path: Path) -> None:
    # Durable, as in production, and large enough to be flushed to disk while it is written.
    store = EncryptedFileStore(tmp_path, Keyring.generate(), INDEX_KEY)
    size = 50 * 1024 * 1024
    block = os.urandom(1024 * 1024)

    class Generated(io.RawIOBase):
        remaining = size

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            count = min(len(buffer), self.remaining, len(block))
            buffer[:count] = block[:count]
            self.remaining -= count
            return count

    tracemalloc.start()
    try:
        stored = store.put(Generated())  # type: ignore[arg-type]
        for _ in store.open_chunks(stored.address):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = hashlib.sha256()
    for _ in range(size // len(block)):
        expected.update(block)
    assert stored == StoredFile(expected.hexdigest(), size, store.address_for(expected.hexdigest()))
    assert peak < 8 * 1024 * 1024
