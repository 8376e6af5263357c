"""Authenticated encryption of sealed values under rotating data keys.

Threats addressed:

* A seized database must reveal nothing: every sealed value is AES-256-GCM ciphertext.
* An attacker with write access must not be able to move a ciphertext into another
  record or field, or alter it, without detection: the caller's associated data (see
  ``field_aad``) and the blob header are authenticated, and any change raises
  ``TamperedError`` (or ``UnknownKeyError`` if the key id itself was changed).
* GCM fails catastrophically if a (key, nonce) pair repeats, and NIST SP 800-38D allows a GCM key at most 2**32
  messages under random 96-bit nonces. Design: every blob carries a random 192-bit salt. Its first 96 bits select an
  AES key via HKDF-Expand(PRK of the data key, info || salt[:12]) and its last 96 bits are the GCM nonce (the shape
  of XAES-256-GCM, with HKDF in place of CMAC). A process draws the first 96 bits at random and uses that derived
  key for at most ``SUBKEY_MESSAGES`` (2**28) messages, each with its own random 96-bit nonce, then draws anew. So
  each derived key belongs to one process, which alone counts its messages (no counter shared between processes,
  none lost in a crash), stays 16x below the NIST limit, and the chance that two of its nonces collide is below
  2**-41; two processes share a derived key only if 96 random bits collide. Readers keep derived keys in a small
  cache: a page of records written by a few processes derives a few keys, not one per record.
  ``MESSAGE_LIMIT`` (2**48) caps one data key per process, enforced by ``Keyring``, which then refuses to encrypt
  until the key is rotated.

Blob layout (version 1)::

    version (1 byte = 0x01) | key id (4) | salt (24) | ciphertext | GCM tag (16)

The version byte and key id are part of the GCM associated data, so they cannot be
changed without detection. Cost: about 2 microseconds for a short value once its derived key is cached.

Keys in memory: secrets are kept in ``bytearray`` and ``Keyring.clear()`` overwrites
them with zeros. This is best effort only: OpenSSL and the ``cryptography`` package copy
keys into their own contexts, derived one-time keys are short-lived ``bytes``, and the
operating system may have swapped pages to disk. Sealing reduces what a memory dump
shows at a later moment; it is no guarantee against an attacker already inside the
process.
"""

import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import KeyExhaustedError, SealedError, TamperedError, UnknownKeyError
from .framing import length_prefixed

FORMAT_VERSION = 1
KEY_ID_SIZE = 4
SECRET_SIZE = 32
SALT_SIZE = 24
TAG_SIZE = 16
HEADER_SIZE = 1 + KEY_ID_SIZE
OVERHEAD = HEADER_SIZE + SALT_SIZE + TAG_SIZE
MESSAGE_LIMIT = 2**48

_EXTRACT_SALT = b"vigil/data-key/extract/v1"
_MESSAGE_INFO = b"vigil/data-key/message/v1"
_KEYRING_INFO = b"vigil/keyring/v1"
_KEYRING_MAGIC = b"VKR\x01"
_KEYRING_NONCE_SIZE = 12
_CIPHER_CACHE_SIZE = 2048
DERIVATION_SIZE = 12
SUBKEY_MESSAGES = 2**28
_NONCE_START = HEADER_SIZE + DERIVATION_SIZE
_BODY_START = HEADER_SIZE + SALT_SIZE


class DataKey:
    """A 32-byte data-encryption key and the 4-byte id that names it in ciphertexts."""

    __slots__ = ("_ciphers", "_key_id", "_prk", "_secret", "_subkey")

    def __init__(self, key_id: bytes, secret: bytes | bytearray) -> None:
        if len(key_id) != KEY_ID_SIZE:
            raise ValueError(f"A data key id must be {KEY_ID_SIZE} bytes long.")
        if len(secret) != SECRET_SIZE:
            raise ValueError(f"A data key must be {SECRET_SIZE} bytes long.")
        self._key_id = bytes(key_id)
        self._secret = bytearray(secret)
        # HKDF-Extract is done once here; each message only pays for HKDF-Expand.
        self._prk = bytearray(hmac.digest(_EXTRACT_SALT, self._secret, "sha256"))
        # Derived ciphers by derivation salt: the sealed fields of one record share a salt, so reading a record
        # derives its key once. Bounded, and emptied by `clear()`.
        self._ciphers: dict[bytes, AESGCM] = {}
        # This process's derived key for encrypting: (derivation salt, cipher, messages left).
        self._subkey: tuple[bytes, AESGCM, int] | None = None

    @classmethod
    def generate(cls) -> "DataKey":
        """Return a new key made of 32 random bytes and a random id."""
        return cls(os.urandom(KEY_ID_SIZE), os.urandom(SECRET_SIZE))

    @property
    def key_id(self) -> bytes:
        return self._key_id

    @property
    def is_cleared(self) -> bool:
        return not any(self._prk)

    def secret(self) -> bytes:
        """Return a copy of the raw key, e.g. to derive the blind-index key from it."""
        if self.is_cleared:
            raise SealedError()
        return bytes(self._secret)

    def message_cipher(self, derivation_salt: bytes) -> AESGCM:
        """Return the one-time AES-256-GCM cipher for the message with this salt."""
        cipher = self._ciphers.get(derivation_salt)
        if cipher is not None:
            return cipher
        if self.is_cleared:
            raise SealedError()
        cipher = AESGCM(hmac.digest(self._prk, _MESSAGE_INFO + derivation_salt + b"\x01", "sha256"))
        if len(self._ciphers) >= _CIPHER_CACHE_SIZE:
            self._ciphers.pop(next(iter(self._ciphers)))
        self._ciphers[derivation_salt] = cipher
        return cipher

    def encryption_subkey(self) -> tuple[bytes, AESGCM]:
        """This process's derived key for the next message, and its derivation salt; a new one every
        ``SUBKEY_MESSAGES`` messages. Under threads the count is approximate, far inside the margin to 2**32."""
        subkey = self._subkey
        if subkey is None or subkey[2] <= 0:
            salt = os.urandom(DERIVATION_SIZE)
            subkey = (salt, self.message_cipher(salt), SUBKEY_MESSAGES)
        self._subkey = (subkey[0], subkey[1], subkey[2] - 1)
        return subkey[0], subkey[1]

    def clear(self) -> None:
        """Overwrite the key material in place (best effort, see module docstring)."""
        self._subkey = None
        self._ciphers.clear()
        for buffer in (self._secret, self._prk):
            buffer[:] = bytes(len(buffer))

    def __repr__(self) -> str:
        return f"DataKey(key_id={self._key_id.hex()!r})"


class Keyring:
    """The data keys of a vault: old keys decrypt, the current key encrypts.

    Rotation: ``rotate()`` adds a new current key; values written before stay readable
    under their key id until they are re-encrypted and the old key is ``remove``d.
    The message counter is per process and approximate under threads; it is a safety
    net, since the limit is far beyond any realistic workload.
    """

    def __init__(
        self,
        keys: Iterable[DataKey] = (),
        current_id: bytes | None = None,
        *,
        message_limit: int = MESSAGE_LIMIT,
    ) -> None:
        self._keys: dict[bytes, DataKey] = {}
        self._current: bytes | None = None
        self._message_limit = message_limit
        self._messages_under_current = 0
        for key in keys:
            self.add(key, make_current=current_id is None)
        if current_id is not None:
            self.get(current_id)
            self._current = current_id

    @classmethod
    def generate(cls) -> "Keyring":
        """Return a keyring holding one new random key."""
        return cls([DataKey.generate()])

    def add(self, key: DataKey, *, make_current: bool = False) -> None:
        if key.key_id in self._keys:
            raise ValueError(f"The keyring already holds a key with id {key.key_id.hex()}.")
        self._keys[key.key_id] = key
        if make_current or self._current is None:
            self._current = key.key_id
            self._messages_under_current = 0

    def rotate(self) -> DataKey:
        """Add a new random key, make it current and return it."""
        key = DataKey.generate()
        while key.key_id in self._keys:
            key = DataKey.generate()
        self.add(key, make_current=True)
        return key

    def remove(self, key_id: bytes) -> None:
        """Forget and wipe a retired key; data still under it becomes unreadable."""
        if key_id == self._current:
            raise ValueError("The current data key cannot be removed; rotate first.")
        self.get(key_id).clear()
        del self._keys[key_id]

    @property
    def current(self) -> DataKey:
        if self._current is None:
            raise SealedError()
        return self._keys[self._current]

    @property
    def key_ids(self) -> tuple[bytes, ...]:
        return tuple(self._keys)

    def get(self, key_id: bytes) -> DataKey:
        try:
            return self._keys[key_id]
        except KeyError:
            if not self._keys:
                raise SealedError() from None
            raise UnknownKeyError() from None

    def take_for_encryption(self) -> DataKey:
        """Return the current key, counting one message against its limit."""
        key = self.current
        if self._messages_under_current >= self._message_limit:
            raise KeyExhaustedError()
        self._messages_under_current += 1
        return key

    def clear(self) -> None:
        """Wipe every key (best effort) and forget them: the keyring is then sealed."""
        for key in self._keys.values():
            key.clear()
        self._keys.clear()
        self._current = None

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        current = self._current.hex() if self._current else None
        return f"Keyring(keys={len(self._keys)}, current={current!r})"

    def seal(self, vault_key: bytes) -> bytes:
        """Encrypt the whole keyring under the vault key (the key the wraps protect)."""
        current = self.current.key_id
        plain = bytearray(current + len(self._keys).to_bytes(2, "big"))
        for key in self._keys.values():
            plain += key.key_id + key.secret()
        nonce = os.urandom(_KEYRING_NONCE_SIZE)
        sealed = AESGCM(_keyring_key(vault_key)).encrypt(nonce, bytes(plain), _KEYRING_MAGIC)
        plain[:] = bytes(len(plain))
        return _KEYRING_MAGIC + nonce + sealed

    @classmethod
    def unseal(cls, vault_key: bytes, blob: bytes) -> "Keyring":
        """Inverse of ``seal``.

        Raises ``TamperedError`` if the blob was altered or belongs to another vault.
        """
        head = len(_KEYRING_MAGIC)
        if blob[:head] != _KEYRING_MAGIC or len(blob) < head + _KEYRING_NONCE_SIZE + TAG_SIZE:
            raise TamperedError("The stored keyring is damaged or in an unknown format.")
        nonce = blob[head : head + _KEYRING_NONCE_SIZE]
        try:
            plain = AESGCM(_keyring_key(vault_key)).decrypt(nonce, blob[head + _KEYRING_NONCE_SIZE :], _KEYRING_MAGIC)
        except InvalidTag:
            raise TamperedError(
                "The stored keyring failed its integrity check: it was altered or belongs to another vault."
            ) from None
        current, count = (
            plain[:KEY_ID_SIZE],
            int.from_bytes(plain[KEY_ID_SIZE : KEY_ID_SIZE + 2], "big"),
        )
        entry = KEY_ID_SIZE + SECRET_SIZE
        body = plain[KEY_ID_SIZE + 2 :]
        if len(body) != count * entry:
            raise TamperedError("The stored keyring is damaged: its length does not match its key count.")
        keys = [
            DataKey(
                body[i * entry : i * entry + KEY_ID_SIZE],
                body[i * entry + KEY_ID_SIZE : (i + 1) * entry],
            )
            for i in range(count)
        ]
        return cls(keys, current)


def _keyring_key(vault_key: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=_KEYRING_INFO).derive(vault_key)


def field_aad(table: str, pk: str, field: str) -> bytes:
    """Associated data naming one field of one record, so ciphertexts cannot move."""
    return length_prefixed(b"vigil/field/v1", table.encode(), str(pk).encode(), field.encode())


def encrypt_value(keyring: Keyring, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt ``plaintext`` under the keyring's current key (this process's derived key of it), binding ``aad``."""
    key = keyring.take_for_encryption()
    derivation_salt, cipher = key.encryption_subkey()
    nonce = os.urandom(SALT_SIZE - DERIVATION_SIZE)
    header = bytes((FORMAT_VERSION,)) + key.key_id
    return header + derivation_salt + nonce + cipher.encrypt(nonce, plaintext, header + aad)


def _refuse_format(blob: bytes) -> None:
    if len(blob) < OVERHEAD:
        raise TamperedError("The encrypted value is too short to be genuine: it was truncated or altered.")
    raise TamperedError(
        f"The encrypted value has an unknown format version ({blob[0]}): it "
        "was altered or written by a newer version of Vigil."
    )


def decrypt_value(keyring: Keyring, blob: bytes, aad: bytes) -> bytes:
    """Return the plaintext of ``blob`` or raise; never returns unauthenticated bytes.

    Raises ``TamperedError`` (altered, truncated or moved), ``UnknownKeyError`` (key id
    not in the keyring) or ``SealedError`` (empty keyring).
    """
    if len(blob) < OVERHEAD or blob[0] != FORMAT_VERSION:
        _refuse_format(blob)
    header = bytes(blob[:HEADER_SIZE])
    # Straight to the cached cipher: a page of records comes through here once per record.
    key = keyring._keys.get(header[1:]) or keyring.get(header[1:])
    derivation = bytes(blob[HEADER_SIZE:_NONCE_START])
    cipher = key._ciphers.get(derivation) or key.message_cipher(derivation)
    try:
        return cipher.decrypt(blob[_NONCE_START:_BODY_START], blob[_BODY_START:], header + aad)
    except InvalidTag:
        raise TamperedError() from None
