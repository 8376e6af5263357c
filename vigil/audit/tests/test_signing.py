"""Signed tree heads: what the operator exports off the server must not be forgeable."""

from __future__ import annotations

import contextlib
import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.audit.merkle import EMPTY_ROOT, leaf_hash
from vigil.audit.signing import (
    TreeHead,
    generate_signing_key,
    key_fingerprint,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_pem,
    public_key_to_pem,
    sign_tree_head,
    tree_head_signed_bytes,
    verify_tree_head,
)

AUDIT_KEY = generate_signing_key()
OTHER_INSTANCE_KEY = generate_signing_key()
ROOT = leaf_hash(b"entry 0")


def signed_head() -> TreeHead:
    return sign_tree_head(AUDIT_KEY, 1, ROOT, 1_740_000_000_000)


def test_a_signed_head_verifies_with_the_audit_key() -> None:
    head = signed_head()
    assert verify_tree_head(AUDIT_KEY.public_key(), head)
    assert head.key_id == key_fingerprint(AUDIT_KEY.public_key())


@pytest.mark.parametrize(
    "tampering",
    [
        {"tree_size": 2},
        {"root_hash": EMPTY_ROOT},
        {"timestamp_ms": 1_740_000_000_001},
        {"signature": bytes(64)},
    ],
)
def test_changing_any_part_of_a_head_breaks_its_signature(
    tampering: dict[str, object],
) -> None:
    forged = dataclasses.replace(signed_head(), **tampering)  # type: ignore[arg-type]
    assert not verify_tree_head(AUDIT_KEY.public_key(), forged)


def test_a_head_from_another_instance_does_not_verify() -> None:
    foreign = sign_tree_head(OTHER_INSTANCE_KEY, 1, ROOT, 1_740_000_000_000)
    assert not verify_tree_head(AUDIT_KEY.public_key(), foreign)
    relabelled = dataclasses.replace(foreign, key_id=signed_head().key_id)
    assert not verify_tree_head(AUDIT_KEY.public_key(), relabelled)


def test_the_signed_bytes_are_fixed_width_and_domain_separated() -> None:
    signed = tree_head_signed_bytes(1, ROOT, 2)
    assert signed.startswith(b"vigil/audit/tree-head/v1\x00")
    assert len(signed) == len(b"vigil/audit/tree-head/v1\x00") + 8 + 8 + 32
    assert tree_head_signed_bytes(1, ROOT, 2) != tree_head_signed_bytes(2, ROOT, 1)


def test_a_head_survives_its_json_file_and_names_its_key() -> None:
    head = signed_head()
    text = head.to_json()
    document = json.loads(text)
    assert document["format"] == "vigil-audit-tree-head"
    assert document["key_id"] == key_fingerprint(AUDIT_KEY.public_key())
    assert document["root_hash"] == ROOT.hex()
    assert TreeHead.from_json(text) == head


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("signature"), "lacks signature"),
        (lambda d: d.update(extra=1), "unexpected fields: extra"),
        (lambda d: d.update(format="something-else"), "not a tree head file"),
        (lambda d: d.update(version=2), "unsupported tree head version"),
        (lambda d: d.update(tree_size=-1), "tree_size"),
        (lambda d: d.update(tree_size=True), "tree_size"),
        (lambda d: d.update(timestamp_ms="now"), "timestamp_ms"),
        (lambda d: d.update(root_hash="00"), "root_hash"),
        (lambda d: d.update(root_hash=ROOT.hex().upper()), "root_hash"),
        (lambda d: d.update(signature="zz" * 64), "signature"),
        (lambda d: d.update(key_id="me"), "key_id"),
    ],
)
def test_a_malformed_head_file_is_refused_with_a_clear_message(edit: object, message: str) -> None:
    document = signed_head().to_dict()
    edit(document)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        TreeHead.from_json(json.dumps(document))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"format": 1, "format": 2}', "appears twice"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_is_not_a_head_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TreeHead.from_json(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parsing_arbitrary_text_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        TreeHead.from_json(text)


def test_keys_survive_pem_and_a_passphrase_protects_the_private_key() -> None:
    public_pem = public_key_to_pem(AUDIT_KEY.public_key())
    assert key_fingerprint(public_key_from_pem(public_pem)) == signed_head().key_id
    plain = private_key_to_pem(AUDIT_KEY)
    assert verify_tree_head(
        AUDIT_KEY.public_key(),
        sign_tree_head(private_key_from_pem(plain), 1, ROOT, 5),
    )
    sealed = private_key_to_pem(AUDIT_KEY, passphrase=b"correct horse")
    assert b"ENCRYPTED" in sealed
    with pytest.raises((TypeError, ValueError)):
        private_key_from_pem(sealed)
    restored = private_key_from_pem(sealed, passphrase=b"correct horse")
    assert key_fingerprint(restored.public_key()) == signed_head().key_id


def test_signing_refuses_a_root_that_is_not_a_hash() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        sign_tree_head(AUDIT_KEY, 1, b"root", 0)
