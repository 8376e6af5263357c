"""Unambiguous encoding of several byte strings into one, for MAC and AEAD inputs.

Threat: when associated data or MAC input is built by plain concatenation, different
tuples can collide (``("ab", "c")`` and ``("a", "bc")``), which would let a ciphertext
or index computed for one record verify for another. Invariant: ``length_prefixed`` is
injective, because every part carries its length as a fixed 4-byte big-endian prefix.
"""

_MAX_PART = 2**32 - 1


def length_prefixed(*parts: bytes) -> bytes:
    """Encode ``parts`` so that no other sequence of parts yields the same bytes."""
    encoded = bytearray()
    for part in parts:
        if len(part) > _MAX_PART:
            raise ValueError("A part is too long to be length-prefixed (4 GiB or more).")
        encoded += len(part).to_bytes(4, "big")
        encoded += part
    return bytes(encoded)
