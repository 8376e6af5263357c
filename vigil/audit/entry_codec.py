"""The one canonical byte form of an audit entry: what the Merkle tree commits to.

Threat: an insider edits a column of an audit row (who, when, what, which object) or
moves a row to another position, and the verifier accepts it because two different
records happen to serialise alike, or one record serialises in two ways. The encoding is
therefore injective and deterministic:

    version byte 0x01 || index (8 bytes, big-endian) || canonical JSON of the rest

where the JSON has sorted keys, no spaces, ASCII only, the time as ISO-8601 UTC with
microseconds and a ``Z``, the field names sorted, and the details digest in lower-case
hex. The index sits in a fixed-width header, so a verifier can check an entry's position
without parsing it, and an entry moved to another index no longer matches its leaf. The
sealed details blob is covered through its SHA-256 digest only: the tree commits to it
without the log ever holding "who looked at whom" in plaintext. ``decode_entry`` accepts
only bytes that ``encode_entry`` would produce.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

ENTRY_FORMAT_VERSION = 1
DIGEST_SIZE = 32
MAX_INDEX = 2**63 - 1

_HEADER = struct.Struct(">BQ")
_JSON_KEYS = frozenset(
    {
        "actor_id",
        "action",
        "details_digest",
        "fields",
        "object_id",
        "object_type",
        "session_ref",
        "time",
    }
)


def details_digest_of(details_blob: bytes) -> bytes:
    """The digest an entry carries for its (sealed) details blob."""
    return hashlib.sha256(details_blob).digest()


def _require_text(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"{name} is not valid Unicode text") from error


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit entry as the tree sees it. ``fields`` is kept sorted so equal records
    compare equal.
    """

    index: int
    time: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    fields: tuple[str, ...]
    session_ref: str
    details_digest: bytes

    def __post_init__(self) -> None:
        if isinstance(self.index, bool) or not isinstance(self.index, int):
            raise TypeError("index must be an int")
        if not 0 <= self.index <= MAX_INDEX:
            raise ValueError(f"index must lie between 0 and {MAX_INDEX}")
        if not isinstance(self.time, datetime):
            raise TypeError("time must be a datetime")
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise ValueError("time must be timezone-aware (UTC); a naive datetime is ambiguous")
        if self.actor_id is not None and (isinstance(self.actor_id, bool) or not isinstance(self.actor_id, int)):
            raise TypeError("actor_id must be an int or None")
        for name in ("action", "object_type", "object_id", "session_ref"):
            _require_text(name, getattr(self, name))
        if not self.action:
            raise ValueError("action must not be empty")
        if isinstance(self.fields, str):
            raise TypeError("fields must be a sequence of field names, not one str")
        for field_name in self.fields:
            _require_text("each field name", field_name)
        sorted_fields = tuple(sorted(self.fields))
        if len(set(sorted_fields)) != len(sorted_fields):
            raise ValueError("fields must not name the same field twice")
        object.__setattr__(self, "fields", sorted_fields)
        if not isinstance(self.details_digest, bytes) or len(self.details_digest) != DIGEST_SIZE:
            raise ValueError(f"details_digest must be {DIGEST_SIZE} bytes (the SHA-256 of the details blob)")


def _utc_text(moment: datetime) -> str:
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("time is out of range once converted to UTC") from error
    return in_utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def encode_entry(record: AuditRecord) -> bytes:
    """The canonical, versioned bytes whose leaf hash goes into the tree."""
    body = {
        "actor_id": record.actor_id,
        "action": record.action,
        "details_digest": record.details_digest.hex(),
        "fields": list(record.fields),
        "object_id": record.object_id,
        "object_type": record.object_type,
        "session_ref": record.session_ref,
        "time": _utc_text(record.time),
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return _HEADER.pack(ENTRY_FORMAT_VERSION, record.index) + text.encode("ascii")


def encoded_index(encoded: bytes) -> int:
    """The index an encoded entry carries, read from its header without parsing the
    rest.
    """
    if len(encoded) < _HEADER.size:
        raise ValueError("an encoded audit entry is shorter than its header")
    version, index = _HEADER.unpack_from(encoded)
    if version != ENTRY_FORMAT_VERSION:
        raise ValueError(f"unknown audit entry format version {version}")
    return int(index)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def decode_entry(encoded: bytes) -> AuditRecord:
    """Parse bytes made by ``encode_entry``; anything else, including a non-canonical
    variant, is a ValueError.
    """
    index = encoded_index(encoded)
    try:
        body: Any = json.loads(encoded[_HEADER.size :].decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("the body of an encoded audit entry is not ASCII JSON") from error
    _expect(
        isinstance(body, dict) and set(body) == _JSON_KEYS,
        "an encoded audit entry has the wrong keys",
    )
    time_text = body["time"]
    _expect(
        isinstance(time_text, str) and time_text.endswith("Z"),
        "an entry's time is not UTC text",
    )
    fields = body["fields"]
    _expect(isinstance(fields, list), "an entry's fields are not a list")
    digest_text = body["details_digest"]
    _expect(isinstance(digest_text, str), "an entry's details digest is not text")
    try:
        record = AuditRecord(
            index=index,
            time=datetime.fromisoformat(time_text[:-1]).replace(tzinfo=UTC),
            actor_id=body["actor_id"],
            action=body["action"],
            object_type=body["object_type"],
            object_id=body["object_id"],
            fields=tuple(fields),
            session_ref=body["session_ref"],
            details_digest=bytes.fromhex(digest_text),
        )
    except TypeError as error:
        raise ValueError(f"an encoded audit entry has a field of the wrong type: {error}") from error
    _expect(
        encode_entry(record) == encoded,
        "an encoded audit entry is not in canonical form",
    )
    return record
