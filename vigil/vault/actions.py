"""Every change to the vault, each writing its audit entry in the same transaction.

Threat: a coerced or careless operator, or an insider. Invariants: the vault key never leaves these functions except
into the process state (`state.install`); every wrap change is audited; the duress passphrase destroys the local
passphrase wraps yet answers exactly like a successful unseal (same return value, one Argon2id derivation, one audit
entry, whose plain columns are those of a failed attempt: only its sealed details say "duress"); a passphrase that
fails the password policy is refused before anything is written.

Unseal attempts are rationed, because each costs a 1 GiB Argon2id derivation and each is a guess: one attempt at a time
per process (`UnsealBusyError`), and at most `UNSEAL_FAILURE_LIMIT` failures per `UNSEAL_FAILURE_WINDOW` per
instance, counted from the audit log so that every process and every command shares the count
(`UnsealThrottledError`). Both refusals come before any derivation.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

from django.contrib.auth.password_validation import validate_password
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.audit.actions import record_event
from vigil.audit.details import canonical_json
from vigil.audit.details_keys import new_audit_details_keys
from vigil.audit.models import AuditEntry
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
UNSEAL_FAILED = "vault.unseal_failed"
UNSEAL_FAILURE_LIMIT = 5
UNSEAL_FAILURE_WINDOW = timedelta(minutes=15)
# How long an attempt waits for the one running in this process before it is refused: shorter than a derivation, so
# that attempts do not queue up (each queued one would still cost its gibibyte in turn).
UNSEAL_WAIT_SECONDS = 1.0
# Every failed-attempt entry's details are padded to this many bytes of JSON: the sealed blob's length would otherwise
# tell a duress entry from a wrong passphrase.
FAILED_ATTEMPT_DETAILS_SIZE = 160
logger = logging.getLogger(__name__)


class VaultActionError(VaultError):
    """A refused vault change; the message says why and that nothing changed."""


class UnsealBusyError(VaultError):
    """Another unseal attempt is being checked in this process; this one was refused before any derivation."""

    default_message = "Another attempt to unseal is being checked on this server right now; try again in a few seconds."


class UnsealThrottledError(VaultError):
    """Too many failed unseal attempts lately; no attempt is checked before `retry_at` (aware, UTC)."""

    def __init__(self, retry_at: datetime) -> None:
        self.retry_at = retry_at
        super().__init__(
            f"There were {UNSEAL_FAILURE_LIMIT} failed attempts to unseal the vault within "
            f"{int(UNSEAL_FAILURE_WINDOW.total_seconds() // 60)} minutes, so no attempt is checked until "
            f"{retry_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC; try again then."
        )


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


# One unseal attempt at a time in this process (see `UNSEAL_WAIT_SECONDS`).
_attempt_lock = threading.Lock()
# Leaf hashes of the audit entries of duress attempts this process answered as successes. Those entries read as failed
# attempts in the log, as they must, yet the limit must treat them like the success the person watching saw. Only this
# process knows, and it forgets on restart; other processes count them as failures. On one machine `vigil serve`
# answers both the web page and `vigil unseal`, so what the person watching can observe is the count of a success.
_uncounted_failures: set[bytes] = set()


def counted_unseal_failures(now: datetime | None = None) -> list[datetime]:
    """Times of the failed unseal attempts that count against the limit now, newest first (at most the limit)."""
    since = (now or timezone.now()) - UNSEAL_FAILURE_WINDOW
    # Read from the audit log, which every process and command writes: the count cannot be reset by restarting one.
    rows = (
        AuditEntry.objects.filter(action=UNSEAL_FAILED, time__gt=since)
        .order_by("-index")
        .values_list("leaf_hash", "time")[: UNSEAL_FAILURE_LIMIT + len(_uncounted_failures)]
    )
    return [at for leaf, at in rows if bytes(leaf) not in _uncounted_failures][:UNSEAL_FAILURE_LIMIT]


def unseal_retry_at(now: datetime | None = None) -> datetime | None:
    """When the next unseal attempt will be checked, if the failure limit refuses attempts now; otherwise None."""
    failures = counted_unseal_failures(now)
    if len(failures) < UNSEAL_FAILURE_LIMIT:
        return None
    return failures[UNSEAL_FAILURE_LIMIT - 1] + UNSEAL_FAILURE_WINDOW


@contextmanager
def _one_attempt() -> Iterator[None]:
    """Hold this process's single unseal slot, or refuse (busy, or too many failures) before any derivation."""
    if not _attempt_lock.acquire(timeout=UNSEAL_WAIT_SECONDS):
        raise UnsealBusyError()
    try:
        retry_at = unseal_retry_at()
        if retry_at is not None:
            logger.warning("An unseal attempt was refused: too many failed attempts recently.")
            raise UnsealThrottledError(retry_at)
        yield
    finally:
        _attempt_lock.release()


def _failed_attempt_details(method: str, *, duress: bool) -> dict[str, Any]:
    outcome = "duress passphrase: every passphrase wrap was destroyed" if duress else "wrong or damaged credential"
    details: dict[str, Any] = {"method": method, "duress": duress, "outcome": outcome, "pad": ""}
    details["pad"] = " " * max(0, FAILED_ATTEMPT_DETAILS_SIZE - len(canonical_json(details)))
    return details


def _record_failed_attempt(
    method: str, *, actor: User | None, request: HttpRequest | None, duress: bool = False
) -> AuditEntry:
    """The one way a failed attempt is written, so that a duress entry differs from it only inside sealed details."""
    return record_event(
        actor_id=_actor_id(actor),
        action=UNSEAL_FAILED,
        object_type="vault",
        object_id=VAULT_ROW,
        details=_failed_attempt_details(method, duress=duress),
        request=request,
    )


def unlock(credential: Credential) -> bytes:
    """The vault key for a credential, for commands that work in their own process (rekey, backup, wraps).

    Shares the unseal limits and audits a failure like a failed unseal. A duress passphrase destroys the passphrase
    wraps here too, and is then reported, audited and counted like a wrong passphrase.
    """
    with _one_attempt():
        try:
            opened = open_vault(get_vault(), credential)
        except VaultError:
            _record_failed_attempt(credential.method, actor=None, request=None)
            raise
        if opened.duress:
            _destroy_passphrase_wraps(actor=None, request=None, counted=True)
            raise WrongKeyError("The passphrase is wrong: it does not unlock the vault.")
    assert opened.vault_key is not None
    return opened.vault_key


@transaction.atomic
def _destroy_passphrase_wraps(*, actor: User | None, request: HttpRequest | None, counted: bool) -> None:
    """Destroy every passphrase wrap and the duress verifier; audit it as a failed passphrase attempt.

    `counted`: whether the unseal limit counts this like the failure it is recorded as (it must when the caller
    answers "wrong passphrase"; not when the caller answers like a success).
    """
    vault = get_vault(for_update=True)
    vault.wraps = [data for data in vault.wraps if data.get("kind") != "passphrase"]
    vault.duress_check = random_duress_check()
    vault.seal_epoch += 1
    vault.save(update_fields=["wraps", "duress_check", "seal_epoch"])
    entry = _record_failed_attempt("passphrase", actor=actor, request=request, duress=True)
    if not counted:
        transaction.on_commit(lambda: _uncounted_failures.add(bytes(entry.leaf_hash)))
    transaction.on_commit(flush_destroyed_pages)


# How long a flush keeps retrying while readers hold the table (a running backup holds it throughout).
FLUSH_GIVE_UP_SECONDS = 300
_flush_threads: list[threading.Thread] = []
_flush_threads_lock = threading.Lock()


class _NotYet(Exception):
    """The flush could not run yet (a reader holds the table); try again shortly."""


def flush_destroyed_pages() -> None:
    """Make a destroyed wrap unrecoverable from the live database files now, not at the next checkpoint or vacuum.

    SQLite keeps the old page in the WAL until it is checkpointed; the checkpoint copies the new page into the main
    file, and secure_delete (set for every connection) zeroes what is freed, so the old bytes leave both files.

    PostgreSQL keeps the old row version in the table's page until VACUUM, and a plain VACUUM only marks its space
    free (the bytes stay until the space is reused). `VACUUM (FULL)` rewrites the vault table into a new file holding
    only live rows and empties the old file at once (it is unlinked at the next checkpoint). What remains: the WAL
    segments that logged the old row version, until they are recycled after later checkpoints (and any WAL archive,
    replica or earlier backup), and the file system's freed blocks, which only the storage layer can wipe.

    Register it with `transaction.on_commit`: VACUUM cannot run inside a transaction, so inside one (only where commit
    hooks are run early, as in tests) it does nothing. The work runs in a thread of its own, so the answer to a duress
    unseal is not delayed by it (a delay would tell it from a real unseal), and a long reader such as a running backup
    only postpones it: it retries for `FLUSH_GIVE_UP_SECONDS`, then logs a warning. It never raises.
    """
    if connection.in_atomic_block:
        return
    thread = threading.Thread(target=_flush_until_done, name="vigil-flush-destroyed-wraps")
    with _flush_threads_lock:
        _flush_threads[:] = [running for running in _flush_threads if running.is_alive()]
        _flush_threads.append(thread)
    thread.start()  # not a daemon: a command that destroyed a wrap waits for this before it exits


def wait_for_flushes(timeout: float = 60) -> bool:
    """Wait until every flush started so far in this process has finished; False if some still run after `timeout`."""
    with _flush_threads_lock:
        threads = list(_flush_threads)
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)


def _flush_until_done() -> None:
    deadline = time.monotonic() + FLUSH_GIVE_UP_SECONDS
    delay = 0.25
    try:
        while True:
            try:
                _flush_once()
                return
            except (_NotYet, DatabaseError):
                if time.monotonic() + delay > deadline:
                    logger.warning(
                        "The database could not be compacted after a key wrap was destroyed; run "
                        "'VACUUM (FULL) %s' on PostgreSQL, or restart Vigil on SQLite, to remove the old wrap.",
                        Vault._meta.db_table,
                    )
                    return
            time.sleep(delay)
            delay = min(delay * 2, 15.0)
    finally:
        connection.close()  # this thread's own connection


def _flush_once() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
            if busy:
                raise _NotYet()
        elif connection.vendor == "postgresql":
            # VACUUM FULL needs the table to itself, and while it waits every reader of the table queues behind it:
            # wait briefly, then let go and try again later.
            cursor.execute("SET lock_timeout = '500ms'")
            cursor.execute(f"VACUUM (FULL) {connection.ops.quote_name(Vault._meta.db_table)}")


def do_unseal(*, credential: Credential, actor: User | None = None, request: HttpRequest | None = None) -> None:
    """Unseal this process. Returns normally for a genuine credential and for the duress passphrase alike.

    Duress: every passphrase wrap and the duress verifier are destroyed, the seal epoch moves (every process seals,
    as after a remote "seal now"), and this process stays sealed. Only the recovery key or shares open it again. The
    audit entry has the plain columns of a failed attempt; the failure limit does not count it, as after a success.
    Raises `WrongKeyError` (and kin) for a wrong credential, after auditing the attempt; `UnsealBusyError` or
    `UnsealThrottledError` before trying anything.
    """
    with _one_attempt():
        vault = get_vault()
        try:
            opened = open_vault(vault, credential)
        except VaultError:
            _record_failed_attempt(credential.method, actor=actor, request=request)
            raise
        if opened.duress:
            _destroy_passphrase_wraps(actor=actor, request=request, counted=False)
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
    # A removed or replaced wrap (an exposed recovery sheet, old shares, a departed operator) must not linger either.
    transaction.on_commit(flush_destroyed_pages)


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
