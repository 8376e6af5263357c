"""Signed tree heads: the audit log's commitment that leaves the server.

Threat: whoever controls the server or its database can rebuild the whole audit log,
Merkle tree included. What they cannot do is produce a tree head signed with the audit
key for a history the operator never saw. A tree head (size, root, time) signed with an
Ed25519 key used for nothing else, and exported off the server, pins history up to that
size.

Invariants kept:
- the signed bytes are fixed-width, domain-separated and versioned, so a signature over
  a tree head cannot be read as a signature over anything else, and no two heads share
  signed bytes: ``b"vigil/audit/tree-head/v1\\x00" || tree_size (u64 BE) || timestamp_ms
  (u64 BE) || root_hash (32 bytes)``;
- ``key_id`` is the SHA-256 of the raw public key, in hex: it tells an operator which
  instance signed a head, and a head verifies only under the key it names;
- parsing a head file never trusts its contents: any missing, extra or malformed field
  is a ValueError naming what is wrong, and the signature is checked separately by
  ``verify_tree_head``.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from vigil.audit.merkle import HASH_SIZE

HEAD_FILE_FORMAT = "vigil-audit-tree-head"
HEAD_FILE_VERSION = 1
SIGNATURE_SIZE = 64
MAX_UINT64 = 2**64 - 1

_SIGNING_CONTEXT = b"vigil/audit/tree-head/v1\x00"
_SIGNED_NUMBERS = struct.Struct(">QQ")
_KEY_ID = re.compile(r"[0-9a-f]{64}")
_HEAD_KEYS = frozenset(
    {
        "format",
        "version",
        "key_id",
        "tree_size",
        "timestamp_ms",
        "root_hash",
        "signature",
    }
)


def _is_uint64(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_UINT64


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed statement: "the audit log had ``tree_size`` entries with root
    ``root_hash`` at this time".
    """

    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    key_id: str
    signature: bytes

    def __post_init__(self) -> None:
        if not _is_uint64(self.tree_size):
            raise ValueError("tree_size must be an integer between 0 and 2**64 - 1")
        if not _is_uint64(self.timestamp_ms):
            raise ValueError("timestamp_ms must be an integer between 0 and 2**64 - 1")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise ValueError(f"root_hash must be {HASH_SIZE} bytes")
        if not isinstance(self.key_id, str) or not _KEY_ID.fullmatch(self.key_id):
            raise ValueError("key_id must be 64 lower-case hex digits (a key fingerprint)")
        if not isinstance(self.signature, bytes) or len(self.signature) != SIGNATURE_SIZE:
            raise ValueError(f"signature must be {SIGNATURE_SIZE} bytes")

    def signed_bytes(self) -> bytes:
        return tree_head_signed_bytes(self.tree_size, self.root_hash, self.timestamp_ms)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": HEAD_FILE_FORMAT,
            "version": HEAD_FILE_VERSION,
            "key_id": self.key_id,
            "tree_size": self.tree_size,
            "timestamp_ms": self.timestamp_ms,
            "root_hash": self.root_hash.hex(),
            "signature": self.signature.hex(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: object) -> TreeHead:
        if not isinstance(data, dict):
            raise ValueError("a tree head must be a JSON object")
        if data.get("format") != HEAD_FILE_FORMAT:
            raise ValueError(f"this is not a tree head file: its format is not {HEAD_FILE_FORMAT!r}")
        if data.get("version") != HEAD_FILE_VERSION:
            raise ValueError(f"unsupported tree head version {data.get('version')!r}")
        missing = sorted(_HEAD_KEYS - set(data))
        unexpected = sorted(set(data) - _HEAD_KEYS)
        if missing:
            raise ValueError(f"the tree head lacks {', '.join(missing)}")
        if unexpected:
            raise ValueError(f"the tree head has unexpected fields: {', '.join(unexpected)}")
        for name in ("tree_size", "timestamp_ms"):
            if not _is_uint64(data[name]):
                raise ValueError(f"the tree head's {name} is not a non-negative 64-bit integer")
        return cls(
            tree_size=data["tree_size"],
            root_hash=_hex_field(data, "root_hash", HASH_SIZE),
            timestamp_ms=data["timestamp_ms"],
            key_id=_key_id_field(data),
            signature=_hex_field(data, "signature", SIGNATURE_SIZE),
        )

    @classmethod
    def from_json(cls, text: str) -> TreeHead:
        return cls.from_dict(parse_strict_json(text))


def _key_id_field(data: dict[str, Any]) -> str:
    value = data["key_id"]
    if not isinstance(value, str) or not _KEY_ID.fullmatch(value):
        raise ValueError("the tree head's key_id is not 64 lower-case hex digits")
    return value


def _hex_field(data: dict[str, Any], name: str, size: int) -> bytes:
    value = data[name]
    if not isinstance(value, str) or len(value) != 2 * size or not re.fullmatch(r"[0-9a-f]*", value):
        raise ValueError(f"the tree head's {name} is not {size} bytes of lower-case hex")
    return bytes.fromhex(value)


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice")
        result[key] = value
    return result


def parse_strict_json(text: str) -> Any:
    """json.loads that rejects duplicate keys and reports failures as ValueError."""
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except RecursionError as error:
        raise ValueError("the file is nested too deeply to be a tree head") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"the file is not valid JSON: {error}") from error


def tree_head_signed_bytes(tree_size: int, root_hash: bytes, timestamp_ms: int) -> bytes:
    """The exact bytes the audit key signs for a tree head."""
    return _SIGNING_CONTEXT + _SIGNED_NUMBERS.pack(tree_size, timestamp_ms) + root_hash


def generate_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(private_key: Ed25519PrivateKey, passphrase: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted with ``passphrase`` when one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def private_key_from_pem(pem: bytes, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=passphrase)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the audit signing key must be an Ed25519 key")
    return key


def public_key_to_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the audit verification key must be an Ed25519 key")
    return key


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, in lower-case hex."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign_tree_head(private_key: Ed25519PrivateKey, tree_size: int, root_hash: bytes, timestamp_ms: int) -> TreeHead:
    if not _is_uint64(tree_size) or not _is_uint64(timestamp_ms):
        raise ValueError("tree_size and timestamp_ms must be integers between 0 and 2**64 - 1")
    if len(root_hash) != HASH_SIZE:
        raise ValueError(f"root_hash must be {HASH_SIZE} bytes")
    signature = private_key.sign(tree_head_signed_bytes(tree_size, root_hash, timestamp_ms))
    return TreeHead(
        tree_size=tree_size,
        root_hash=root_hash,
        timestamp_ms=timestamp_ms,
        key_id=key_fingerprint(private_key.public_key()),
        signature=signature,
    )


def verify_tree_head(public_key: Ed25519PublicKey, head: TreeHead) -> bool:
    """True only if ``head`` names this key and its signature over size, time and root
    is valid.
    """
    if head.key_id != key_fingerprint(public_key):
        return False
    try:
        public_key.verify(head.signature, head.signed_bytes())
    except InvalidSignature:
        return False
    return True
