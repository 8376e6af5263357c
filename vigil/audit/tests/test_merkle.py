"""RFC 9162 Merkle tree: reference vectors, a literal reference model, and forgeries.

The hex vectors are copied from transparency-dev/merkle (Apache-2.0):
``testonly/constants.go`` (leaf inputs, node hashes, roots for sizes 0..8),
``proof/verify_test.go`` (inclusion and consistency proofs) and
``rfc6962/rfc6962_test.go`` (leaf and node hash of known inputs).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.audit.merkle import (
    EMPTY_ROOT,
    IncrementalTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    tile_roots,
    verify_consistency,
    verify_inclusion,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


LEAF_INPUTS = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]
LEAF_HASHES = [leaf_hash(data) for data in LEAF_INPUTS]

# testonly/constants.go RootHashes(): index = tree size.
ROOTS = [
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# testonly/constants.go NodeHashes(): [level][position].
NODE_HASHES = [
    [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")],
]

# proof/verify_test.go inclusionProofs: (leaf index, tree size, proof). The Go file
# numbers leaves from 1; the indexes here are 0-based.
INCLUSION_VECTORS = [
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        3,
        [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")],
    ),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# proof/verify_test.go consistencyProofs: (old size, new size, proof).
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


# A literal transcription of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, used as the model.
def split_point(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = split_point(len(leaves))
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_root(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_root(leaves[:k])]


def reference_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [reference_root(leaves)]
    k = split_point(n)
    if m <= k:
        return [*reference_subproof(m, leaves[:k], whole), reference_root(leaves[k:])]
    return [
        *reference_subproof(m - k, leaves[k:], False),
        reference_root(leaves[:k]),
    ]


def hashes_for(size: int) -> list[bytes]:
    return [leaf_hash(str(number).encode()) for number in range(size)]


def flip_bit(value: bytes, bit: int = 3) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


def test_leaf_and_node_hashes_match_the_rfc6962_hasher_vectors() -> None:
    assert EMPTY_ROOT.hex() == ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert leaf_hash(b"").hex() == ("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert leaf_hash(b"L123456").hex() == ("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
    assert node_hash(b"N123", b"N456").hex() == ("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb")


def test_a_leaf_never_hashes_like_the_node_over_the_same_bytes() -> None:
    left, right = leaf_hash(b"Hello"), leaf_hash(b"World")
    assert node_hash(left, right) != leaf_hash(left + right)
    assert node_hash(left, right) != node_hash(right, left)


@pytest.mark.parametrize("size", range(9))
def test_roots_of_the_reference_leaves_match_for_every_size(size: int) -> None:
    assert root_from_leaf_hashes(LEAF_HASHES[:size]) == ROOTS[size]


def test_leaf_hashes_and_subtree_roots_match_the_reference_node_hashes() -> None:
    for level, expected in enumerate(NODE_HASHES):
        assert tile_roots(LEAF_HASHES, level) == expected


def test_the_incremental_tree_gives_the_reference_root_after_each_append() -> None:
    tree = IncrementalTree()
    assert tree.root() == ROOTS[0]
    for size, value in enumerate(LEAF_HASHES, start=1):
        tree.append(value)
        assert (tree.size, tree.root()) == (size, ROOTS[size])


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_reference_inclusion_proofs_are_produced_and_verified(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(LEAF_HASHES[:size], index) == proof
    assert verify_inclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_corrupted_reference_inclusion_proofs_are_rejected(index: int, size: int, proof: list[bytes]) -> None:
    leaf, root = LEAF_HASHES[index], ROOTS[size]
    probes = [
        (leaf, index - 1, size, proof, root),
        (leaf, index + 1, size, proof, root),
        (leaf, index ^ 2, size, proof, root),
        (leaf, index, size * 2, proof, root),
        (leaf, index, size // 2, proof, root),
        (b"WrongLeaf", index, size, proof, root),
        (SOME_HASH, index, size, proof, root),
        (leaf, index, size, proof, EMPTY_ROOT),
        (leaf, index, size, proof, SOME_HASH),
        (leaf, index, size, [*proof, b""], root),
        (leaf, index, size, [*proof, root], root),
        (leaf, index, size, [b"", *proof], root),
        (leaf, index, size, [root, *proof], root),
        (leaf, index, size, proof[:-1], root),
        (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root),
    ]
    probes += [(leaf, index, size, [*proof[:i], flip_bit(proof[i]), *proof[i + 1 :]], root) for i in range(len(proof))]
    for probe in probes:
        assert not verify_inclusion(*probe), probe


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS)
def test_reference_consistency_proofs_are_produced_and_verified(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(LEAF_HASHES[:new], old) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS[1:])
def test_corrupted_reference_consistency_proofs_are_rejected(old: int, new: int, proof: list[bytes]) -> None:
    r1, r2 = ROOTS[old], ROOTS[new]
    probes = [
        (old - 1, new, r1, r2, proof),
        (old + 1, new, r1, r2, proof),
        (old ^ 2, new, r1, r2, proof),
        (old, new * 2, r1, r2, proof),
        (old, new // 2, r1, r2, proof),
        (old, new, b"WrongRoot", r2, proof),
        (old, new, r1, b"WrongRoot", proof),
        (old, new, r2, r1, proof),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*proof, b""]),
        (old, new, r1, r2, [*proof, r1]),
        (old, new, r1, r2, [*proof, r2]),
        (old, new, r1, r2, [b"", *proof]),
        (old, new, r1, r2, [r1, *proof]),
        (old, new, r1, r2, [r2, *proof]),
        (old, new, r1, r2, [proof[0], *proof]),
        (old, new, r1, r2, proof[:-1]),
    ]
    probes += [(old, new, r1, r2, [*proof[:i], flip_bit(proof[i], 4), *proof[i + 1 :]]) for i in range(len(proof))]
    for probe in probes:
        assert not verify_consistency(*probe), probe


def test_trivial_consistency_cases_follow_the_reference_rules() -> None:
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, ROOTS[5], [])
    assert not verify_consistency(0, 0, EMPTY_ROOT, SOME_HASH, [])
    assert not verify_consistency(1, 1, ROOTS[1], ROOTS[2], [])
    assert not verify_consistency(1, 0, ROOTS[1], ROOTS[0], [])
    assert not verify_consistency(2, 1, ROOTS[2], ROOTS[1], [])
    assert not verify_consistency(1, 2, ROOTS[1], ROOTS[2], [])
    assert not verify_consistency(0, 1, EMPTY_ROOT, ROOTS[1], [EMPTY_ROOT])
    assert not verify_consistency(1, 1, ROOTS[1], ROOTS[1], [EMPTY_ROOT])


def test_a_single_leaf_tree_has_its_leaf_hash_as_root_and_an_empty_proof() -> None:
    value = leaf_hash(b"data")
    assert verify_inclusion(value, 0, 1, [], value)
    assert not verify_inclusion(value, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], b"")
    for index, size in [(0, 0), (1, 0), (2, 1), (-1, 1)]:
        assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


def test_proofs_outside_the_tree_are_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="outside a tree of 3 entries"):
        inclusion_proof(LEAF_HASHES[:3], 3)
    with pytest.raises(ValueError, match="does not fit a tree of 3 entries"):
        consistency_proof(LEAF_HASHES[:3], 4)


def test_the_incremental_tree_refuses_something_that_is_not_a_leaf_hash() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        IncrementalTree().append(b"short")


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=1, max_value=140), data=st.data())
def test_random_trees_match_the_literal_rfc_model(size: int, data: st.DataObject) -> None:
    leaves = hashes_for(size)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old_size = data.draw(st.integers(min_value=1, max_value=size))
    assert root_from_leaf_hashes(leaves) == reference_root(leaves)
    assert inclusion_proof(leaves, index) == reference_path(index, leaves)
    assert consistency_proof(leaves, old_size) == reference_subproof(old_size, leaves, True)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=1, max_value=300), data=st.data())
def test_every_honest_proof_verifies_and_any_altered_one_fails(size: int, data: st.DataObject) -> None:
    leaves = hashes_for(size)
    root = root_from_leaf_hashes(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = inclusion_proof(leaves, index)
    assert verify_inclusion(leaves[index], index, size, path, root)
    assert not verify_inclusion(flip_bit(leaves[index]), index, size, path, root)
    if path:
        bad = data.draw(st.integers(min_value=0, max_value=len(path) - 1))
        altered = [*path[:bad], flip_bit(path[bad]), *path[bad + 1 :]]
        assert not verify_inclusion(leaves[index], index, size, altered, root)
    other = data.draw(st.integers(min_value=0, max_value=size).filter(lambda i: i != index))
    assert not verify_inclusion(leaves[index], other, size, path, root)

    old_size = data.draw(st.integers(min_value=1, max_value=size))
    old_root = root_from_leaf_hashes(leaves[:old_size])
    proof = consistency_proof(leaves, old_size)
    assert verify_consistency(old_size, size, old_root, root, proof)
    if proof:
        bad = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        altered = [*proof[:bad], flip_bit(proof[bad]), *proof[bad + 1 :]]
        assert not verify_consistency(old_size, size, old_root, root, altered)
        assert not verify_consistency(old_size, size, flip_bit(old_root), root, proof)
        assert not verify_consistency(old_size, size * 2, old_root, root, proof)


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(min_value=2, max_value=200),
    data=st.data(),
)
def test_a_rewritten_history_is_never_consistent_with_the_old_root(size: int, data: st.DataObject) -> None:
    leaves = hashes_for(size)
    old_size = data.draw(st.integers(min_value=1, max_value=size - 1))
    old_root = root_from_leaf_hashes(leaves[:old_size])
    victim = data.draw(st.integers(min_value=0, max_value=old_size - 1))
    rewritten = [*leaves[:victim], leaf_hash(b"forged"), *leaves[victim + 1 :]]
    proof = consistency_proof(rewritten, old_size)
    assert not verify_consistency(old_size, size, old_root, root_from_leaf_hashes(rewritten), proof)


@settings(max_examples=40, deadline=None)
@given(size=st.integers(min_value=0, max_value=300), height=st.integers(0, 6))
def test_tile_roots_hashed_as_leaves_rebuild_the_tree_root(size: int, height: int) -> None:
    leaves = hashes_for(size)
    tiles = tile_roots(leaves, height)
    assert len(tiles) == -(-size // 2**height)
    assert root_from_leaf_hashes(tiles) == root_from_leaf_hashes(leaves)


def test_proofs_for_a_large_tree_are_quick_and_correct() -> None:
    leaves = hashes_for(100_003)
    root = root_from_leaf_hashes(leaves)
    for index in (0, 65_535, 65_536, 100_002):
        assert verify_inclusion(leaves[index], index, len(leaves), inclusion_proof(leaves, index), root)
    old_root = root_from_leaf_hashes(leaves[:77_777])
    proof = consistency_proof(leaves, 77_777)
    assert verify_consistency(77_777, len(leaves), old_root, root, proof)
