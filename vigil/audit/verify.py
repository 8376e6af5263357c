"""Checking the stored audit log against itself and against tree heads kept off-server.

Threat: an insider with write access to the database edits, deletes, reorders, truncates
or rewrites audit entries. ``verify_log`` streams the entries in the order the database
stored them (by primary key, not by index, so that a reorder shows) and names the FIRST
bad index, keeping only O(log n) hashes in memory:

- content that no longer hashes to its stored leaf hash: edited;
- an index that skips ahead: deleted (reordered, if the skipped index turns up later);
- an index already seen: a duplicate or a moved entry;
- content whose header carries another index than its row: moved;
- fewer entries than a saved tree head covers: truncated, from the first missing index;
- the tree at a saved head's size not matching the head's signed root: rewritten, with
  the leaf hash recomputed so that the entry looks consistent on its own.

The last case is the hard one: a signed root alone says only that *something* among the
first N entries changed. To name the exact index, the operator exports a **checkpoint**
with the head: the roots of consecutive aligned blocks ("tiles") of ``2**tile_height``
leaves. RFC 9162 splits every tree larger than a tile at a tile boundary, so the tile
roots, hashed as if they were leaves, rebuild the head's root: the signed head
authenticates the checkpoint, which needs no signature of its own. While streaming, each
tile of the database is compared with the exported one, and the first mismatch bounds
the first rewritten entry to one tile. With ``tile_height`` 0 (the default) the tiles
are the leaf hashes themselves and the exact index is named, at 32 bytes per entry; each
step up halves the file and doubles the range named. Leaf hashes commit to entries that
carry a digest of their sealed details, not to readable content; still, keep the file
with the head, off the server. Several saved heads also narrow a rewrite down to the
span between the last head that matches and the first that does not.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vigil.audit.entry_codec import encoded_index
from vigil.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    IncrementalTree,
    leaf_hash,
    root_from_leaf_hashes,
    tile_roots,
    verify_consistency,
)
from vigil.audit.signing import TreeHead, parse_strict_json, verify_tree_head

CHECKPOINT_FILE_FORMAT = "vigil-audit-checkpoint"
CHECKPOINT_FILE_VERSION = 1
MAX_TILE_HEIGHT = 63

_CHECKPOINT_KEYS = frozenset({"format", "version", "tree_head", "tile_height", "tile_roots"})


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One audit row as read: its index column, canonical bytes and stored leaf hash."""

    index: int
    encoded: bytes
    stored_leaf_hash: bytes


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The outcome of ``verify_log``.

    ``tree_size`` and ``root_hash`` describe the longest prefix that verified (the whole
    log when ``ok``), ready to be signed as the next tree head. ``first_bad_index`` is
    set when the first bad index is known exactly; ``bad_range`` (start inclusive, end
    exclusive) bounds it whenever it is known at all.
    """

    ok: bool
    entries_checked: int
    tree_size: int
    root_hash: bytes
    first_bad_index: int | None
    problem: str | None
    bad_range: tuple[int, int] | None = None
    heads_checked: int = 0

    def summary(self) -> str:
        if self.ok:
            if self.heads_checked:
                against = f"agrees with {self.heads_checked} signed tree head(s)"
            else:
                against = "no signed tree head was given to check it against"
            return f"The audit log verifies: {self.tree_size} entries, root {self.root_hash.hex()}; {against}."
        if self.first_bad_index is not None:
            return f"The audit log fails verification at index {self.first_bad_index}: {self.problem}."
        return f"The audit log fails verification: {self.problem}."


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head with its tile roots, exported together to locate a rewrite."""

    head: TreeHead
    tile_height: int
    tile_roots: tuple[bytes, ...]

    def __post_init__(self) -> None:
        height = self.tile_height
        if isinstance(height, bool) or not isinstance(height, int):
            raise ValueError("the checkpoint's tile_height must be an integer")
        if not 0 <= height <= MAX_TILE_HEIGHT:
            raise ValueError(f"tile_height must lie between 0 and {MAX_TILE_HEIGHT}")
        expected = -(-self.head.tree_size >> height)
        if len(self.tile_roots) != expected:
            raise ValueError(
                f"a checkpoint of {self.head.tree_size} entries in tiles of "
                f"2**{height} needs {expected} tile roots, not {len(self.tile_roots)}"
            )
        if any(len(root) != HASH_SIZE for root in self.tile_roots):
            raise ValueError(f"every tile root must be {HASH_SIZE} bytes")
        if root_from_leaf_hashes(self.tile_roots) != self.head.root_hash:
            raise ValueError("the checkpoint's tile roots do not rebuild its tree head's root")

    def to_json(self) -> str:
        document = {
            "format": CHECKPOINT_FILE_FORMAT,
            "version": CHECKPOINT_FILE_VERSION,
            "tree_head": self.head.to_dict(),
            "tile_height": self.tile_height,
            "tile_roots": base64.b64encode(b"".join(self.tile_roots)).decode("ascii"),
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        return cls.from_dict(parse_strict_json(text))

    @classmethod
    def from_dict(cls, data: Any) -> Checkpoint:
        if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FILE_FORMAT:
            raise ValueError(f"this is not a {CHECKPOINT_FILE_FORMAT!r} file")
        if data.get("version") != CHECKPOINT_FILE_VERSION:
            raise ValueError(f"unsupported checkpoint version {data.get('version')!r}")
        if set(data) != _CHECKPOINT_KEYS:
            fields = ", ".join(sorted(_CHECKPOINT_KEYS))
            raise ValueError(f"a checkpoint has exactly the fields {fields}")
        return cls(
            head=TreeHead.from_dict(data["tree_head"]),
            tile_height=data["tile_height"],
            tile_roots=_unpack_hashes(data["tile_roots"]),
        )


def _unpack_hashes(text: object) -> tuple[bytes, ...]:
    if not isinstance(text, str):
        raise ValueError("the checkpoint's tile_roots must be base64 text")
    try:
        packed = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError("the checkpoint's tile_roots are not valid base64") from error
    if len(packed) % HASH_SIZE:
        raise ValueError(f"the checkpoint's tile_roots are not whole {HASH_SIZE}-byte hashes")
    return tuple(packed[start : start + HASH_SIZE] for start in range(0, len(packed), HASH_SIZE))


def build_checkpoint(head: TreeHead, leaf_hashes: Iterable[bytes], tile_height: int = 0) -> Checkpoint:
    """The checkpoint to export with ``head``, from its first tree_size leaf hashes."""
    if not 0 <= tile_height <= MAX_TILE_HEIGHT:
        raise ValueError(f"the tile height must lie between 0 and {MAX_TILE_HEIGHT}")
    roots = tuple(tile_roots(leaf_hashes, tile_height))
    return Checkpoint(head=head, tile_height=tile_height, tile_roots=roots)


def load_head_file(text: str) -> tuple[TreeHead, Checkpoint | None]:
    """Read an exported file: a bare tree head, or a checkpoint (head + tile roots)."""
    data = parse_strict_json(text)
    if isinstance(data, dict) and data.get("format") == CHECKPOINT_FILE_FORMAT:
        checkpoint = Checkpoint.from_dict(data)
        return checkpoint.head, checkpoint
    return TreeHead.from_dict(data), None


def _collect_heads(head: TreeHead | None, heads: Sequence[TreeHead], checkpoint: Checkpoint | None) -> list[TreeHead]:
    collected = [
        *heads,
        *([head] if head else []),
        *([checkpoint.head] if checkpoint else []),
    ]
    unique = {(each.tree_size, each.root_hash, each.signature): each for each in collected}
    return sorted(unique.values(), key=lambda each: each.tree_size)


def _problem_with_heads(saved_heads: list[TreeHead], public_key: Ed25519PublicKey) -> str | None:
    for each in saved_heads:
        if not verify_tree_head(public_key, each):
            return (
                f"the tree head for {each.tree_size} entries is not validly signed by "
                "this audit key (forged, altered, or from another instance)"
            )
        if each.tree_size == 0 and each.root_hash != EMPTY_ROOT:
            return "the signed tree head for 0 entries lacks the empty tree's root"
    for earlier, later in itertools.pairwise(saved_heads):
        if earlier.tree_size == later.tree_size and earlier.root_hash != later.root_hash:
            return (
                "two validly signed tree heads give different roots for the first "
                f"{earlier.tree_size} entries: the log was forked and history rewritten"
            )
    return None


def _explain_index_break(position: int, found: int, rest: Iterator[StoredEntry]) -> tuple[str, int]:
    """Why the row at ``position`` carries index ``found``; also returns rows read."""
    if found < position:
        return (
            f"a second entry with index {found} is stored where entry {position} belongs (duplicated or moved)",
            0,
        )
    read = 0
    for entry in rest:
        read += 1
        if entry.index == position:
            return (
                f"entry {position} is out of order: it is stored after entry {found} (reordered)",
                read,
            )
    return (
        f"entry {position} is missing (deleted): the next stored entry is {found}",
        read,
    )


class _TileCheck:
    """Compares the tiles the database yields with a checkpoint's, leaf by leaf."""

    __slots__ = ("_expected", "_height", "_size", "_tile")

    def __init__(self, checkpoint: Checkpoint | None) -> None:
        self._size = checkpoint.head.tree_size if checkpoint else 0
        self._height = checkpoint.tile_height if checkpoint else 0
        self._expected = checkpoint.tile_roots if checkpoint else ()
        self._tile = IncrementalTree()

    def mismatch(self, position: int, recomputed: bytes) -> tuple[int, int] | None:
        """The range of a tile found to differ once ``position`` is added, if any."""
        if position >= self._size:
            return None
        if self._height == 0:
            if recomputed != self._expected[position]:
                return (position, position + 1)
            return None
        self._tile.append(recomputed)
        if self._tile.size < 1 << self._height and position + 1 < self._size:
            return None
        start = position + 1 - self._tile.size
        differs = self._tile.root() != self._expected[start >> self._height]
        self._tile = IncrementalTree()
        return (start, position + 1) if differs else None


def _problem_in_entry(position: int, entry: StoredEntry, recomputed: bytes) -> str | None:
    if recomputed != entry.stored_leaf_hash:
        return f"entry {position} was edited: its content no longer matches its stored leaf hash"
    try:
        content_index = encoded_index(entry.encoded)
    except ValueError:
        return f"entry {position} is not a valid encoded audit entry"
    if content_index != position:
        return f"the row of entry {position} holds the content of entry {content_index}"
    return None


def _rewritten(bad_range: tuple[int, int], against: str) -> str:
    start, end = bad_range
    where = f"entry {start}" if end - start == 1 else f"an entry in {start}..{end - 1}"
    return (
        f"{where} differs from {against} although every entry matches its stored "
        "leaf hash: it was rewritten and its leaf hash recomputed"
    )


def verify_log(
    entries: Iterable[StoredEntry],
    head: TreeHead | None = None,
    public_key: Ed25519PublicKey | None = None,
    heads: Sequence[TreeHead] = (),
    checkpoint: Checkpoint | None = None,
) -> VerificationReport:
    """Verify every entry and the tree they form against the saved heads.

    Stops at the first problem. ``entries`` must come in storage order (primary key),
    not sorted by index. Every head given (``head``, ``heads`` and the checkpoint's
    head) must be signed by ``public_key``, which is required once any head is given.
    """
    saved_heads = _collect_heads(head, heads, checkpoint)
    tree = IncrementalTree()

    def report(problem: str | None, bad_range: tuple[int, int] | None = None, read: int = 0) -> VerificationReport:
        exact = bad_range[0] if bad_range and bad_range[1] - bad_range[0] == 1 else None
        return VerificationReport(
            ok=problem is None,
            entries_checked=read,
            tree_size=tree.size,
            root_hash=tree.root(),
            first_bad_index=exact,
            problem=problem,
            bad_range=bad_range,
            heads_checked=len(saved_heads) if problem is None else 0,
        )

    if saved_heads:
        if public_key is None:
            raise ValueError("checking tree heads needs the audit public key")
        head_problem = _problem_with_heads(saved_heads, public_key)
        if head_problem is not None:
            return report(head_problem)

    pending = iter([each for each in saved_heads if each.tree_size > 0])
    next_head = next(pending, None)
    last_matching_size = 0
    tiles = _TileCheck(checkpoint)
    stream = iter(entries)
    position = 0
    for entry in stream:
        if entry.index != position:
            problem, read_after = _explain_index_break(position, entry.index, stream)
            return report(problem, (position, position + 1), position + 1 + read_after)
        recomputed = leaf_hash(entry.encoded)
        problem_in_entry = _problem_in_entry(position, entry, recomputed)
        if problem_in_entry is not None:
            return report(problem_in_entry, (position, position + 1), position + 1)
        tile_range = tiles.mismatch(position, recomputed)
        if tile_range is not None:
            problem = _rewritten(tile_range, "the exported checkpoint")
            return report(problem, tile_range, position + 1)
        tree.append(recomputed)
        position += 1
        if next_head is not None and position == next_head.tree_size:
            if tree.root() != next_head.root_hash:
                head_range = (last_matching_size, position)
                against = f"the signed tree head for {position} entries"
                return report(_rewritten(head_range, against), head_range, position)
            last_matching_size = position
            while next_head is not None and next_head.tree_size == position:
                next_head = next(pending, None)

    if next_head is not None:
        covered = saved_heads[-1].tree_size
        problem = (
            f"the log ends after {position} entries but a signed tree head covers "
            f"{covered}: entries from index {position} on are missing (truncated)"
        )
        return report(problem, (position, position + 1), position)
    return report(None, read=position)


@dataclass(frozen=True, slots=True)
class ConsistencyCheck:
    """The outcome of ``check_consistency``: does the newer head extend the older?"""

    ok: bool
    problem: str | None

    def summary(self) -> str:
        if self.ok:
            return "The newer tree head extends the older one: no entry the older one covered was changed or removed."
        return f"The tree heads are not consistent: {self.problem}."


def check_consistency(
    old_head: TreeHead,
    new_head: TreeHead,
    proof: Sequence[bytes],
    public_key: Ed25519PublicKey,
) -> ConsistencyCheck:
    """Check both heads' signatures, then the RFC 9162 consistency proof."""
    for name, each in (("older", old_head), ("newer", new_head)):
        if not verify_tree_head(public_key, each):
            return ConsistencyCheck(False, f"the {name} tree head is not validly signed by this audit key")
    if new_head.tree_size < old_head.tree_size:
        return ConsistencyCheck(
            False,
            f"the newer tree head covers {new_head.tree_size} entries, fewer than "
            f"the older one's {old_head.tree_size}: the log was truncated",
        )
    if not verify_consistency(
        old_head.tree_size,
        new_head.tree_size,
        old_head.root_hash,
        new_head.root_hash,
        proof,
    ):
        return ConsistencyCheck(
            False,
            f"the proof does not show the first {old_head.tree_size} entries "
            "unchanged in the newer tree: history was rewritten, or the proof is wrong",
        )
    return ConsistencyCheck(True, None)
