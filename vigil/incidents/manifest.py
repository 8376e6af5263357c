"""Signed evidence manifests (SECURITY-CRITERIA 21, 22): proof that a file is unchanged since Vigil received it.

Threat: in court, a defence lawyer asks whether a photo or recording was altered after it reached the defenders.
Invariant: at receipt Vigil signs a manifest (file SHA-256, size, media type, time received, who added it, the
incident it supports) with the instance's Ed25519 *evidence* key. Anyone holding only the public key
(`vigil evidence public-key`) can check a file against its manifest offline (`vigil evidence verify`), and any
change to the file or to any manifest field fails the check. The manifest is canonical JSON (sorted keys, no
spaces, UTF-8), so the signed bytes are the same wherever the manifest is re-serialised.

The evidence key is not the audit key: the audit key signs tree heads of who-did-what, this one vouches for files;
losing or rotating one must not touch the other. It lives in the data directory as `evidence_signing_key.pem`
(mode 0600), created on first use. The vault's sealed keys are not used for it, so manifests can still be checked
and signed-manifest exports produced without touching sealed data; a stolen key lets a thief sign new manifests,
never make an existing signature match an altered file.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFEST_FORMAT = "vigil-evidence-manifest/1"
KEY_NAME = "evidence_signing_key.pem"
MANIFEST_FIELDS = (
    "format",
    "evidence_id",
    "sha256",
    "size",
    "media_type",
    "received_at",
    "added_by",
    "incident",
    "key_id",
)


class ManifestError(Exception):
    """The manifest, its signature or the file does not check out; the message says which and why."""


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise ManifestError("the public key file is not a PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ManifestError("the public key is not an Ed25519 key.")
    return key


def sign_manifest(private_key: Ed25519PrivateKey, fields: dict[str, Any]) -> dict[str, Any]:
    """A signed manifest document: {"manifest": {...}, "signature": base64}."""
    manifest = {**fields, "format": MANIFEST_FORMAT, "key_id": key_id(private_key.public_key())}
    missing = [name for name in MANIFEST_FIELDS if name not in manifest]
    if missing:
        raise ValueError(f"manifest fields missing: {', '.join(missing)}")
    signature = private_key.sign(canonical_json(manifest))
    return {"manifest": manifest, "signature": base64.b64encode(signature).decode("ascii")}


@dataclass(frozen=True)
class Verified:
    sha256: str
    size: int


def read_document(text: bytes) -> dict[str, Any]:
    try:
        document = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ManifestError("the manifest is not JSON.") from None
    if not isinstance(document, dict) or not isinstance(document.get("manifest"), dict):
        raise ManifestError("the manifest has no 'manifest' object.")
    if not isinstance(document.get("signature"), str):
        raise ManifestError("the manifest has no signature.")
    return document


def verify_signature(document: dict[str, Any], public_key: Ed25519PublicKey) -> dict[str, Any]:
    manifest = document["manifest"]
    if manifest.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f"the manifest is not in the format {MANIFEST_FORMAT}.")
    try:
        signature = base64.b64decode(document["signature"], validate=True)
        public_key.verify(signature, canonical_json(manifest))
    except (InvalidSignature, ValueError):
        raise ManifestError(
            "the signature does not match: the manifest was altered or signed by another key."
        ) from None
    return dict(manifest)


def verify_file(chunks: Iterable[bytes], document: dict[str, Any], public_key: Ed25519PublicKey) -> Verified:
    """Check the signature, then re-hash the file; raises ManifestError naming the first mismatch."""
    manifest = verify_signature(document, public_key)
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    if size != manifest.get("size"):
        raise ManifestError(f"the file has {size} bytes, the manifest says {manifest.get('size')}.")
    if digest.hexdigest() != manifest.get("sha256"):
        raise ManifestError("the file's SHA-256 differs from the manifest: the file was changed.")
    return Verified(sha256=digest.hexdigest(), size=size)


def file_chunks(path: Path, chunk_size: int = 1 << 20) -> Iterable[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def signing_key_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / KEY_NAME


def load_signing_key() -> Ed25519PrivateKey:
    """This instance's evidence key; ManifestError if it has none (verifying must never create a key)."""
    path = signing_key_path()
    if not path.exists():
        raise ManifestError(f"this instance has no evidence key ({path}); pass the signer's key with --public-key.")
    return load_or_create_signing_key()


def load_or_create_signing_key() -> Ed25519PrivateKey:
    from vigil.core.instance import write_private_file

    path = signing_key_path()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Another process may have created it first; then theirs is used.
        with contextlib.suppress(FileExistsError):
            write_private_file(path, pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ManifestError(f"{path} does not hold an Ed25519 key.")
    return loaded
