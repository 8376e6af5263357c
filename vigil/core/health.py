"""The checks behind `vigil doctor`: each one a plain sentence saying what is right or what to do about it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError

from vigil.core import instance


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str


def run_checks() -> Iterator[Check]:
    directory = instance.data_dir()
    if not directory.is_dir():
        yield Check(False, f"The data directory {directory} does not exist. Run 'vigil init'.")
        return
    yield Check(True, f"The data directory is {directory}.")
    mode = instance.mode_of(directory)
    yield Check(
        mode & 0o077 == 0,
        "Only the owner can open the data directory."
        if mode & 0o077 == 0
        else f"Others can open the data directory (mode {mode:o}); run 'chmod 700 {directory}'.",
    )
    for name in ("secret_key", "audit_signing_key.pem"):
        path = directory / name
        if path.exists():
            file_mode = instance.mode_of(path)
            yield Check(
                file_mode & 0o077 == 0,
                f"{name} is readable only by its owner."
                if file_mode & 0o077 == 0
                else f"{name} can be read by others (mode {file_mode:o}); run 'chmod 600 {path}'.",
            )
        elif name != "secret_key" or not getattr(settings, "SECRET_KEY_FROM_FILE", False):
            yield Check(False, f"{name} is missing from the data directory.")
    yield Check(
        instance.is_initialised(),
        "The instance was initialised."
        if instance.is_initialised()
        else "The instance marker is missing. Run 'vigil init'.",
    )
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        yield Check(False, f"The database cannot be reached: {str(error).strip().splitlines()[0]}")
        return
    yield Check(True, f"The database ({connection.vendor}) answers.")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    yield Check(
        not pending,
        "The database schema is up to date."
        if not pending
        else f"{len(pending)} database migration(s) are pending. Run 'vigil manage migrate'.",
    )
    if instance.uses_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = str(cursor.fetchone()[0]).lower()
        yield Check(
            journal == "wal",
            "SQLite runs in WAL mode." if journal == "wal" else f"SQLite runs in {journal} mode, not WAL.",
        )
    yield Check(
        not settings.DEBUG,
        "Debug mode is off."
        if not settings.DEBUG
        else "Debug mode is on: never use it with real data (unset VIGIL_DEBUG).",
    )
    if not pending:
        yield from _vault_checks()
        yield from _audit_checks()


def _vault_checks() -> Iterator[Check]:
    from vigil.vault.files import check_files
    from vigil.vault.keys import get_vault, vault_exists
    from vigil.vault.wrapping import KdfParams

    if not vault_exists():
        yield Check(False, "The instance has no vault. Create it with 'vigil init' on a fresh data directory.")
        return
    vault = get_vault()
    params = KdfParams.from_dict(vault.kdf)
    yield Check(
        params.meets_floor or bool(settings.VIGIL_CHEAP_KDF_FOR_TESTS),
        f"Passphrases are stretched with Argon2id using {params.memory_kib // 1024} MiB."
        if params.meets_floor
        else f"Passphrases are stretched with only {params.memory_kib // 1024} MiB; add a new passphrase to upgrade.",
    )
    kinds = {wrap.get("kind") for wrap in vault.wraps}
    yield Check(
        "passphrase" in kinds or "shares" in kinds,
        "The vault can be unsealed with a passphrase or shares."
        if "passphrase" in kinds or "shares" in kinds
        else "No passphrase can unseal the vault: open it with the recovery key, then add a passphrase.",
    )
    report = check_files()
    yield Check(
        not report.missing,
        "Every record's file is in the encrypted store."
        if not report.missing
        else f"{len(report.missing)} record(s) point to files missing from the store; see 'vigil vault check-files'.",
    )
    yield Check(
        not report.orphans,
        "The encrypted store holds no file without a record."
        if not report.orphans
        else f"{len(report.orphans)} stored file(s) belong to no record; see 'vigil vault check-files'.",
    )


def _audit_checks() -> Iterator[Check]:
    from vigil.audit import service

    try:
        report = service.verify_stored_log()
    except service.AuditKeyError as error:
        yield Check(False, str(error))
        return
    yield Check(report.ok, report.summary())
