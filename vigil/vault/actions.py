"""Every change to the vault, each writing its audit entry in the same transaction.

Threat: a coerced or careless operator, or an insider. Invariants: the vault key never leaves these functions except
into the process state (`state.install`); every wrap change is audited; the duress passphrase destroys the local
passphrase wraps yet answers exactly like a successful unseal (same return value, one Argon2id derivation, one audit
entry); a passphrase that fails the password policy is refused before anything is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction
from django.http import HttpRequest

from vigil.accounts.models import User
from vigil.audit.actions import record_event
from vigil.audit.details_keys import new_audit_details_keys
from vigil.vault import state
from vigil.vault.aead import Keyring
from vigil.vault.errors import VaultError, WrongKeyError
from vigil.vault.keys import (
    Credential,
    derive_passphrase_kek,
    duress_mac,
    get_vault,
    new_kdf_params,
    open_vault,
    random_duress_check,
    vault_exists,
    wraps_of,
)
from vigil.vault.models import VAULT_ROW, OperatorNote, Vault
from vigil.vault.shares import split_secret
from vigil.vault.wrapping import (
    KdfParams,
    Wrap,
    derive_recovery_kek,
    derive_shares_kek,
    generate_recovery_key,
    wrap_key,
)

VAULT_KEY_SIZE = 32
FIRST_OPERATOR = "operator 1"
RECOVERY_LABEL = "recovery"


class VaultActionError(VaultError):
    """A refused vault change; the message says why and that nothing changed."""


def _actor_id(actor: User | None) -> int | None:
    return actor.pk if actor is not None else None


def check_passphrase_strength(passphrase: str) -> None:
    """Raise `VaultActionError` unless the passphrase passes the password policy (15+ characters, not common)."""
    from django.core.exceptions import ValidationError

    try:
        validate_password(passphrase)
    except ValidationError as error:
        raise VaultActionError(f"the passphrase is not accepted: {' '.join(error.messages)}") from None


def _passphrase_wrap(vault_key: bytes, passphrase: str, label: str, params: KdfParams) -> Wrap:
    return wrap_key(vault_key, derive_passphrase_kek(passphrase, params), "passphrase", label, params)


@dataclass(frozen=True)
class CreatedVault:
    recovery_key: str


@transaction.atomic
def do_create_vault(*, passphrase: str, label: str = FIRST_OPERATOR, actor: User | None = None) -> CreatedVault:
    """Create the vault: a vault key wrapped by the passphrase and by a new recovery key (returned, shown once)."""
    if vault_exists():
        raise VaultActionError("this instance already has a vault; nothing was changed.")
    check_passphrase_strength(passphrase)
    vault_key = os.urandom(VAULT_KEY_SIZE)
    keyring = Keyring.generate()
    params = new_kdf_params()
    recovery_text, recovery_key = generate_recovery_key()
    wraps = [
        _passphrase_wrap(vault_key, passphrase, label, params),
        wrap_key(vault_key, derive_recovery_kek(recovery_key), "recovery", RECOVERY_LABEL),
    ]
    details_public, details_private_sealed = new_audit_details_keys(vault_key)
    Vault.objects.create(
        pk=VAULT_ROW,
        kdf=params.to_dict(),
        wraps=[wrap.to_dict() for wrap in wraps],
        duress_check=random_duress_check(),
        keyring=keyring.seal(vault_key),
        audit_details_public_key=details_public,
        audit_details_private_key=details_private_sealed,
    )
    keyring.clear()
    record_event(actor_id=_actor_id(actor), action="vault.create", object_type="vault", object_id=VAULT_ROW)
    return CreatedVault(recovery_text)


def unlock(credential: Credential) -> bytes:
    """The vault key for a credential, for commands that work in their own process (rekey, backup, wraps).

    A duress passphrase destroys the passphrase wraps here too, and is then reported like a wrong passphrase.
    """
    opened = open_vault(get_vault(), credential)
    if opened.duress:
        _destroy_passphrase_wraps(actor=None, request=None)
        raise WrongKeyError("The passphrase is wrong: it does not unlock the vault.")
    assert opened.vault_key is not None
    return opened.vault_key


@transaction.atomic
def _destroy_passphrase_wraps(*, actor: User | None, request: HttpRequest | None) -> None:
    vault = get_vault(for_update=True)
    vault.wraps = [data for data in vault.wraps if data.get("kind") != "passphrase"]
    vault.duress_check = random_duress_check()
    vault.seal_epoch += 1
    vault.save(update_fields=["wraps", "duress_check", "seal_epoch"])
    record_event(
        actor_id=_actor_id(actor), action="vault.duress", object_type="vault", object_id=VAULT_ROW, request=request
    )
    transaction.on_commit(flush_destroyed_pages)


def flush_destroyed_pages() -> None:
    """Make a destroyed wrap unrecoverable from the files now, not at the next checkpoint.

    SQLite keeps the old page in the main file until the WAL is checkpointed (secure_delete, set for every connection,
    zeroes what is freed then); PostgreSQL keeps the old row version until VACUUM (see the README).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def do_unseal(*, credential: Credential, actor: User | None = None, request: HttpRequest | None = None) -> None:
    """Unseal this process. Returns normally for a genuine credential and for the duress passphrase alike.

    Duress: every passphrase wrap and the duress verifier are destroyed, the seal epoch moves (every process seals,
    as after a remote "seal now"), and this process stays sealed. Only the recovery key or shares open it again.
    Raises `WrongKeyError` (and kin) for a wrong credential, after auditing the attempt.
    """
    vault = get_vault()
    try:
        opened = open_vault(vault, credential)
    except VaultError:
        record_event(
            actor_id=_actor_id(actor),
            action="vault.unseal_failed",
            object_type="vault",
            object_id=VAULT_ROW,
            details={"method": credential.method},
            request=request,
        )
        raise
    if opened.duress:
        _destroy_passphrase_wraps(actor=actor, request=request)
        state.seal_process()
        return
    assert opened.vault_key is not None
    with transaction.atomic():
        record_event(
            actor_id=_actor_id(actor),
            action="vault.unseal",
            object_type="vault",
            object_id=VAULT_ROW,
            details={"method": credential.method},
            request=request,
        )
        state.unseal_process(opened.vault_key)


@transaction.atomic
def do_seal(*, actor: User | None = None, request: HttpRequest | None = None) -> None:
    """Seal every process: move the seal epoch (others notice within a second) and drop this process's keys now."""
    state.seal_process()
    vault = get_vault(for_update=True)
    vault.seal_epoch += 1
    vault.save(update_fields=["seal_epoch"])
    record_event(
        actor_id=_actor_id(actor), action="vault.seal", object_type="vault", object_id=VAULT_ROW, request=request
    )


def _save_wraps(vault: Vault, wraps: list[Wrap], fields: tuple[str, ...] = ()) -> None:
    vault.wraps = [wrap.to_dict() for wrap in wraps]
    vault.save(update_fields=["wraps", *fields])


def _check_key(vault: Vault, vault_key: bytes) -> None:
    Keyring.unseal(vault_key, bytes(vault.keyring)).clear()


@transaction.atomic
def do_add_passphrase(*, vault_key: bytes, passphrase: str, label: str, actor: User | None = None) -> None:
    """Add an operator's own passphrase wrap under a label naming a role, not a person."""
    vault = get_vault(for_update=True)
    _check_key(vault, vault_key)
    check_passphrase_strength(passphrase)
    wraps = wraps_of(vault)
    if any(wrap.label == label for wrap in wraps):
        raise VaultActionError(f"a key wrap called {label!r} already exists; nothing was changed.")
    params = KdfParams.from_dict(vault.kdf)
    kek = derive_passphrase_kek(passphrase, params)
    if hmac_equal(duress_mac(kek), bytes(vault.duress_check)):
        raise VaultActionError("this passphrase is the duress passphrase; choose another. Nothing was changed.")
    _save_wraps(vault, [*wraps, wrap_key(vault_key, kek, "passphrase", label, params)])
    record_event(
        actor_id=_actor_id(actor),
        action="vault.add_passphrase",
        object_type="vault",
        object_id=VAULT_ROW,
        details={"label": label},
    )


def hmac_equal(left: bytes, right: bytes) -> bool:
    import hmac

    return hmac.compare_digest(left, right)


@transaction.atomic
def do_remove_passphrase(*, vault_key: bytes, label: str, actor: User | None = None) -> None:
    vault = get_vault(for_update=True)
    _check_key(vault, vault_key)
    wraps = wraps_of(vault)
    kept = [wrap for wrap in wraps if not (wrap.kind == "passphrase" and wrap.label == label)]
    if len(kept) == len(wraps):
        raise VaultActionError(f"there is no passphrase called {label!r}; nothing was changed.")
    _save_wraps(vault, kept)
    record_event(
        actor_id=_actor_id(actor),
        action="vault.remove_passphrase",
        object_type="vault",
        object_id=VAULT_ROW,
        details={"label": label},
    )


@transaction.atomic
def do_set_duress(*, vault_key: bytes, duress_passphrase: str, actor: User | None = None) -> None:
    """Set the operator duress passphrase (replacing any earlier one)."""
    vault = get_vault(for_update=True)
    _check_key(vault, vault_key)
    check_passphrase_strength(duress_passphrase)
    params = KdfParams.from_dict(vault.kdf)
    kek = derive_passphrase_kek(duress_passphrase, params)
    from vigil.vault.keys import _try_wraps

    if _try_wraps(wraps_of(vault, "passphrase"), kek) is not None:
        raise VaultActionError("the duress passphrase must differ from every operator passphrase; nothing was changed.")
    vault.duress_check = duress_mac(kek)
    vault.save(update_fields=["duress_check"])
    record_event(actor_id=_actor_id(actor), action="vault.set_duress", object_type="vault", object_id=VAULT_ROW)


@transaction.atomic
def do_split_shares(
    *, vault_key: bytes, threshold: int, count: int, only_shares: bool = False, actor: User | None = None
) -> list[str]:
    """Replace the M-of-N shares wrap; return the share texts (shown once, one per holder).

    With `only_shares`, every operator passphrase wrap is destroyed too, so that no single person can unseal: then M
    holders (or the offline recovery key) are needed, which is the point of M-of-N under coercion.
    """
    vault = get_vault(for_update=True)
    _check_key(vault, vault_key)
    try:
        secret, texts = split_secret(threshold, count)
    except ValueError as error:
        raise VaultActionError(f"{error} Nothing was changed.") from None
    label = f"shares {threshold} of {count}"
    dropped = {"shares", "passphrase"} if only_shares else {"shares"}
    kept = [wrap for wrap in wraps_of(vault) if wrap.kind not in dropped]
    _save_wraps(vault, [*kept, wrap_key(vault_key, derive_shares_kek(secret), "shares", label)])
    if only_shares:
        vault.duress_check = random_duress_check()
        vault.save(update_fields=["duress_check"])
        transaction.on_commit(flush_destroyed_pages)
    record_event(
        actor_id=_actor_id(actor),
        action="vault.split_shares",
        object_type="vault",
        object_id=VAULT_ROW,
        details={"threshold": threshold, "count": count, "only_shares": only_shares},
    )
    return texts


@transaction.atomic
def do_recovery_rewrap(*, vault_key: bytes, actor: User | None = None) -> str:
    """Replace the recovery key (e.g. after the sheet was exposed); return the new one, shown once."""
    vault = get_vault(for_update=True)
    _check_key(vault, vault_key)
    text, recovery_key = generate_recovery_key()
    kept = [wrap for wrap in wraps_of(vault) if wrap.kind != "recovery"]
    _save_wraps(vault, [*kept, wrap_key(vault_key, derive_recovery_kek(recovery_key), "recovery", RECOVERY_LABEL)])
    record_event(actor_id=_actor_id(actor), action="vault.recovery_rewrap", object_type="vault", object_id=VAULT_ROW)
    return text


@transaction.atomic
def do_create_operator_note(
    *, title: str, body: str, attachment: BinaryIO | None = None, actor: User | None = None
) -> OperatorNote:
    """Keep a sealed note about the instance (where the recovery sheet is kept, who holds shares), with an optional
    file encrypted into the file store."""
    from vigil.vault.files import store_file

    address = store_file(attachment).address if attachment is not None else ""
    note = OperatorNote(title=title, attachment=address)
    note.body = body
    note.full_clean()
    note.save()
    record_event(
        actor_id=_actor_id(actor),
        action="vault.note_create",
        object_type="operator_note",
        object_id=str(note.pk),
        fields=["title", "body"],
    )
    return note
