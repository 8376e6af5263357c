"""Appending to the audit log. Every write action and every read of sensitive data calls `record_event`.

Fail-closed (SECURITY-CRITERIA 8): `record_event` raises if the entry cannot be written, and callers record the event
*before* they return data or commit their own change (the entry is written in the caller's transaction), so a request
whose audit entry failed fails as a whole and shows nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from vigil.audit.details import PLAIN_FORMAT, canonical_json, seal_details
from vigil.audit.details_keys import current_public_key
from vigil.audit.entry_codec import AuditRecord, encode_entry
from vigil.audit.merkle import leaf_hash
from vigil.audit.models import AuditEntry, AuditLogState


class AuditWriteError(RuntimeError):
    """The audit entry could not be written, so the action it describes must not happen."""


def session_reference(request: HttpRequest | None) -> str:
    """An opaque, stable tag for the session: lets an investigator group events without exposing the session key."""
    if request is None or not hasattr(request, "session") or not request.session.session_key:
        return ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        request.session.session_key.encode(),
        hashlib.sha256,
    )
    return digest.hexdigest()[:32]


def _encode_details(details: Mapping[str, Any] | None, index: int) -> bytes:
    """Details are sealed to the vault's audit-details key once the instance has a vault (before it, only plain)."""
    if not details:
        return b""
    public_key = current_public_key()
    if public_key is None:
        return bytes([PLAIN_FORMAT]) + canonical_json(details)
    return seal_details(details, index, public_key)


def record_event(
    *,
    actor_id: int | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry to the audit log inside the current transaction and return it."""
    try:
        with transaction.atomic():
            state, _ = AuditLogState.objects.select_for_update().get_or_create(pk=1)
            details_blob = _encode_details(details, state.size)
            record = AuditRecord(
                index=state.size,
                time=timezone.now(),
                actor_id=actor_id,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                fields=tuple(sorted(fields)),
                session_ref=session_reference(request),
                details_digest=hashlib.sha256(details_blob).digest(),
            )
            entry = AuditEntry.objects.create(
                index=record.index,
                time=record.time,
                actor_id=record.actor_id,
                action=record.action,
                object_type=record.object_type,
                object_id=record.object_id,
                fields=list(record.fields),
                session_ref=record.session_ref,
                details=details_blob,
                leaf_hash=leaf_hash(encode_entry(record)),
            )
            state.size += 1
            state.save(update_fields=["size"])
    except Exception as error:
        raise AuditWriteError("The audit log could not be written; the action was not carried out.") from error
    return entry


def record_from_row(entry: AuditEntry) -> AuditRecord:
    """Rebuild the record a stored row claims to be, so verification can recompute its leaf."""
    return AuditRecord(
        index=entry.index,
        time=entry.time,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        fields=tuple(entry.fields),
        session_ref=entry.session_ref,
        details_digest=hashlib.sha256(bytes(entry.details)).digest(),
    )
