from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.audit.service import signing_key_path
from vigil.vault import actions
from vigil.vault.backup import write_backup
from vigil.vault.credentials import add_credential_arguments, credential_from_options
from vigil.vault.errors import VaultError


class Command(BaseCommand):
    help = "Write one encrypted, verified backup archive: database, files, key wraps and the audit key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="The archive to write (must not exist).")
        add_credential_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]).expanduser().resolve()
        if output.exists():
            raise CommandError(f"{output} already exists; choose a new file name. Nothing was changed.")
        try:
            vault_key = actions.unlock(credential_from_options(options))
            signing_key = signing_key_path().read_bytes()
            summary = write_backup(vault_key, output, signing_key)
        except VaultError as error:
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was changed.") from None
        except OSError as error:
            raise CommandError(f"the backup cannot be written ({error.strerror}); nothing was changed.") from None
        rows = sum(summary.rows.values())
        self.stdout.write(
            f"Wrote and verified {summary.path} ({summary.size} bytes): {rows} rows, {summary.files} file(s)."
        )
