from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.vault import actions
from vigil.vault.keys import NoVaultError


class Command(BaseCommand):
    help = "Seal the vault now: every server and worker process on every node drops its keys within a second."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actions.do_seal()
        except NoVaultError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("The vault is sealed: every process drops its keys within a second.")
