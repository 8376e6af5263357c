from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core import instance
from vigil.vault.backup import load_archive, read_archive, verify_archive
from vigil.vault.credentials import add_credential_arguments, credential_from_options
from vigil.vault.errors import VaultError


class Command(BaseCommand):
    help = "Restore an encrypted backup onto a fresh instance (refuses an existing one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The archive written by 'vigil backup'.")
        add_credential_arguments(parser, what="open the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"]).expanduser()
        try:
            instance.check_can_create()
        except instance.InstanceError as error:
            raise CommandError(f"restoring needs a fresh instance: {error}") from None
        try:
            source = path.open("rb")
        except OSError as error:
            raise CommandError(f"the backup {path} cannot be read ({error.strerror}); nothing was changed.") from None
        with source:
            try:
                opened = read_archive(source).unlock(credential_from_options(options))
                verified = verify_archive(opened)
            except VaultError as error:
                raise CommandError(f"{str(error).rstrip('.')}. Nothing was changed.") from None
            directory = instance.create_data_dir()
            if not settings.SECRET_KEY_FROM_FILE and not (directory / "secret_key").exists():
                instance.write_private_file(directory / "secret_key", settings.SECRET_KEY.encode())
            call_command("migrate", interactive=False, verbosity=0)
            summary = load_archive(opened, directory)
        instance.write_marker({"database": str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]})
        assert summary.rows == verified.rows
        self.stdout.write(
            f"Restored {sum(summary.rows.values())} rows and {summary.files} file(s) into {directory}. "
            "The vault is sealed: unseal it with a passphrase, the recovery key or the shares."
        )
