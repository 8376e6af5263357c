"""Key wraps: the vault key stored encrypted under keys that people hold.

Threat: police seize the disk. The vault key must not be on it in any usable form,
only wrapped (AES-256-GCM) under key-encryption keys (KEKs) that come from:

* an operator passphrase through Argon2id (``derive_kek``), one wrap per operator;
* the offline recovery key through HKDF (``derive_recovery_kek``);
* an M-of-N share secret through HKDF (``derive_shares_kek``).

Invariants:

* ``unwrap_key`` returns the exact wrapped key or raises; it never returns garbage.
* The wrap's kind, label and Argon2 parameters are GCM associated data, so they cannot
  be swapped (e.g. to cheaper parameters) without the unwrap failing.
* A checksum over the whole wrap lets a damaged wrap be reported as ``TamperedError``
  instead of "wrong passphrase". It is keyless, so a deliberate edit that recomputes it
  is then refused as ``WrongKeyError``: the GCM tag is what keeps forgeries out.
* Labels are stored in clear: use role names ("operator 1"), not people's names.

Argon2id defaults (``default_kdf_params``): m = 1 GiB, t = 2, p = 4. RFC 9106's first
recommendation is m = 2 GiB, t = 1, p = 4; on the 2-core reference machine it took
2.0-3.1 s, too close to the 3 s unseal budget. In a fresh process (as at unseal, where
the 1 GiB must first be faulted in) m = 1 GiB took 1.3-2.3 s with t = 2 (up to 3.0 s
while other jobs loaded both cores), 2.9-3.6 s with t = 3 and 0.8 s with t = 1
(``bench/bench_vault_kdf.py``). t = 2 keeps memory at the 1 GiB floor with two passes,
which resist time-memory trade-offs better than one. Parameters are recorded in every
wrap, so changing the default later leaves existing wraps working.
"""

import base64
import binascii
import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import InsecureParametersError, TamperedError, WrongKeyError
from .framing import length_prefixed
from .recovery import generate_recovery_key, parse_recovery_key
from .shares import combine_shares, split_secret

__all__ = [
    "KdfParams",
    "Wrap",
    "WrapKind",
    "cheap_kdf_params_for_tests",
    "combine_shares",
    "default_kdf_params",
    "derive_kek",
    "derive_recovery_kek",
    "derive_shares_kek",
    "generate_recovery_key",
    "parse_recovery_key",
    "split_secret",
    "unwrap_key",
    "wrap_key",
]

WrapKind = Literal["passphrase", "recovery", "shares"]
FLOOR_MEMORY_KIB = 1 << 20
KEK_SIZE = 32
SALT_SIZE = 16
_MAX_MEMORY_KIB = 16 << 20
_MAX_ITERATIONS = 64
_MAX_PARALLELISM = 64
_WRAP_VERSION = 1
_NONCE_SIZE = 12
_CHECK_SIZE = 8
_TAG_SIZE = 16


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters (version 1.3) recorded with each passphrase wrap.

    Upper bounds stop an altered wrap from demanding absurd memory or time.
    """

    memory_kib: int
    iterations: int
    parallelism: int
    salt: bytes

    def __post_init__(self) -> None:
        if not 1 <= self.parallelism <= _MAX_PARALLELISM:
            raise ValueError(f"Argon2 parallelism must be 1 to {_MAX_PARALLELISM}.")
        if not 8 * self.parallelism <= self.memory_kib <= _MAX_MEMORY_KIB:
            raise ValueError("Argon2 memory must be 8 KiB per lane up to 16 GiB.")
        if not 1 <= self.iterations <= _MAX_ITERATIONS:
            raise ValueError(f"Argon2 iterations must be 1 to {_MAX_ITERATIONS}.")
        if len(self.salt) < SALT_SIZE:
            raise ValueError(f"The Argon2 salt must be at least {SALT_SIZE} bytes.")

    @property
    def meets_floor(self) -> bool:
        """True if memory is at least 1 GiB, the floor for real passphrase wraps."""
        return self.memory_kib >= FLOOR_MEMORY_KIB

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "version": 19,
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "parallelism": self.parallelism,
            "salt": base64.b64encode(self.salt).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "KdfParams":
        if data.get("algorithm") != "argon2id" or data.get("version") != 19:
            raise ValueError("Only Argon2id version 1.3 (19) is supported.")
        numbers = [data.get(k) for k in ("memory_kib", "iterations", "parallelism")]
        if not all(type(n) is int for n in numbers):
            raise ValueError("Argon2 parameters must be integers.")
        memory, iterations, parallelism = cast(list[int], numbers)
        return cls(memory, iterations, parallelism, _b64(data.get("salt")))

    def encoded(self) -> bytes:
        """Canonical bytes of the parameters, bound into the wrap's associated data."""
        return length_prefixed(
            b"argon2id-19",
            self.memory_kib.to_bytes(8, "big"),
            self.iterations.to_bytes(8, "big"),
            self.parallelism.to_bytes(8, "big"),
            self.salt,
        )


def default_kdf_params() -> KdfParams:
    """Production parameters with a fresh salt (see the module docstring)."""
    return KdfParams(FLOOR_MEMORY_KIB, 2, 4, os.urandom(SALT_SIZE))


def cheap_kdf_params_for_tests(allowed: bool) -> KdfParams:
    """8 MiB, one pass; only if ``allowed`` (a test setting refused with DEBUG off)."""
    if not allowed:
        raise InsecureParametersError()
    return KdfParams(8 * 1024, 1, 1, os.urandom(SALT_SIZE))


def derive_kek(passphrase: str, params: KdfParams) -> bytes:
    """Argon2id of the NFC-normalised passphrase (composed and decomposed agree)."""
    if not passphrase:
        raise ValueError("The passphrase is empty.")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(
        secret,
        params.salt,
        time_cost=params.iterations,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEK_SIZE,
        type=Type.ID,
    )


def _hkdf(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=KEK_SIZE, salt=None, info=info).derive(key)


def derive_recovery_kek(recovery_key: bytes) -> bytes:
    """KEK from the 20-byte recovery key (``parse_recovery_key``)."""
    return _hkdf(recovery_key, b"vigil/recovery-kek/v1")


def derive_shares_kek(secret: bytes) -> bytes:
    """KEK from the 16-byte secret of ``split_secret`` / ``combine_shares``."""
    return _hkdf(secret, b"vigil/shares-kek/v1")


@dataclass(frozen=True)
class Wrap:
    """A stored wrap of the vault key. Blob: version|nonce|ciphertext|tag|check."""

    kind: WrapKind
    label: str
    kdf: KdfParams | None
    blob: bytes

    def associated_data(self) -> bytes:
        return _associated_data(self.kind, self.label, self.kdf)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "kdf": self.kdf.to_dict() if self.kdf else None,
            "blob": base64.b64encode(self.blob).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Wrap":
        """Rebuild a wrap from ``to_dict`` output; ``TamperedError`` if malformed."""
        try:
            kind, label, kdf = data["kind"], data["label"], data["kdf"]
            if kind not in get_args(WrapKind) or not isinstance(label, str):
                raise ValueError("unknown kind or label")
            params = KdfParams.from_dict(kdf) if kdf is not None else None
            return cls(kind, label, params, _b64(data["blob"]))
        except (KeyError, TypeError, ValueError) as error:
            raise TamperedError(f"A stored key wrap is damaged ({error}).") from None


def _b64(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("invalid base64") from None


def _associated_data(kind: str, label: str, kdf: KdfParams | None) -> bytes:
    params = kdf.encoded() if kdf else b""
    return length_prefixed(b"vigil/wrap/v1", kind.encode(), label.encode(), params)


def _check(associated_data: bytes, body: bytes) -> bytes:
    digest = hashlib.sha256(b"vigil/wrap-check/v1" + associated_data + body)
    return digest.digest()[:_CHECK_SIZE]


def wrap_key(
    data_key: bytes,
    kek: bytes,
    kind: WrapKind,
    label: str,
    params: KdfParams | None = None,
) -> Wrap:
    """Encrypt ``data_key`` (any key bytes, normally the vault key) under ``kek``.

    ``params`` is required for passphrase wraps and refused for the others.
    """
    if kind not in get_args(WrapKind):
        raise ValueError(f"Unknown wrap kind {kind!r}.")
    if (kind == "passphrase") != (params is not None):
        raise ValueError("Argon2 parameters go with passphrase wraps, and only them.")
    if len(kek) != KEK_SIZE:
        raise ValueError(f"A key-encryption key must be {KEK_SIZE} bytes long.")
    aad = _associated_data(kind, label, params)
    nonce = os.urandom(_NONCE_SIZE)
    body = bytes((_WRAP_VERSION,)) + nonce + AESGCM(kek).encrypt(nonce, data_key, aad)
    return Wrap(kind, label, params, body + _check(aad, body))


def unwrap_key(wrap: Wrap, kek: bytes) -> bytes:
    """Return the wrapped key.

    Raises ``TamperedError`` if the wrap is damaged (checksum or format) and
    ``WrongKeyError`` if ``kek`` does not open it.
    """
    aad = wrap.associated_data()
    body, check = wrap.blob[:-_CHECK_SIZE], wrap.blob[-_CHECK_SIZE:]
    too_short = len(body) < 1 + _NONCE_SIZE + _TAG_SIZE
    if too_short or check != _check(aad, body) or body[0] != _WRAP_VERSION:
        raise TamperedError(
            f"The key wrap {wrap.label!r} is damaged or was altered on disk; "
            "use another passphrase, the shares or the recovery key."
        )
    if len(kek) != KEK_SIZE:
        raise WrongKeyError()
    nonce = body[1 : 1 + _NONCE_SIZE]
    try:
        return AESGCM(kek).decrypt(nonce, body[1 + _NONCE_SIZE :], aad)
    except InvalidTag:
        raise WrongKeyError() from None
