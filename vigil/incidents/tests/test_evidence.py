"""Evidence: SHA-256 at receipt, size limit, signed manifest that `vigil evidence verify` checks offline."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from vigil.accounts.models import Team, User
from vigil.incidents.actions import UploadTooLarge, do_add_evidence, manifest_document
from vigil.incidents.models import Evidence
from vigil.incidents.tests.helpers import make_incident
from vigil.vault.aead import Keyring
from vigil.vault.filestore import EncryptedFileStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(tmp_path: Path) -> EncryptedFileStore:
    return EncryptedFileStore(tmp_path / "store", Keyring.generate(), b"k" * 32, durable=False)


def add(actor: User, team: Team, store: Any, data: bytes) -> Evidence:
    incident = make_incident(actor, team)
    return do_add_evidence(  # type: ignore[no-any-return]
        actor=actor, incident=incident, stream=io.BytesIO(data), media_type="image/jpeg", store=store
    )


def test_the_recorded_hash_is_that_of_the_bytes_received(caseworker: User, team: Team, store: Any) -> None:
    data = b"\xff\xd8 photo of a protocol " * 1000
    evidence = add(caseworker, team, store, data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest() and evidence.size == len(data)
    manifest = json.loads(evidence.manifest)
    assert manifest["added_by"] == "caseworker" and manifest["incident"] == str(evidence.incident.uid)
    assert store.info(evidence.store_address).sha256_hex == evidence.sha256


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_limit_is_refused_and_nothing_is_recorded(caseworker: User, team: Team, store: Any) -> None:
    with pytest.raises(UploadTooLarge):
        add(caseworker, team, store, b"x" * 2048)
    assert Evidence.objects.count() == 0
    assert list(store.iter_addresses()) == []


def test_verify_accepts_the_file_and_catches_a_one_bit_change_or_an_edited_manifest(
    caseworker: User, team: Team, store: Any, tmp_path: Path
) -> None:
    data = b"recording of a phone call" * 100
    evidence = add(caseworker, team, store, data)
    file_path, manifest_path, key_path = tmp_path / "f.bin", tmp_path / "m.json", tmp_path / "key.pem"
    file_path.write_bytes(data)
    manifest_path.write_text(json.dumps(manifest_document(evidence)))
    call_command("evidence", "public-key", "--output", str(key_path))
    out = io.StringIO()
    call_command("evidence", "verify", str(file_path), str(manifest_path), "--public-key", str(key_path), stdout=out)
    assert "OK" in out.getvalue()
    flipped = bytearray(data)
    flipped[7] ^= 1
    file_path.write_bytes(bytes(flipped))
    with pytest.raises(CommandError, match="changed"):
        call_command("evidence", "verify", str(file_path), str(manifest_path), "--public-key", str(key_path))
    file_path.write_bytes(data)
    document = manifest_document(evidence)
    document["manifest"]["added_by"] = "someone else"
    manifest_path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="signature"):
        call_command("evidence", "verify", str(file_path), str(manifest_path), "--public-key", str(key_path))


def test_the_manifest_survives_export(caseworker: User, team: Team, store: Any) -> None:
    from vigil.incidents.manifest import load_or_create_signing_key, verify_signature
    from vigil.incidents.models import Incident
    from vigil.incidents.transfer import export_json

    evidence = add(caseworker, team, store, b"abc")
    exported = json.loads("".join(export_json(Incident.objects.all())))
    document = exported["incidents"][0]["evidence"][0]
    assert verify_signature(document, load_or_create_signing_key().public_key())["sha256"] == evidence.sha256
