"""Opening the vault key with what a person holds: a passphrase, the recovery key, or M of N shares.

Threat: police watch an operator type, or try passphrases offline against a seized database. Invariants:

* One Argon2id derivation per passphrase attempt, whatever the passphrase turns out to be (an operator's, the duress
  passphrase, or wrong): every passphrase wrap and the duress verifier share the vault's KDF parameters, so the
  derived key is tried against all of them, and all of them are always tried.
* The duress verifier is HMAC(derived key, label); without a duress passphrase it is random bytes of the same length,
  so the database does not reveal whether one is set.
* Derivations run one at a time in a process (`_kdf_lock`): each takes 1 GiB, and parallel attempts must not exhaust
  the server's memory.
"""

from __future__ import annotations

import hmac
import os
import threading
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings

from vigil.vault.errors import NotEnoughSharesError, TamperedError, VaultError, WrongKeyError
from vigil.vault.models import VAULT_ROW, Vault
from vigil.vault.shares import combine_shares
from vigil.vault.wrapping import (
    KdfParams,
    Wrap,
    cheap_kdf_params_for_tests,
    default_kdf_params,
    derive_kek,
    derive_recovery_kek,
    derive_shares_kek,
    parse_recovery_key,
    unwrap_key,
)

Method = Literal["passphrase", "recovery", "shares"]
DURESS_LABEL = b"vigil/duress/v1"
_kdf_lock = threading.Lock()


class NoVaultError(VaultError):
    default_message = "This instance has no vault; create one with 'vigil init'."


@dataclass(frozen=True)
class Credential:
    """What someone typed to open the vault. `repr` never shows the secret."""

    method: Method
    secret: str = field(default="", repr=False)
    shares: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Opened:
    """The result of trying a credential: the vault key, or `duress` (then `vault_key` is None)."""

    vault_key: bytes | None
    duress: bool = False


def new_kdf_params() -> KdfParams:
    """Default Argon2id parameters (1 GiB), or cheap ones when the test setting allows them."""
    if settings.VIGIL_CHEAP_KDF_FOR_TESTS:
        return cheap_kdf_params_for_tests(allowed=bool(settings.CONFIGURED_DEBUG))
    return default_kdf_params()


def get_vault(*, for_update: bool = False) -> Vault:
    queryset = Vault.objects.select_for_update() if for_update else Vault.objects
    try:
        return queryset.get(pk=VAULT_ROW)
    except Vault.DoesNotExist:
        raise NoVaultError() from None


def vault_exists() -> bool:
    return Vault.objects.filter(pk=VAULT_ROW).exists()


def wraps_of(vault: Vault, kind: str | None = None) -> list[Wrap]:
    wraps = [Wrap.from_dict(data) for data in vault.wraps]
    return [wrap for wrap in wraps if kind is None or wrap.kind == kind]


def duress_mac(kek: bytes) -> bytes:
    return hmac.digest(kek, DURESS_LABEL, "sha256")


def random_duress_check() -> bytes:
    return os.urandom(32)


def derive_passphrase_kek(passphrase: str, params: KdfParams) -> bytes:
    with _kdf_lock:
        return derive_kek(passphrase, params)


def _try_wraps(wraps: list[Wrap], kek: bytes) -> bytes | None:
    """Try every wrap (always all of them, for even timing); return the vault key or None."""
    found: bytes | None = None
    damaged = 0
    for wrap in wraps:
        try:
            key = unwrap_key(wrap, kek)
        except WrongKeyError:
            continue
        except TamperedError:
            damaged += 1
            continue
        found = found or key
    if found is None and wraps and damaged == len(wraps):
        raise TamperedError("Every key wrap of this kind is damaged or was altered; use another way to unlock.")
    return found


def open_with_passphrase(vault: Vault, passphrase: str) -> Opened:
    if not passphrase:
        raise WrongKeyError()
    params = KdfParams.from_dict(vault.kdf)
    kek = derive_passphrase_kek(passphrase, params)
    is_duress = hmac.compare_digest(duress_mac(kek), bytes(vault.duress_check))
    wraps = wraps_of(vault, "passphrase")
    same = [wrap for wrap in wraps if wrap.kdf == params]
    key = _try_wraps(same, kek)
    # Wraps made with other parameters (an older default) cost a derivation each; their presence is public anyway.
    for wrap in (wrap for wrap in wraps if wrap.kdf != params and wrap.kdf is not None):
        assert wrap.kdf is not None
        key = _try_wraps([wrap], derive_passphrase_kek(passphrase, wrap.kdf)) or key
    if is_duress:
        return Opened(None, duress=True)
    if key is None:
        raise WrongKeyError("The passphrase is wrong: it does not unlock the vault.")
    return Opened(key)


def open_with_recovery_key(wraps: list[Wrap], text: str) -> Opened:
    kek = derive_recovery_kek(parse_recovery_key(text))
    key = _try_wraps([wrap for wrap in wraps if wrap.kind == "recovery"], kek)
    if key is None:
        raise WrongKeyError("The recovery key is well formed but does not belong to this vault.")
    return Opened(key)


def open_with_shares(wraps: list[Wrap], shares: tuple[str, ...]) -> Opened:
    if not shares:
        raise NotEnoughSharesError("No shares were given.")
    kek = derive_shares_kek(combine_shares(list(shares)))
    key = _try_wraps([wrap for wrap in wraps if wrap.kind == "shares"], kek)
    if key is None:
        raise WrongKeyError("These shares do not belong to this vault's current set of shares.")
    return Opened(key)


def open_vault(vault: Vault, credential: Credential) -> Opened:
    """Return the vault key (or the duress outcome) for a credential; raises `WrongKeyError` and its kin."""
    if credential.method == "passphrase":
        return open_with_passphrase(vault, credential.secret)
    if credential.method == "recovery":
        return open_with_recovery_key(wraps_of(vault), credential.secret)
    return open_with_shares(wraps_of(vault), credential.shares)
