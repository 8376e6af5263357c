from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from vigil.vault import actions, rekey
from vigil.vault.credentials import add_credential_arguments, credential_from_options
from vigil.vault.errors import VaultError


class Command(BaseCommand):
    help = "Rotate the data key: re-encrypt every sealed value and file under a new key, resumably, while serving."

    def add_arguments(self, parser: CommandParser) -> None:
        add_credential_arguments(parser)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            vault_key = actions.unlock(credential_from_options(options))
        except VaultError as error:
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was changed.") from None
        bars: list[tqdm] = []

        def progress_factory(total: int) -> Any:
            bar = tqdm(total=total, unit="item", disable=options["quiet"], desc="re-encrypting")
            bars.append(bar)
            return bar.update

        try:
            result = rekey.rekey(vault_key, progress_factory=progress_factory)
        except VaultError as error:
            raise CommandError(f"the key rotation stopped: {error} Run 'vigil rekey' again to resume.") from None
        finally:
            for bar in bars:
                bar.close()
        resumed = " (resumed)" if result.resumed else ""
        self.stdout.write(
            f"Rotated the data key{resumed}: {result.values} sealed record(s) and {result.files} file(s) re-encrypted; "
            "the old key is destroyed."
        )
        if result.unreadable:
            self.stderr.write(
                f"{result.unreadable} stored file(s) are under a key this vault never held and were left as they "
                "are; see 'vigil vault check-files'."
            )
