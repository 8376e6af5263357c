"""Encrypted, content-addressed store for evidence files and attachments.

Threats and the invariants that answer them:

* Seized disk: file contents are AES-256-GCM ciphertext under a random per-file key;
  that key is in the file header, encrypted under the vault's current data key
  (``aead.encrypt_value``), so key rotation rewrites the header only (``rewrap``).
* Confirming a known file: the on-disk name is HMAC(index key, SHA-256 of the
  plaintext), never the plain SHA-256, so police cannot test whether a known photo
  or video is stored. The header binds the address, chunk size, digest and size.
* Tampering: files are encrypted in chunks with the STREAM construction: chunk ``i``
  uses nonce ``i`` (11 bytes) || final flag (1 byte) under the per-file key. Altered,
  reordered, dropped, appended or truncated chunks, and chunks copied from another
  file (other key), fail authentication; ``TamperedError`` is raised before the bad
  chunk's bytes are returned. After the last chunk, size and SHA-256 are re-checked.
* Path tricks: addresses must be 64 lower-case hex digits; every path is resolved and
  checked to lie inside the store, and symlinks are refused (``PathOutsideStoreError``).
* Half-written files: ``put`` writes to ``tmp/`` inside the store, fsyncs, then
  renames atomically into place, so a crash never leaves a partial object.
* Deletion: an atomic rename into ``trash/`` puts the file out of reach at once, then
  it is overwritten with zeros and unlinked. Overwriting is best effort on SSDs and
  copy-on-write file systems; the lasting guarantee is destroying the data key.

File layout (version 1)::

    "VGF1" | chunk size (4) | header length (2) | header | chunk 0 | chunk 1 | ...

header = ``encrypt_value(keyring, file key | sha256 | size, aad)``; every chunk is
``chunk size`` bytes of plaintext plus a 16-byte tag, except the final one, which may
be shorter (an empty file has one empty final chunk).

Memory and speed: ``put`` is a two-stage pipeline over ``_BUFFERS`` reusable chunk
buffers plus one for ciphertext (5 MiB at the default chunk size), so memory is
constant whatever the file size; a read holds about four chunks. The calling thread
reads and hashes; a second thread encrypts and writes; a durable store also has the
kernel write back to disk every ``_FLUSH_EVERY`` bytes instead of all at the final fsync.
SHA-256, ``encrypt_into`` and file writes all release the GIL, so the stages run on
separate cores. The pace is set by the slowest of: SHA-256 of the plaintext (the
content address needs every byte hashed in order, so it cannot be split), the disk,
and on a two-core machine the total CPU work shared by both cores. Reading hashes
each chunk in a second thread while the next one is read and decrypted.
"""

import hashlib
import hmac
import os
import queue
import re
import secrets
import stat
import tempfile
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .aead import OVERHEAD, Keyring, decrypt_value, encrypt_value
from .errors import MissingFileError, PathOutsideStoreError, TamperedError
from .framing import length_prefixed

DEFAULT_CHUNK_SIZE = 1 << 20
MAGIC = b"VGF1"
_TAG_SIZE = 16
_PREFIX_SIZE = len(MAGIC) + 4 + 2
_PAYLOAD_SIZE = 32 + 32 + 8
_HEADER_SIZE = _PREFIX_SIZE + OVERHEAD + _PAYLOAD_SIZE
_MIN_CHUNK, _MAX_CHUNK = 1 << 12, 1 << 26
_MAX_HEADER = 1024
_ADDRESS = re.compile(r"[0-9a-f]{64}")
_WIPE_BLOCK = 1 << 20
# Plaintext chunks in flight during ``put``: one being read, one waiting for the
# look-ahead that decides its final flag, one queued and one being encrypted.
_BUFFERS = 4
# A durable ``put`` asks the kernel to write back after this many bytes, so the disk
# works while the pipeline runs instead of all at the final fsync.
_FLUSH_EVERY = 32 << 20
# (plaintext buffer, byte count, final) handed from the reading to the writing thread.
_Chunk = tuple[bytearray, int, bool]


@dataclass(frozen=True)
class StoredFile:
    """What the store knows about a file: plaintext digest and size, and its address."""

    sha256_hex: str
    size: int
    address: str


@dataclass(frozen=True)
class _Header:
    chunk_size: int
    file_key: bytes
    sha256: bytes
    size: int


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _fill(stream: BinaryIO, buffer: bytearray) -> int:
    """Read until ``buffer`` is full or the stream ends; return the byte count."""
    view = memoryview(buffer)
    filled = 0
    readinto = getattr(stream, "readinto", None)
    while filled < len(buffer):
        if readinto is not None:
            count = readinto(view[filled:])
        else:
            data = stream.read(len(buffer) - filled)
            count = len(data)
            view[filled : filled + count] = data
        if not count:
            break
        filled += count
    return filled


def _open_chunk(cipher: AESGCM, index: int, final: bool, block: bytes, buffer: bytearray) -> bytes:
    """Authenticate and decrypt one chunk via ``buffer``; unlike ``decrypt``, ``decrypt_into`` releases the GIL."""
    try:
        if len(block) < _TAG_SIZE:
            raise InvalidTag
        plain = memoryview(buffer)[: len(block) - _TAG_SIZE]
        cipher.decrypt_into(_nonce(index, final), block, None, plain)
    except InvalidTag:
        raise TamperedError(
            f"Chunk {index} of the stored file failed its integrity check: "
            "the file was altered, truncated or reordered."
        ) from None
    return bytes(plain)


class _BackgroundFlush:
    """Has the kernel write a growing file to disk while the rest is still being written.

    Without it the disk idles while a large ``put`` fills the page cache, then does
    all the work in the final fsync. At most one fsync runs at a time, in ``workers``.
    """

    def __init__(self, sink: BinaryIO, workers: ThreadPoolExecutor) -> None:
        self._sink, self._workers = sink, workers
        self._pending: Future[None] | None = None
        self._unflushed = 0

    def wrote(self, count: int) -> None:
        self._unflushed += count
        if self._unflushed < _FLUSH_EVERY or (self._pending is not None and not self._pending.done()):
            return
        self.finish()
        self._sink.flush()
        self._unflushed = 0
        self._pending = self._workers.submit(os.fsync, self._sink.fileno())

    def finish(self) -> None:
        """Wait for the flush in progress and raise its error: an error is reported to one fsync only."""
        if self._pending is not None:
            self._pending.result()
            self._pending = None


class EncryptedFileStore:
    """A directory of encrypted files, addressed by a keyed hash of their content.

    ``index_key`` is the blind-index key (``blind_index.derive_index_key``).
    ``durable=False`` skips fsync; use it only for throw-away stores in tests.
    """

    def __init__(
        self,
        root: Path,
        keyring: Keyring,
        index_key: bytes,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        durable: bool = True,
    ) -> None:
        if not _MIN_CHUNK <= chunk_size <= _MAX_CHUNK:
            raise ValueError("The chunk size must be between 4 KiB and 64 MiB.")
        self._root = Path(root).resolve()
        self._objects = self._root / "objects"
        self._tmp = self._root / "tmp"
        self._trash = self._root / "trash"
        for directory in (self._root, self._objects, self._tmp, self._trash):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if directory.is_symlink():
                raise PathOutsideStoreError(f"{directory} must not be a symlink.")
        self._keyring = keyring
        self._index_key = index_key
        self._chunk_size = chunk_size
        self._durable = durable

    def address_for(self, sha256_hex: str) -> str:
        """The address a file with this plaintext SHA-256 has in this store."""
        message = length_prefixed(b"vigil/file-address/v1", sha256_hex.encode())
        return hmac.new(self._index_key, message, "sha256").hexdigest()

    def _path(self, address: str) -> Path:
        if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
            raise PathOutsideStoreError("A file address must be 64 lower-case hexadecimal digits.")
        path = self._objects / address[:2] / address
        if path.is_symlink() or path.parent.is_symlink():
            raise PathOutsideStoreError("The stored file is a symlink; refusing it.")
        if not path.resolve().is_relative_to(self._objects):
            raise PathOutsideStoreError()
        return path

    def _header_aad(self, address: str, chunk_size: int) -> bytes:
        return length_prefixed(
            b"vigil/file-header/v1",
            MAGIC,
            chunk_size.to_bytes(4, "big"),
            address.encode(),
        )

    def _encode_header(self, address: str, header: _Header, keyring: Keyring) -> bytes:
        payload = header.file_key + header.sha256 + header.size.to_bytes(8, "big")
        aad = self._header_aad(address, header.chunk_size)
        blob = encrypt_value(keyring, payload, aad)
        return MAGIC + header.chunk_size.to_bytes(4, "big") + len(blob).to_bytes(2, "big") + blob

    def put(self, stream: BinaryIO) -> StoredFile:
        """Encrypt ``stream`` into the store; return its digest, size and address.

        Storing identical content twice keeps one copy and returns the same address.
        ``stream`` is read only from the calling thread, so its thread-local state (the
        active language, say) holds and its exceptions reach the caller unchanged; on
        any error nothing is stored and the temporary file is removed.
        """
        file_key = AESGCM.generate_key(256)
        cipher = AESGCM(file_key)
        descriptor, temp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        temp_path = Path(temp_name)
        try:
            with open(descriptor, "r+b") as sink:
                sink.write(bytes(_HEADER_SIZE))
                digest, size = self._encrypt_chunks(stream, sink, cipher)
                stored = StoredFile(digest.hex(), size, self.address_for(digest.hex()))
                header = _Header(self._chunk_size, file_key, digest, size)
                encoded = self._encode_header(stored.address, header, self._keyring)
                if len(encoded) != _HEADER_SIZE:
                    raise RuntimeError("The file header changed size while writing.")
                sink.seek(0)
                sink.write(encoded)
                sink.flush()
                if self._durable:
                    os.fsync(sink.fileno())
            final_path = self._path(stored.address)
            if final_path.exists():
                temp_path.unlink()
                return stored
            final_path.parent.mkdir(mode=0o700, exist_ok=True)
            os.replace(temp_path, final_path)
            self._sync_directory(final_path.parent)
            return stored
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise

    def _encrypt_chunks(self, stream: BinaryIO, sink: BinaryIO, cipher: AESGCM) -> tuple[bytes, int]:
        """Read and hash ``stream`` in this thread while a second one encrypts and writes."""
        free: queue.SimpleQueue[bytearray | None] = queue.SimpleQueue()
        for _ in range(_BUFFERS):
            free.put(bytearray(self._chunk_size))
        work: queue.SimpleQueue[_Chunk | None] = queue.SimpleQueue()
        hasher = hashlib.sha256()
        size = 0
        # Two workers: the writer, and the writer's background flushes.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="vigil-put") as workers:
            writing = workers.submit(self._seal_and_write, work, free, sink, cipher, workers)

            def take() -> bytearray:
                buffer = free.get()
                if buffer is None:
                    writing.result()  # The writer failed: raise its error here.
                    raise RuntimeError("The encrypting thread stopped early.")
                return buffer

            try:
                buffer = take()
                length = _fill(stream, buffer)
                hasher.update(memoryview(buffer)[:length])
                while True:
                    # Reading ahead tells whether this chunk is the final one.
                    following, more = None, 0
                    if length == self._chunk_size:
                        following = take()
                        more = _fill(stream, following)
                    work.put((buffer, length, more == 0))
                    size += length
                    if following is None or more == 0:
                        break
                    hasher.update(memoryview(following)[:more])
                    buffer, length = following, more
            except BaseException:
                work.put(None)  # Stop the writer; leaving the block waits for it.
                raise
            writing.result()
        return hasher.digest(), size

    def _seal_and_write(
        self,
        work: queue.SimpleQueue[_Chunk | None],
        free: queue.SimpleQueue[bytearray | None],
        sink: BinaryIO,
        cipher: AESGCM,
        workers: ThreadPoolExecutor,
    ) -> None:
        """Encrypt queued chunks in order and write them; hand each plaintext buffer back."""
        sealed = bytearray(self._chunk_size + _TAG_SIZE)
        flusher = _BackgroundFlush(sink, workers) if self._durable else None
        index = 0
        try:
            while (chunk := work.get()) is not None:
                buffer, length, final = chunk
                target = memoryview(sealed)[: length + _TAG_SIZE]
                cipher.encrypt_into(_nonce(index, final), memoryview(buffer)[:length], None, target)
                free.put(buffer)
                sink.write(target)
                if final:
                    break
                index += 1
                if flusher is not None:
                    flusher.wrote(len(target))
            if flusher is not None:
                flusher.finish()
        except BaseException:
            free.put(None)  # Wake the reader, which then raises this error.
            raise

    def _sync_directory(self, directory: Path) -> None:
        if not self._durable:
            return
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def _open(self, address: str) -> BinaryIO:
        path = self._path(address)
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            raise MissingFileError() from None
        except OSError as error:
            raise PathOutsideStoreError(f"The stored file cannot be opened ({error.strerror}).") from None
        return open(descriptor, "rb")

    def _read_header(self, source: BinaryIO, address: str, keyring: Keyring) -> _Header:
        prefix = source.read(_PREFIX_SIZE)
        if len(prefix) != _PREFIX_SIZE or prefix[:4] != MAGIC:
            raise TamperedError("The stored file is damaged: its header is not valid.")
        chunk_size = int.from_bytes(prefix[4:8], "big")
        blob_size = int.from_bytes(prefix[8:10], "big")
        if not _MIN_CHUNK <= chunk_size <= _MAX_CHUNK or blob_size > _MAX_HEADER:
            raise TamperedError("The stored file is damaged: its header is not valid.")
        blob = source.read(blob_size)
        payload = decrypt_value(keyring, blob, self._header_aad(address, chunk_size))
        header = _Header(chunk_size, payload[:32], payload[32:64], int.from_bytes(payload[64:], "big"))
        if not hmac.compare_digest(self.address_for(header.sha256.hex()), address):
            raise TamperedError("The stored file's header belongs to another file.")
        return header

    def info(self, address: str) -> StoredFile:
        """Authenticate the header of a stored file and return its metadata."""
        with self._open(address) as source:
            header = self._read_header(source, address, self._keyring)
        return StoredFile(header.sha256.hex(), header.size, address)

    def open_chunks(self, address: str) -> Generator[bytes, None, None]:
        """Yield the plaintext chunk by chunk, each authenticated before it is yielded.

        Raises ``TamperedError`` at the first bad chunk, or after the last one if
        the size or SHA-256 differs from the header's.
        """
        with self._open(address) as source:
            header = self._read_header(source, address, self._keyring)
            cipher = AESGCM(header.file_key)
            hasher = hashlib.sha256()
            size, index = 0, 0
            block_size = header.chunk_size + _TAG_SIZE
            block = source.read(block_size)
            buffer = bytearray(header.chunk_size)
            # Each chunk is hashed in a second thread while the next one is read and decrypted.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigil-read") as hashing:
                hashed: Future[None] | None = None
                while True:
                    following = source.read(block_size) if block else b""
                    final = not following
                    plain = _open_chunk(cipher, index, final, block, buffer)
                    size += len(plain)
                    if size > header.size:
                        raise TamperedError("The stored file is longer than its header says.")
                    if hashed is not None:
                        hashed.result()
                    hashed = hashing.submit(hasher.update, plain)
                    yield plain
                    if final:
                        break
                    block, index = following, index + 1
                hashed.result()
        if size != header.size or hasher.digest() != header.sha256:
            raise TamperedError("The stored file does not match its recorded SHA-256.")

    def read_to(self, address: str, out: BinaryIO) -> StoredFile:
        """Decrypt a stored file into ``out``, verifying every chunk and the digest.

        On ``TamperedError`` ``out`` may hold a verified prefix; discard it.
        """
        stored = self.info(address)
        for chunk in self.open_chunks(address):
            out.write(chunk)
        return stored

    def exists(self, address: str) -> bool:
        return self._path(address).is_file()

    def iter_addresses(self) -> Iterator[str]:
        """Every stored address, e.g. to find files that no database row points to."""
        for directory in sorted(self._objects.iterdir()):
            if directory.is_symlink() or not directory.is_dir():
                continue
            for path in sorted(directory.iterdir()):
                name = path.name
                well_named = _ADDRESS.fullmatch(name) and name[:2] == directory.name
                if well_named and stat.S_ISREG(path.lstat().st_mode):
                    yield name

    def delete(self, address: str) -> None:
        """Move the file out of reach atomically, then overwrite and unlink it."""
        path = self._path(address)
        doomed = self._trash / f"{address}.{secrets.token_hex(8)}"
        try:
            os.replace(path, doomed)
        except FileNotFoundError:
            raise MissingFileError() from None
        self._sync_directory(path.parent)
        self._destroy(doomed)

    def _destroy(self, path: Path) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
        with open(descriptor, "wb") as target:
            remaining = os.fstat(target.fileno()).st_size
            zeros = bytes(_WIPE_BLOCK)
            while remaining > 0:
                remaining -= target.write(zeros[: min(remaining, _WIPE_BLOCK)])
            target.flush()
            if self._durable:
                os.fsync(target.fileno())
        path.unlink()
        self._sync_directory(self._trash)

    def purge_interrupted(self) -> int:
        """Destroy leftovers of a crash (trash and half-written files); return the count."""
        leftovers = [p for d in (self._trash, self._tmp) for p in d.iterdir()]
        for path in leftovers:
            if path.is_symlink() or not path.is_file():
                path.unlink()
            else:
                self._destroy(path)
        return len(leftovers)

    def header_key_id(self, address: str) -> bytes:
        """The id of the data key that encrypts this file's header (no key needed), e.g. to find files to rekey."""
        with self._open(address) as source:
            prefix = source.read(_PREFIX_SIZE + 1 + 4)
        if len(prefix) != _PREFIX_SIZE + 5 or prefix[:4] != MAGIC:
            raise TamperedError("The stored file is damaged: its header is not valid.")
        return prefix[_PREFIX_SIZE + 1 :]

    def rewrap(self, address: str, new_keyring: Keyring) -> None:
        """Re-encrypt a file's key under ``new_keyring``'s current key (header only).

        The header is decrypted with this store's keyring; after rotating with
        ``Keyring.rotate()`` pass the same keyring, which still holds the old key.

        The header is rewritten in place with one write of under 200 bytes, which
        lies in the file's first disk sector. Do not read the file concurrently.
        """
        path = self._path(address)
        with self._open(address) as source:
            header = self._read_header(source, address, self._keyring)
            old_size = source.tell()
        encoded = self._encode_header(address, header, new_keyring)
        if len(encoded) != old_size:
            raise TamperedError("The stored file's header has an unexpected size.")
        descriptor = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
        try:
            os.pwrite(descriptor, encoded, 0)
            if self._durable:
                os.fsync(descriptor)
        finally:
            os.close(descriptor)
