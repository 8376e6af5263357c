"""The canonical encoding of audit entries: one record, one byte string, and back."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.audit.entry_codec import (
    AuditRecord,
    decode_entry,
    details_digest_of,
    encode_entry,
    encoded_index,
)

MOSCOW = timezone(timedelta(hours=3))


def make_record(**changes: Any) -> AuditRecord:
    values: dict[str, Any] = {
        "index": 7,
        "time": datetime(2025, 3, 1, 9, 30, 0, 120, tzinfo=UTC),
        "actor_id": 42,
        "action": "person.read",
        "object_type": "person",
        "object_id": "1913",
        "fields": ("phone", "name"),
        "session_ref": "5e1f",
        "details_digest": details_digest_of(b""),
    }
    values.update(changes)
    return AuditRecord(**values)


def test_the_encoding_of_a_known_record_never_changes() -> None:
    expected = (
        b"\x01\x00\x00\x00\x00\x00\x00\x00\x07"
        b'{"action":"person.read","actor_id":42,"details_digest":'
        b'"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",'
        b'"fields":["name","phone"],"object_id":"1913","object_type":"person",'
        b'"session_ref":"5e1f","time":"2025-03-01T09:30:00.000120Z"}'
    )
    assert encode_entry(make_record()) == expected


def test_the_index_is_read_from_the_header_without_parsing() -> None:
    assert encoded_index(encode_entry(make_record(index=123_456))) == 123_456


def test_the_same_moment_in_another_zone_encodes_identically() -> None:
    in_moscow = datetime(2025, 3, 1, 12, 30, 0, 120, tzinfo=MOSCOW)
    assert encode_entry(make_record(time=in_moscow)) == encode_entry(make_record())


def test_field_order_does_not_matter_but_is_kept_sorted() -> None:
    record = make_record(fields=("phone", "name"))
    assert record.fields == ("name", "phone")
    assert encode_entry(record) == encode_entry(make_record(fields=("name", "phone")))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_record(time=datetime(2025, 3, 1, 9, 30))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"index": -1}, "index"),
        ({"index": True}, "index"),
        ({"actor_id": "42"}, "actor_id"),
        ({"action": ""}, "action"),
        ({"fields": "name"}, "fields"),
        ({"fields": ("name", "name")}, "twice"),
        ({"details_digest": b"short"}, "details_digest"),
        ({"object_id": "\ud800"}, "Unicode"),
    ],
)
def test_malformed_records_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make_record(**changes)


def test_changing_any_single_field_changes_the_encoding() -> None:
    original = encode_entry(make_record())
    variations: list[dict[str, Any]] = [
        {"index": 8},
        {"time": make_record().time + timedelta(microseconds=1)},
        {"actor_id": None},
        {"action": "person.update"},
        {"object_type": "case"},
        {"object_id": "1914"},
        {"fields": ("name",)},
        {"session_ref": "5e20"},
        {"details_digest": hashlib.sha256(b"sealed").digest()},
    ]
    for changes in variations:
        assert encode_entry(make_record(**changes)) != original, changes


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"\x02\x00\x00\x00\x00\x00\x00\x00\x07{}",
        encode_entry(make_record()).replace(b'"actor_id":42', b'"actor_id": 42'),
        encode_entry(make_record()).replace(b'["name","phone"]', b'["phone","name"]'),
        encode_entry(make_record()).replace(b"120Z", b"120+00:00"),
        encode_entry(make_record()).replace(b'"actor_id":42', b'"actor_id":true'),
        encode_entry(make_record()) + b" ",
        encode_entry(make_record())[:-1],
    ],
)
def test_decoding_refuses_anything_that_is_not_canonical(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decode_entry(bad)


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
records = st.builds(
    AuditRecord,
    index=st.integers(min_value=0, max_value=2**63 - 1),
    time=st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, MOSCOW, timezone(timedelta(hours=-11))]),
    ),
    actor_id=st.none() | st.integers(min_value=0, max_value=2**63 - 1),
    action=texts.filter(bool),
    object_type=texts,
    object_id=texts,
    fields=st.lists(texts, max_size=4, unique=True).map(tuple),
    session_ref=texts,
    details_digest=st.binary(min_size=32, max_size=32),
)


@settings(max_examples=150, deadline=None)
@given(records)
def test_every_record_survives_a_round_trip(record: AuditRecord) -> None:
    decoded = decode_entry(encode_entry(record))
    assert decoded == dataclasses.replace(record, time=record.time.astimezone(UTC))
    assert decoded.time.utcoffset() == timedelta(0)


@settings(max_examples=150, deadline=None)
@given(records, records)
def test_different_records_never_share_an_encoding(first: AuditRecord, second: AuditRecord) -> None:
    if encode_entry(first) == encode_entry(second):
        assert first.time == second.time
        assert dataclasses.replace(first, time=second.time) == second


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_decoding_random_bytes_raises_only_value_error(data: bytes) -> None:
    with contextlib.suppress(ValueError):
        decode_entry(b"\x01" + data)
