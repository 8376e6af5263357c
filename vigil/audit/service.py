"""Tree heads and verification for the stored audit log.

The audit signing key is an Ed25519 key of its own, never a data key: heads it signs are exported off the server
(`vigil audit head`) and later prove what the log held. It sits in the data directory with mode 0600; an insider who
steals it can sign new heads, but cannot make heads already exported match a rewritten history.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from vigil.audit.actions import record_event, record_from_row
from vigil.audit.details import DetailsUnreadableError, open_details
from vigil.audit.details_keys import current_private_key
from vigil.audit.entry_codec import encode_entry
from vigil.audit.merkle import root_from_leaf_hashes
from vigil.audit.models import AuditEntry
from vigil.audit.models import TreeHead as StoredTreeHead
from vigil.audit.signing import (
    TreeHead,
    generate_signing_key,
    private_key_from_pem,
    private_key_to_pem,
    sign_tree_head,
)
from vigil.audit.verify import Checkpoint, StoredEntry, VerificationReport, build_checkpoint, load_head_file, verify_log

SIGNING_KEY_NAME = "audit_signing_key.pem"


class AuditKeyError(Exception):
    """The audit signing key is missing or unusable, or the log does not verify, so no head can be signed."""


def signing_key_path() -> Path:
    return Path(settings.DATA_DIR) / SIGNING_KEY_NAME


def create_signing_key() -> None:
    from vigil.core.instance import write_private_file

    write_private_file(signing_key_path(), private_key_to_pem(generate_signing_key()))


def load_signing_key() -> Ed25519PrivateKey:
    try:
        return private_key_from_pem(signing_key_path().read_bytes())
    except FileNotFoundError:
        raise AuditKeyError(f"the audit signing key {signing_key_path()} is missing.") from None


def public_key() -> Ed25519PublicKey:
    return load_signing_key().public_key()


def stored_entries() -> Iterator[StoredEntry]:
    """Rows in storage order (primary key), re-encoded from their columns so that any edit changes the leaf."""
    for row in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        try:
            encoded = encode_entry(record_from_row(row))
        except (ValueError, TypeError):
            encoded = b"unreadable entry"
        yield StoredEntry(index=row.index, encoded=encoded, stored_leaf_hash=bytes(row.leaf_hash))


def _leaf_hashes_in_index_order() -> Iterator[bytes]:
    for leaf in AuditEntry.objects.order_by("index").values_list("leaf_hash", flat=True).iterator(chunk_size=5000):
        yield bytes(leaf)


@dataclass(frozen=True)
class IssuedHead:
    head: TreeHead
    checkpoint: Checkpoint


def issue_tree_head(tile_height: int = 0) -> IssuedHead:
    """Verify the log, then sign a head over all of it; refuses to sign over a log that does not verify."""
    report = verify_stored_log()
    if not report.ok:
        raise AuditKeyError(f"the audit log does not verify, so no head was signed: {report.summary()}")
    head = sign_tree_head(load_signing_key(), report.tree_size, report.root_hash, int(time.time() * 1000))
    checkpoint = build_checkpoint(head, _leaf_hashes_in_index_order(), tile_height)
    StoredTreeHead.objects.create(
        tree_size=head.tree_size, root_hash=head.root_hash, timestamp_ms=head.timestamp_ms, signed_json=head.to_json()
    )
    return IssuedHead(head=head, checkpoint=checkpoint)


def _heads_issued_here() -> list[TreeHead]:
    return [TreeHead.from_json(text) for text in StoredTreeHead.objects.values_list("signed_json", flat=True)]


def verify_stored_log(against: str | None = None) -> VerificationReport:
    """Check every entry and the tree; with `against` (an exported head or checkpoint file's text), check it too."""
    head: TreeHead | None = None
    checkpoint: Checkpoint | None = None
    if against is not None:
        head, checkpoint = load_head_file(against)
    return verify_log(
        stored_entries(),
        head=None if checkpoint else head,
        public_key=public_key(),
        heads=_heads_issued_here(),
        checkpoint=checkpoint,
    )


def current_root() -> tuple[int, bytes]:
    hashes = list(_leaf_hashes_in_index_order())
    return len(hashes), root_from_leaf_hashes(hashes)


def readable_entries(vault_key: bytes, last: int) -> Iterator[str]:
    """The newest `last` entries as lines, oldest first, with their details opened (an audited read itself)."""
    private_key = current_private_key(vault_key)
    newest = list(AuditEntry.objects.order_by("-index")[:last])
    record_event(actor_id=None, action="audit.read_details", object_type="audit", fields=["details"])
    for entry in reversed(newest):
        try:
            details = json.dumps(open_details(bytes(entry.details), entry.index, private_key), ensure_ascii=False)
        except DetailsUnreadableError as error:
            details = f"({error})"
        yield (
            f"#{entry.index} {entry.time.isoformat()} actor={entry.actor_id} {entry.action} "
            f"{entry.object_type}:{entry.object_id} fields={','.join(entry.fields)} {details}"
        )
