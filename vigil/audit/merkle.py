"""Merkle tree hashing and proofs exactly as RFC 9162 §2.1 defines them.

Threat: an insider with write access to the database edits, deletes, reorders or
truncates audit entries and hopes nobody notices. The audit log is therefore a
Certificate-Transparency-style Merkle tree: a signed root kept off the server commits to
every entry and to its position, and the proofs here let anyone check that a later tree
still contains the earlier one.

Invariants kept:
- leaf and interior hashes are domain-separated (0x00 / 0x01 prefixes), so a leaf can
  never pass for a node;
- every root here equals RFC 9162's MTH for the same leaves, for every size, not only
  powers of two (checked against the reference vectors of transparency-dev/merkle in the
  tests);
- verifiers never raise on hostile input: a malformed proof, index or size yields
  ``False``.

Hashes are raw 32-byte SHA-256 digests. ``IncrementalTree`` keeps only the roots of the
perfect subtrees that make up the current size (at most 64 hashes), so a verifier can
stream millions of entries in constant memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Hash one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


class IncrementalTree:
    """An append-only Merkle tree that remembers only what it needs to compute its root.

    ``_peaks`` holds the roots of the perfect subtrees that the binary decomposition of
    ``size`` splits the leaves into, largest (leftmost) first. RFC 9162 splits a tree at
    the largest power of two below its size, so folding the peaks from the right
    reproduces MTH for any size.
    """

    __slots__ = ("_peaks", "_size")

    def __init__(self) -> None:
        self._peaks: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf_hash_value: bytes) -> None:
        """Add a leaf given by its leaf hash (not its data)."""
        if len(leaf_hash_value) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(leaf_hash_value)}")
        peaks = self._peaks
        merged = leaf_hash_value
        carry = self._size
        while carry & 1:
            merged = node_hash(peaks.pop(), merged)
            carry >>= 1
        peaks.append(merged)
        self._size += 1

    def root(self) -> bytes:
        """MTH of all leaves appended so far; the empty tree's root is SHA-256 of the
        empty string.
        """
        if not self._peaks:
            return EMPTY_ROOT
        peaks = self._peaks
        result = peaks[-1]
        for peak in reversed(peaks[:-1]):
            result = node_hash(peak, result)
        return result


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """MTH (RFC 9162 §2.1.1) of a sequence of leaf hashes."""
    tree = IncrementalTree()
    for value in hashes:
        tree.append(value)
    return tree.root()


def tile_roots(hashes: Iterable[bytes], tile_height: int) -> list[bytes]:
    """Roots of consecutive aligned blocks of ``2**tile_height`` leaves.

    The last block may be shorter.

    Treated as leaf hashes, these roots give the same MTH as the leaves themselves,
    because RFC 9162 always splits a tree larger than one block at a multiple of the
    block size. That is what lets a checkpoint file of tile roots be authenticated by
    nothing more than a signed tree head.
    """
    if tile_height < 0:
        raise ValueError("the tile height cannot be negative")
    tile_size = 1 << tile_height
    roots: list[bytes] = []
    tile = IncrementalTree()
    for value in hashes:
        tile.append(value)
        if tile.size == tile_size:
            roots.append(tile.root())
            tile = IncrementalTree()
    if tile.size:
        roots.append(tile.root())
    return roots


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162 §2.1.1: the largest power of two smaller than ``n`` (for n >=
    2).
    """
    return 1 << ((n - 1).bit_length() - 1)


def _subtree_root(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    tree = IncrementalTree()
    for position in range(start, end):
        tree.append(hashes[position])
    return tree.root()


def inclusion_proof(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 §2.1.3.1 for the tree of all ``hashes``, deepest
    sibling first.

    Costs O(n) hashing in total: each level of the descent hashes half as many leaves as
    the one above.
    """
    size = len(hashes)
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of {size} entries")
    siblings_top_down: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        split = start + _largest_power_of_two_below(end - start)
        if index < split:
            siblings_top_down.append(_subtree_root(hashes, split, end))
            end = split
        else:
            siblings_top_down.append(_subtree_root(hashes, start, split))
            start = split
    siblings_top_down.reverse()
    return siblings_top_down


def consistency_proof(hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 §2.1.4.1, where n = len(hashes); empty when
    old_size is 0 or n.
    """
    size = len(hashes)
    if not 0 <= old_size <= size:
        raise ValueError(f"an old size of {old_size} does not fit a tree of {size} entries")
    if old_size in (0, size):
        return []
    nodes_top_down: list[bytes] = []
    start, end, remaining = 0, size, old_size
    old_tree_is_a_whole_subtree = True
    while remaining != end - start:
        width = _largest_power_of_two_below(end - start)
        if remaining <= width:
            nodes_top_down.append(_subtree_root(hashes, start + width, end))
            end = start + width
        else:
            nodes_top_down.append(_subtree_root(hashes, start, start + width))
            start += width
            remaining -= width
            old_tree_is_a_whole_subtree = False
    if not old_tree_is_a_whole_subtree:
        nodes_top_down.append(_subtree_root(hashes, start, end))
    nodes_top_down.reverse()
    return nodes_top_down


def _all_hashes_well_formed(*values: bytes) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in values)


def verify_inclusion(
    leaf_hash_value: bytes,
    index: int,
    tree_size: int,
    proof: Sequence[bytes],
    root: bytes,
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf at ``index`` in the tree of
    ``tree_size`` with ``root``?
    """
    if not 0 <= index < tree_size:
        return False
    if not _all_hashes_well_formed(leaf_hash_value, root, *proof):
        return False
    fn, sn = index, tree_size - 1
    result = leaf_hash_value
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """RFC 9162 §2.1.4.2: does the new tree extend the old one, append-only?

    Stricter than the RFC's bare algorithm in two corner cases: equal sizes need an
    empty proof and equal roots, and an old size of 0 needs an empty proof and the empty
    tree's root (the only root it can have).
    """
    if not 0 <= old_size <= new_size:
        return False
    if not _all_hashes_well_formed(old_root, new_root, *proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_result = new_result = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            old_result = node_hash(node, old_result)
            new_result = node_hash(node, new_result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            new_result = node_hash(new_result, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and old_result == old_root and new_result == new_root
