"""Encrypted backups: one archive holding the database, the encrypted files, the wraps and the audit signing key.

Threat: a backup is seized, altered, truncated, or restored over live data. Invariants:

* The archive is encrypted in chunks (AES-256-GCM, STREAM nonces: chunk index || final flag) under a key derived
  from the vault key with a fresh random salt (HKDF). The clear header carries only the format, the salt and the
  wraps (never a plaintext key), and its SHA-256 is the associated data of every chunk, so it cannot be altered.
* Truncation, reordering, dropped or flipped bytes fail authentication; nothing is restored from an archive that
  did not decrypt and parse completely (restore makes a full verifying pass before it touches anything).
* `write_backup` re-reads and decrypts the finished archive and compares its plaintext SHA-256 with what was
  written; only then is the archive moved to its final name.
* The dump is engine-independent (rows as typed JSON, in the order of the models), so an SQLite backup restores onto
  PostgreSQL and back. Sealed columns are copied as ciphertext; sessions are not backed up.
* Restore refuses an existing instance, and loads everything in one transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import os
import re
import struct
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from vigil.vault.errors import TamperedError, VaultError, WrongKeyError
from vigil.vault.files import store_root
from vigil.vault.keys import Credential, open_with_recovery_key, open_with_shares
from vigil.vault.wrapping import KdfParams, Wrap, unwrap_key

MAGIC = b"VIGIL-BACKUP\x00\x01"
CHUNK_SIZE = 1 << 20
_TAG = 16
_SALT_SIZE = 32
_MAX_HEADER = 1 << 20
_OBJECT_PATH = re.compile(r"objects/[0-9a-f]{2}/[0-9a-f]{64}")
EXCLUDED_MODELS = {Session._meta.label}


class BackupError(VaultError):
    """A backup cannot be written, read or restored; the message says why and that nothing changed."""


def backup_key(vault_key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=salt, info=b"vigil/backup/v1").derive(vault_key)


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


# ---------------------------------------------------------------- values


def _encode(value: Any, is_json: bool) -> Any:
    if is_json:
        return {"j": value}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    return value


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    (tag, data), *rest = value.items()
    if rest:
        raise TamperedError("The backup holds a value in an unknown form.")
    decoders: dict[str, Callable[[Any], Any]] = {
        "j": lambda data: data,
        "b": lambda data: base64.b64decode(data),
        "dt": dt.datetime.fromisoformat,
        "d": dt.date.fromisoformat,
        "t": dt.time.fromisoformat,
        "td": lambda data: dt.timedelta(days=data[0], seconds=data[1], microseconds=data[2]),
        "u": uuid.UUID,
        "n": decimal.Decimal,
    }
    return decoders[tag](data)


def backed_up_models() -> list[type[models.Model]]:
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label not in EXCLUDED_MODELS
    ]
    return sorted(found, key=lambda model: model._meta.label)


# ---------------------------------------------------------------- writing


class _EncryptingWriter:
    """Buffers plaintext frames and writes them as authenticated chunks; `close` writes the final chunk."""

    def __init__(self, sink: BinaryIO, key: bytes, aad: bytes) -> None:
        self._sink, self._cipher, self._aad = sink, AESGCM(key), aad
        self._buffer = bytearray()
        self._index = 0
        self.digest = hashlib.sha256()

    def frame(self, kind: bytes, payload: bytes) -> None:
        data = kind + struct.pack(">I", len(payload)) + payload
        self.digest.update(data)
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]

    def _emit(self, plain: bytes, final: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._index, final), plain, self._aad)
        self._sink.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    size: int = 0


def _header(vault: Any, salt: bytes) -> bytes:
    return _json(
        {
            "format": 1,
            "created_at": timezone.now().isoformat(),
            "kdf": vault.kdf,
            # Only the recovery and share wraps: a passphrase destroyed under duress must not live on in old backups,
            # and a coerced operator must not be able to open one (DESIGN §4: the recovery key kept elsewhere).
            "wraps": [wrap for wrap in vault.wraps if wrap.get("kind") != "passphrase"],
            "salt": base64.b64encode(salt).decode("ascii"),
        }
    )


def _dump(writer: _EncryptingWriter, signing_key: bytes) -> tuple[dict[str, int], int]:
    rows: dict[str, int] = {}
    writer.frame(b"M", _json({"engine": connection.vendor}))
    for model in backed_up_models():
        fields = list(model._meta.concrete_fields)
        is_json = [isinstance(f, models.JSONField) for f in fields]
        writer.frame(b"T", _json({"model": model._meta.label, "fields": [f.attname for f in fields]}))
        count = 0
        queryset = model._base_manager.order_by("pk").values_list(*[f.name for f in fields])
        for row in queryset.iterator(chunk_size=2000):
            writer.frame(b"R", _json([_encode(value, flag) for value, flag in zip(row, is_json, strict=True)]))
            count += 1
        rows[model._meta.label] = count
    files = 0
    root = store_root()
    objects = root / "objects"
    if objects.is_dir():
        for path in sorted(objects.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            writer.frame(b"F", _json({"path": relative, "size": path.stat().st_size}))
            with path.open("rb") as source:
                while chunk := source.read(CHUNK_SIZE // 2):
                    writer.frame(b"D", chunk)
            files += 1
    writer.frame(b"K", signing_key)
    writer.frame(b"E", _json({"rows": rows, "files": files}))
    return rows, files


def write_backup(vault_key: bytes, output: Path, signing_key: bytes) -> BackupSummary:
    """Write, verify and publish an archive at `output` (which must not exist)."""
    from vigil.vault.keys import get_vault

    if output.exists():
        raise BackupError(f"{output} already exists; choose a new file name. Nothing was changed.")
    vault = get_vault()
    salt = os.urandom(_SALT_SIZE)
    header = _header(vault, salt)
    aad = hashlib.sha256(MAGIC + header).digest()
    temporary = output.with_name(output.name + ".partial")
    key = backup_key(vault_key, salt)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(f"{output} cannot be written ({error.strerror}); nothing was changed.") from None
    try:
        with os.fdopen(descriptor, "wb") as sink:
            sink.write(MAGIC + struct.pack(">I", len(header)) + header)
            writer = _EncryptingWriter(sink, key, aad)
            with transaction.atomic():  # one consistent snapshot of the database
                rows, files = _dump(writer, signing_key)
            writer.close()
            sink.flush()
            os.fsync(sink.fileno())
        written = writer.digest.digest()
        with temporary.open("rb") as source:
            archive = read_archive(source)
            check = archive.open_with_key(key)
            digest = hashlib.sha256()
            for kind, payload in check.frames():
                digest.update(kind + struct.pack(">I", len(payload)) + payload)
        if digest.digest() != written:
            raise BackupError("the backup did not read back as written; it was deleted. Check the disk.")
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return BackupSummary(output, rows, files, output.stat().st_size)


# ---------------------------------------------------------------- reading


@dataclass
class Archive:
    source: BinaryIO
    header: dict[str, Any]
    aad: bytes
    body_offset: int

    def wraps(self) -> list[Wrap]:
        return [Wrap.from_dict(data) for data in self.header.get("wraps", [])]

    def salt(self) -> bytes:
        return base64.b64decode(self.header["salt"])

    def unlock(self, credential: Credential) -> OpenArchive:
        """Open the archive with a passphrase, the recovery key or shares (its own wraps, not the instance's)."""
        if credential.method == "passphrase":
            vault_key = None
            for wrap in (wrap for wrap in self.wraps() if wrap.kind == "passphrase"):
                assert wrap.kdf is not None
                from vigil.vault.keys import derive_passphrase_kek

                try:
                    vault_key = unwrap_key(wrap, derive_passphrase_kek(credential.secret, wrap.kdf))
                    break
                except WrongKeyError:
                    continue
            if vault_key is None:
                raise WrongKeyError("The passphrase does not unlock this backup.")
        elif credential.method == "recovery":
            vault_key = open_with_recovery_key(self.wraps(), credential.secret).vault_key
        else:
            vault_key = open_with_shares(self.wraps(), credential.shares).vault_key
        assert vault_key is not None
        return self.open_with_key(backup_key(vault_key, self.salt()), vault_key)

    def open_with_key(self, key: bytes, vault_key: bytes | None = None) -> OpenArchive:
        return OpenArchive(self, key, vault_key)


def read_archive(source: BinaryIO) -> Archive:
    start = source.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or start[: len(MAGIC)] != MAGIC:
        raise BackupError("this file is not a Vigil backup (or its beginning is damaged).")
    (length,) = struct.unpack(">I", start[len(MAGIC) :])
    if length > _MAX_HEADER:
        raise BackupError("the backup's header is damaged.")
    header_bytes = source.read(length)
    try:
        header = json.loads(header_bytes.decode("utf-8"))
        KdfParams.from_dict(header["kdf"])
        if header.get("format") != 1 or not isinstance(header.get("wraps"), list):
            raise ValueError("format")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BackupError("the backup's header is damaged or in an unknown format.") from None
    aad = hashlib.sha256(MAGIC + header_bytes).digest()
    return Archive(source, header, aad, source.tell())


@dataclass
class OpenArchive:
    archive: Archive
    key: bytes
    vault_key: bytes | None

    def _chunks(self) -> Iterator[bytes]:
        source = self.archive.source
        source.seek(self.archive.body_offset)
        cipher = AESGCM(self.key)
        index = 0
        while True:
            length_bytes = source.read(4)
            if len(length_bytes) < 4:
                raise TamperedError("The backup is truncated: it ends before its last chunk.")
            (length,) = struct.unpack(">I", length_bytes)
            if length < _TAG or length > CHUNK_SIZE + _TAG:
                raise TamperedError(f"Chunk {index} of the backup is damaged.")
            sealed = source.read(length)
            if len(sealed) < length:
                raise TamperedError("The backup is truncated: its last chunk is incomplete.")
            for final in (False, True):
                try:
                    plain = cipher.decrypt(_nonce(index, final), sealed, self.archive.aad)
                except InvalidTag:
                    continue
                yield plain
                if final:
                    if source.read(1):
                        raise TamperedError("The backup has data after its last chunk.")
                    return
                break
            else:
                raise TamperedError(
                    f"Chunk {index} of the backup failed its integrity check: it was altered or damaged."
                )
            index += 1

    def frames(self) -> Iterator[tuple[bytes, bytes]]:
        buffer = bytearray()
        ended = False
        for chunk in self._chunks():
            buffer += chunk
            while len(buffer) >= 5:
                (length,) = struct.unpack(">I", buffer[1:5])
                if len(buffer) < 5 + length:
                    break
                kind, payload = bytes(buffer[:1]), bytes(buffer[5 : 5 + length])
                del buffer[: 5 + length]
                if ended:
                    raise TamperedError("The backup has data after its end.")
                ended = kind == b"E"
                yield kind, payload
        if buffer or not ended:
            raise TamperedError("The backup is incomplete: it has no proper end.")


# ---------------------------------------------------------------- restoring


@dataclass
class RestoreSummary:
    rows: dict[str, int]
    files: int


def verify_archive(opened: OpenArchive) -> RestoreSummary:
    """Decrypt and parse the whole archive, checking counts against its end record; changes nothing."""
    rows: dict[str, int] = {}
    files, current = 0, None
    end: dict[str, Any] = {}
    for kind, payload in opened.frames():
        if kind == b"T":
            current = json.loads(payload)["model"]
            rows[current] = 0
        elif kind == b"R":
            if current is None:
                raise TamperedError("The backup holds a row outside any table.")
            rows[current] += 1
        elif kind == b"F":
            if not _OBJECT_PATH.fullmatch(json.loads(payload)["path"]):
                raise TamperedError("The backup names a file outside the file store.")
            files += 1
        elif kind == b"E":
            end = json.loads(payload)
    if end.get("rows") != rows or end.get("files") != files:
        raise TamperedError("The backup's contents do not match its own summary.")
    return RestoreSummary(rows, files)


def _flush_all() -> None:
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


def load_archive(opened: OpenArchive, data_dir: Path) -> RestoreSummary:
    """Replace the (freshly migrated, empty) database and file store with the archive's contents."""
    from vigil.audit.service import signing_key_path
    from vigil.core.instance import write_private_file

    rows: dict[str, int] = {}
    files = 0
    model: type[models.Model] | None = None
    fields: list[models.Field[Any, Any]] = []
    pending: list[models.Model] = []
    file_handle: BinaryIO | None = None
    loaded: list[type[models.Model]] = []

    def flush_rows() -> None:
        if model is not None and pending:
            batch = max(1, connection.ops.bulk_batch_size(fields, pending) or len(pending))
            for start in range(0, len(pending), batch):
                model._base_manager._insert(pending[start : start + batch], fields=fields, raw=True)  # type: ignore[attr-defined]
            pending.clear()

    root = store_root()
    with transaction.atomic():
        _flush_all()
        for kind, payload in opened.frames():
            if kind == b"T":
                flush_rows()
                table = json.loads(payload)
                model = apps.get_model(table["model"])
                by_attname = {f.attname: f for f in model._meta.concrete_fields}
                fields = [by_attname[name] for name in table["fields"]]
                rows[table["model"]] = 0
                loaded.append(model)
            elif kind == b"R":
                assert model is not None
                values = [_decode(value) for value in json.loads(payload)]
                pending.append(model(**{f.attname: v for f, v in zip(fields, values, strict=True)}))
                rows[model._meta.label] += 1
                if len(pending) >= 1000:
                    flush_rows()
            elif kind == b"F":
                if file_handle is not None:
                    file_handle.close()
                target = root / json.loads(payload)["path"]
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                file_handle = target.open("xb")
                files += 1
            elif kind == b"D":
                assert file_handle is not None
                file_handle.write(payload)
            elif kind == b"K":
                if file_handle is not None:
                    file_handle.close()
                    file_handle = None
                if not signing_key_path().exists():
                    write_private_file(signing_key_path(), payload)
        flush_rows()
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(statement)
    return RestoreSummary(rows, files)
