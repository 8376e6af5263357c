"""How fast `verify_log` checks a large audit log, so `vigil audit verify` stays usable as the log grows.

Builds N synthetic audit entries (1,000,000 by default) lazily with a generator, signs a tree head over them and
exports a per-index checkpoint, then times three passes over the same generator: producing the entries alone,
`verify_log` against the head, and `verify_log` against the head plus checkpoint. Entries/s is reported for the
verification itself (the generator's own cost subtracted) and for the whole pass; peak memory is measured
separately (tracemalloc slows Python several-fold) on two sizes to show it does not grow with the log.

Run: .venv/bin/python bench/bench_audit_verify.py [N]
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from vigil.audit.entry_codec import AuditRecord, details_digest_of, encode_entry
from vigil.audit.merkle import IncrementalTree, leaf_hash
from vigil.audit.signing import generate_signing_key, sign_tree_head
from vigil.audit.verify import StoredEntry, build_checkpoint, verify_log

START = datetime(2025, 1, 1, tzinfo=UTC)
ACTIONS = ("person.read", "case.update", "evidence.add", "incident.read")


def synthetic_entries(count: int) -> Iterator[StoredEntry]:
    digest = details_digest_of(b"sealed details")
    for index in range(count):
        record = AuditRecord(
            index=index,
            time=START + timedelta(microseconds=index * 1_337),
            actor_id=index % 97,
            action=ACTIONS[index % len(ACTIONS)],
            object_type="person",
            object_id=str(index // 3),
            fields=("name", "phone"),
            session_ref=f"{index // 50:032x}",
            details_digest=digest,
        )
        encoded = encode_entry(record)
        yield StoredEntry(index=index, encoded=encoded, stored_leaf_hash=leaf_hash(encoded))


def timed(label: str, work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:8.2f} s")
    return elapsed, result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    key = generate_signing_key()
    print(f"{count:,} synthetic audit entries")

    leaf_hashes: list[bytes] = []

    def collect() -> bytes:
        tree = IncrementalTree()
        for entry in synthetic_entries(count):
            leaf_hashes.append(entry.stored_leaf_hash)
            tree.append(entry.stored_leaf_hash)
        return tree.root()

    _, root = timed("build entries, leaf hashes and root", collect)
    assert isinstance(root, bytes)
    head = sign_tree_head(key, count, root, int(time.time() * 1000))
    checkpoint = build_checkpoint(head, leaf_hashes)
    leaf_hashes.clear()

    baseline, _ = timed("generate entries only (baseline)", lambda: sum(1 for _ in synthetic_entries(count)))

    with_head, report = timed(
        "verify_log against the signed head",
        lambda: verify_log(synthetic_entries(count), head, key.public_key()),
    )
    print(f"  {report.summary() if hasattr(report, 'summary') else report}")

    with_checkpoint, report = timed(
        "verify_log against head + checkpoint",
        lambda: verify_log(synthetic_entries(count), public_key=key.public_key(), checkpoint=checkpoint),
    )
    print(f"  {report.summary() if hasattr(report, 'summary') else report}")

    for label, elapsed in (("head", with_head), ("head + checkpoint", with_checkpoint)):
        verifying = max(elapsed - baseline, 1e-9)
        print(
            f"{label:<20} verification alone: {count / verifying:>12,.0f} entries/s;"
            f" including entry generation: {count / elapsed:>10,.0f} entries/s"
        )

    for size in (10_000, 50_000):
        print(f"peak memory of verify_log over {size:>6,} entries: {peak_verification_memory(size) / 1024:6.0f} KiB")


def peak_verification_memory(count: int) -> int:
    """Peak bytes allocated by verify_log itself, entries generated on the fly; constant in ``count``."""
    entries = synthetic_entries(count)
    tracemalloc.start()
    verify_log(entries)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


if __name__ == "__main__":
    main()
