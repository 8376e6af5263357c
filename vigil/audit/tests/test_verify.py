"""`verify_log`: every way an insider can tamper with the log is named at the right index."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.audit.entry_codec import AuditRecord, details_digest_of, encode_entry
from vigil.audit.merkle import consistency_proof, leaf_hash, root_from_leaf_hashes
from vigil.audit.signing import TreeHead, generate_signing_key, sign_tree_head
from vigil.audit.verify import (
    Checkpoint,
    StoredEntry,
    build_checkpoint,
    check_consistency,
    load_head_file,
    verify_log,
)

AUDIT_KEY = generate_signing_key()
PUBLIC_KEY = AUDIT_KEY.public_key()
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def record(index: int, action: str = "person.read") -> AuditRecord:
    return AuditRecord(
        index=index,
        time=START + timedelta(seconds=index),
        actor_id=3,
        action=action,
        object_type="person",
        object_id=str(100 + index),
        fields=("name", "phone"),
        session_ref="s1",
        details_digest=details_digest_of(f"sealed {index}".encode()),
    )


def stored(rec: AuditRecord) -> StoredEntry:
    encoded = encode_entry(rec)
    return StoredEntry(index=rec.index, encoded=encoded, stored_leaf_hash=leaf_hash(encoded))


def build_log(size: int) -> list[StoredEntry]:
    return [stored(record(index)) for index in range(size)]


def head_of(log: list[StoredEntry], size: int | None = None, at_ms: int = 0) -> TreeHead:
    covered = log[: len(log) if size is None else size]
    root = root_from_leaf_hashes(entry.stored_leaf_hash for entry in covered)
    return sign_tree_head(AUDIT_KEY, len(covered), root, 1_740_000_000_000 + at_ms)


def edited(entry: StoredEntry) -> StoredEntry:
    """Content changed in the database, leaf hash left alone."""
    forged = encode_entry(dataclasses.replace(record(entry.index), action="person.list"))
    return dataclasses.replace(entry, encoded=forged)


def rewritten(entry: StoredEntry) -> StoredEntry:
    """Content changed and the leaf hash recomputed to match it."""
    return stored(dataclasses.replace(record(entry.index), action="person.list"))


def test_an_untouched_log_verifies_against_its_head() -> None:
    log = build_log(10)
    report = verify_log(log, head_of(log), PUBLIC_KEY)
    assert report.ok
    assert (report.entries_checked, report.tree_size) == (10, 10)
    assert report.root_hash == head_of(log).root_hash
    assert report.first_bad_index is None
    assert "verifies: 10 entries" in report.summary()
    assert "1 signed tree head" in report.summary()


def test_entries_appended_after_the_head_still_verify() -> None:
    log = build_log(10)
    report = verify_log(log, head_of(log, 6), PUBLIC_KEY)
    assert report.ok
    assert report.tree_size == 10


def test_without_a_head_only_internal_consistency_is_claimed() -> None:
    report = verify_log(build_log(3))
    assert report.ok
    assert "no signed tree head" in report.summary()


def test_an_edited_entry_is_named() -> None:
    log = build_log(10)
    head = head_of(log)
    log[5] = edited(log[5])
    report = verify_log(log, head, PUBLIC_KEY)
    assert not report.ok
    assert report.first_bad_index == 5
    assert "entry 5 was edited" in report.problem  # type: ignore[operator]
    assert report.summary().startswith("The audit log fails verification at index 5")
    assert report.tree_size == 5


def test_a_deleted_entry_is_named() -> None:
    log = build_log(10)
    head = head_of(log)
    del log[5]
    report = verify_log(log, head, PUBLIC_KEY)
    assert report.first_bad_index == 5
    assert "entry 5 is missing (deleted)" in report.problem  # type: ignore[operator]


def test_a_reordered_entry_is_named() -> None:
    log = build_log(10)
    head = head_of(log)
    log[5], log[6] = log[6], log[5]
    report = verify_log(log, head, PUBLIC_KEY)
    assert report.first_bad_index == 5
    assert "entry 5 is out of order" in report.problem  # type: ignore[operator]


def test_a_truncated_log_names_the_first_missing_index() -> None:
    log = build_log(10)
    report = verify_log(log[:7], head_of(log), PUBLIC_KEY)
    assert report.first_bad_index == 7
    assert "truncated" in report.problem  # type: ignore[operator]
    assert report.ok is False


def test_deleting_the_newest_entry_is_a_truncation() -> None:
    log = build_log(10)
    report = verify_log(log[:-1], head_of(log), PUBLIC_KEY)
    assert report.first_bad_index == 9


def test_a_duplicated_entry_is_named_where_it_was_inserted() -> None:
    log = build_log(10)
    head = head_of(log)
    log.insert(4, log[3])
    report = verify_log(log, head, PUBLIC_KEY)
    assert report.first_bad_index == 4
    assert "second entry with index 3" in report.problem  # type: ignore[operator]


def test_content_moved_to_another_row_is_named() -> None:
    log = build_log(10)
    head = head_of(log)
    log[5] = dataclasses.replace(log[6], index=5)
    report = verify_log(log, head, PUBLIC_KEY)
    assert report.first_bad_index == 5
    assert "holds the content of entry 6" in report.problem  # type: ignore[operator]


def test_a_rewrite_with_a_recomputed_hash_is_caught_by_the_head_alone() -> None:
    log = build_log(10)
    head = head_of(log)
    log[5] = rewritten(log[5])
    report = verify_log(log, head, PUBLIC_KEY)
    assert not report.ok
    assert report.first_bad_index is None
    assert report.bad_range == (0, 10)
    assert "rewritten and its leaf hash recomputed" in report.problem  # type: ignore[operator]
    assert "matches its stored leaf hash" in report.problem  # type: ignore[operator]


def test_several_saved_heads_narrow_a_rewrite_down() -> None:
    log = build_log(10)
    heads = [head_of(log, 4), head_of(log, 6, at_ms=1), head_of(log, at_ms=2)]
    log[5] = rewritten(log[5])
    report = verify_log(log, public_key=PUBLIC_KEY, heads=heads)
    assert report.bad_range == (4, 6)
    assert "an entry in 4..5" in report.problem  # type: ignore[operator]


def test_a_checkpoint_names_the_exact_rewritten_index() -> None:
    log = build_log(10)
    head = head_of(log)
    checkpoint = build_checkpoint(head, (entry.stored_leaf_hash for entry in log))
    log[5] = rewritten(log[5])
    report = verify_log(log, public_key=PUBLIC_KEY, checkpoint=checkpoint)
    assert report.first_bad_index == 5
    assert "entry 5 differs from the exported checkpoint" in report.problem  # type: ignore[operator]


def test_a_coarser_checkpoint_names_the_tile_holding_the_rewrite() -> None:
    log = build_log(10)
    checkpoint = build_checkpoint(head_of(log), (e.stored_leaf_hash for e in log), 2)
    assert len(checkpoint.tile_roots) == 3
    log[9] = rewritten(log[9])
    report = verify_log(log, public_key=PUBLIC_KEY, checkpoint=checkpoint)
    assert report.bad_range == (8, 10)
    log = build_log(10)
    log[5] = rewritten(log[5])
    report = verify_log(log, public_key=PUBLIC_KEY, checkpoint=checkpoint)
    assert report.bad_range == (4, 8)


TAMPERINGS = ["edit", "delete", "swap", "truncate", "rewrite", "duplicate"]


@settings(max_examples=120, deadline=None)
@given(
    size=st.integers(min_value=2, max_value=70),
    tampering=st.sampled_from(TAMPERINGS),
    data=st.data(),
)
def test_any_single_tampering_is_named_at_its_index(size: int, tampering: str, data: st.DataObject) -> None:
    log = build_log(size)
    head = head_of(log)
    checkpoint = build_checkpoint(head, (entry.stored_leaf_hash for entry in log))
    victim = data.draw(st.integers(min_value=0, max_value=size - 2))
    expected = victim
    if tampering == "edit":
        log[victim] = edited(log[victim])
    elif tampering == "delete":
        del log[victim]
    elif tampering == "swap":
        log[victim], log[victim + 1] = log[victim + 1], log[victim]
    elif tampering == "truncate":
        del log[victim:]
    elif tampering == "rewrite":
        log[victim] = rewritten(log[victim])
    else:
        log.insert(victim + 1, log[victim])
        expected = victim + 1
    report = verify_log(log, public_key=PUBLIC_KEY, checkpoint=checkpoint)
    assert not report.ok
    assert report.first_bad_index == expected, report.problem


def test_a_head_with_a_tampered_signature_is_reported() -> None:
    log = build_log(4)
    head = dataclasses.replace(head_of(log), tree_size=3)
    report = verify_log(log, head, PUBLIC_KEY)
    assert not report.ok
    assert "not validly signed" in report.problem  # type: ignore[operator]


def test_a_head_signed_by_another_instance_is_reported() -> None:
    log = build_log(4)
    root = root_from_leaf_hashes(entry.stored_leaf_hash for entry in log)
    foreign = sign_tree_head(generate_signing_key(), 4, root, 0)
    report = verify_log(log, foreign, PUBLIC_KEY)
    assert "another instance" in report.problem  # type: ignore[operator]


def test_two_signed_heads_that_disagree_reveal_a_fork() -> None:
    log = build_log(4)
    other = [*log[:2], rewritten(log[2]), log[3]]
    report = verify_log(log, public_key=PUBLIC_KEY, heads=[head_of(log), head_of(other)])
    assert "forked" in report.problem  # type: ignore[operator]


def test_heads_cannot_be_checked_without_the_public_key() -> None:
    log = build_log(2)
    with pytest.raises(ValueError, match="public key"):
        verify_log(log, head_of(log))


def test_verification_reads_the_entries_in_one_pass() -> None:
    log = build_log(50)

    def one_pass() -> Iterator[StoredEntry]:
        yield from log

    assert verify_log(one_pass(), head_of(log), PUBLIC_KEY).ok


def test_a_checkpoint_file_round_trips_and_is_bound_to_its_head() -> None:
    log = build_log(9)
    head = head_of(log)
    checkpoint = build_checkpoint(head, (entry.stored_leaf_hash for entry in log), 1)
    assert load_head_file(checkpoint.to_json()) == (head, checkpoint)
    assert Checkpoint.from_json(checkpoint.to_json()) == checkpoint
    assert load_head_file(head.to_json()) == (head, None)
    forged_tiles = (leaf_hash(b"forged"), *checkpoint.tile_roots[1:])
    with pytest.raises(ValueError, match="do not rebuild"):
        Checkpoint(head=head, tile_height=1, tile_roots=forged_tiles)
    with pytest.raises(ValueError, match="needs 5 tile roots"):
        Checkpoint(head=head, tile_height=1, tile_roots=checkpoint.tile_roots[:4])


def test_a_malformed_checkpoint_file_is_refused_with_a_clear_message() -> None:
    log = build_log(3)
    text = build_checkpoint(head_of(log), (e.stored_leaf_hash for e in log)).to_json()
    with pytest.raises(ValueError, match="not valid base64"):
        load_head_file(text.replace('"tile_roots": "', '"tile_roots": "!'))
    newer_format = json.loads(text) | {"version": 9}
    with pytest.raises(ValueError, match="unsupported checkpoint version"):
        load_head_file(json.dumps(newer_format))
    lacking_head = {k: v for k, v in json.loads(text).items() if k != "tree_head"}
    with pytest.raises(ValueError, match="exactly the fields"):
        load_head_file(json.dumps(lacking_head))


def test_consistency_between_two_heads_verifies() -> None:
    log = build_log(13)
    hashes = [entry.stored_leaf_hash for entry in log]
    old, new = head_of(log, 6), head_of(log, at_ms=1)
    check = check_consistency(old, new, consistency_proof(hashes, 6), PUBLIC_KEY)
    assert check.ok
    assert "extends the older one" in check.summary()


def test_a_rewritten_history_is_inconsistent_with_the_older_head() -> None:
    log = build_log(13)
    old = head_of(log, 6)
    log[2] = rewritten(log[2])
    new = head_of(log, at_ms=1)
    proof = consistency_proof([entry.stored_leaf_hash for entry in log], 6)
    check = check_consistency(old, new, proof, PUBLIC_KEY)
    assert not check.ok
    assert "history was rewritten" in check.summary()


def test_a_newer_head_that_shrank_or_is_unsigned_is_inconsistent() -> None:
    log = build_log(8)
    old, new = head_of(log, 8), head_of(log, 5, at_ms=1)
    assert "truncated" in check_consistency(old, new, [], PUBLIC_KEY).summary()
    unsigned = dataclasses.replace(new, signature=bytes(64))
    assert "not validly signed" in check_consistency(new, unsigned, [], PUBLIC_KEY).summary()


def test_the_verified_root_can_be_signed_as_the_next_head() -> None:
    log = build_log(5)
    first = head_of(log, 3)
    report = verify_log(log, first, PUBLIC_KEY)
    following = sign_tree_head(AUDIT_KEY, report.tree_size, report.root_hash, 1)
    proof = consistency_proof([entry.stored_leaf_hash for entry in log], 3)
    assert check_consistency(first, following, proof, PUBLIC_KEY).ok
