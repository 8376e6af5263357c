from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.vault import control
from vigil.vault.credentials import add_credential_arguments, credential_from_options


class Command(BaseCommand):
    help = "Unseal the vault of the running server (vigil serve) with a passphrase, the recovery key or shares."

    def add_arguments(self, parser: CommandParser) -> None:
        add_credential_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        credential = credential_from_options(options)
        try:
            answer = control.send(
                {
                    "op": "unseal",
                    "method": credential.method,
                    "secret": credential.secret,
                    "shares": list(credential.shares),
                }
            )
        except control.ControlError as error:
            raise CommandError(str(error)) from None
        if not answer.get("ok"):
            raise CommandError(
                f"{str(answer.get('error', 'the vault was not unsealed.')).rstrip('.')}. Nothing was changed."
            )
        self.stdout.write("The vault is unsealed.")
