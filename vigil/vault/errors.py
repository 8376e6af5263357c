"""Errors raised by the vault, each a sentence an operator can act on.

Why a module of its own: the Django side maps these to pages and exit codes, and the
distinction matters for safety. "Wrong passphrase" invites a retry; "tampered" means
somebody altered stored data and must never be answered with a best-effort guess.
Every decryption path in the vault either returns authentic plaintext or raises one of
these; none returns garbage.
"""


class VaultError(Exception):
    """Base class of every error the vault raises on purpose."""

    default_message = "The vault could not complete the operation."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class SealedError(VaultError):
    """No key is in memory: an operator must unseal the vault first."""

    default_message = "The vault is sealed: an operator must unseal it before sealed data can be read or written."


class TamperedError(VaultError):
    """Authentication failed: a ciphertext, wrap or file chunk was altered or moved."""

    default_message = (
        "Stored encrypted data failed its integrity check: it was altered, damaged, "
        "or copied from another record. Nothing was decrypted."
    )


class WrongKeyError(VaultError):
    """The passphrase, recovery key or set of shares does not open this wrap."""

    default_message = "The passphrase, recovery key or shares are wrong: they do not unlock the vault."


class NotEnoughSharesError(WrongKeyError):
    """Fewer distinct shares than the threshold were given."""

    default_message = "Not enough shares were given to unlock the vault."


class UnknownKeyError(VaultError):
    """The data was encrypted under a key id that this keyring does not hold."""

    default_message = (
        "This data was encrypted with a key the vault no longer holds (it was "
        "destroyed or never belonged to this vault), or its key id was altered."
    )


class KeyExhaustedError(VaultError):
    """The current data key reached its safe message limit and must be rotated."""

    default_message = (
        "The current data key has encrypted as many values as it safely can: "
        "rotate the data key before writing more sealed data."
    )


class InsecureParametersError(VaultError):
    """Cheap key-derivation parameters were requested outside of tests."""

    default_message = (
        "Cheap key-derivation parameters are for automated tests only and are "
        "refused here; the vault uses its default Argon2id parameters."
    )


class KeyTextError(VaultError, ValueError):
    """A typed recovery key or share is malformed (wrong length, stray character)."""

    default_message = "The key text is malformed."


class ChecksumError(KeyTextError):
    """A typed recovery key or share has a typo: its checksum does not match."""

    default_message = "The key text contains a typo: its checksum does not match."


class PathOutsideStoreError(VaultError):
    """A file address is malformed or resolves outside the store (e.g. a symlink)."""

    default_message = "The file address is not valid or points outside the encrypted file store."


class MissingFileError(VaultError):
    """No file with this address is in the store."""

    default_message = "The encrypted file store holds no file with this address."
