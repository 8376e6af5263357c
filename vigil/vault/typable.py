"""Human-typable rendering of short secrets (recovery keys, unsealing shares).

Why: these secrets are printed on paper and typed back under stress, possibly years
later. Crockford's base32 alphabet has no I, L, O or U, so the decoder can accept
``O`` for ``0`` and ``I``/``L`` for ``1``, any case, and any spaces, dashes or
underscores. Groups of five characters are easy to read aloud and to compare.
Checksums live with the callers, which know what the bytes mean.
"""

from .errors import KeyTextError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP_SIZE = 5
_SEPARATORS = frozenset(" \t\r\n-_.")
_DECODE: dict[str, int] = {char: value for value, char in enumerate(ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})


def encode_groups(data: bytes) -> str:
    """Render ``data`` (a multiple of 5 bytes) as dash-separated groups of 5."""
    if len(data) % 5:
        raise ValueError("Typable secrets must be a multiple of 5 bytes long.")
    number = int.from_bytes(data, "big")
    count = len(data) * 8 // 5
    chars = [ALPHABET[(number >> (5 * (count - 1 - i))) & 31] for i in range(count)]
    text = "".join(chars)
    return "-".join(text[i : i + GROUP_SIZE] for i in range(0, count, GROUP_SIZE))


def decode_groups(text: str, size: int, what: str) -> bytes:
    """Parse text made by ``encode_groups`` back into ``size`` bytes.

    ``what`` names the secret in error messages ("recovery key", "share").
    Raises ``KeyTextError`` naming the first character that is not in the alphabet,
    or the expected and actual length.
    """
    values: list[int] = []
    for char in text:
        if char in _SEPARATORS:
            continue
        value = _DECODE.get(char.upper())
        if value is None:
            raise KeyTextError(
                f"The {what} contains {char!r} after {len(values)} valid characters; "
                f"only the digits 0-9 and the letters A-Z except U are used."
            )
        values.append(value)
    expected = size * 8 // 5
    if len(values) != expected:
        raise KeyTextError(f"The {what} must have {expected} characters, but {len(values)} were given.")
    number = 0
    for value in values:
        number = (number << 5) | value
    return number.to_bytes(size, "big")
