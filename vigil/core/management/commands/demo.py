from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.core import demo, instance, provisioning
from vigil.vault import provisioning as vault_provisioning


class Command(BaseCommand):
    help = "Create a demonstration instance with invented sample data (never for real work), or show its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", metavar="USERNAME", help="Print the current login code of a demo account.")

    def handle(self, *args: Any, **options: Any) -> None:
        if instance.is_initialised():
            if not demo.is_demo_instance():
                raise CommandError(f"{instance.data_dir()} holds a real instance, not a demo; nothing was changed.")
        elif options["code"] is None:
            self._create()
        if options["code"]:
            if not instance.is_initialised():
                raise CommandError("there is no demo instance yet; run 'vigil demo' first.")
            try:
                self.stdout.write(demo.current_code(options["code"]))
            except TOTPDevice.DoesNotExist:
                raise CommandError(f"the demo has no account called {options['code']}.") from None
            return
        self.stdout.write(demo.read_credentials())

    def _create(self) -> None:
        try:
            provisioning.create_instance()
        except instance.InstanceError as error:
            raise CommandError(str(error)) from None
        accounts = demo.create_demo_accounts()
        passphrase = vault_provisioning.generated_passphrase()
        recovery_key = vault_provisioning.create_vault(passphrase)
        demo.create_sealed_demo_data(passphrase)
        instance.write_marker({"demo": "yes"})
        demo.write_credentials(
            accounts,
            [
                "",
                f"Vault passphrase: {passphrase}   (recovery key: {recovery_key})",
                "The server starts sealed: log in as coordinator, open /vault/unseal/ and enter the vault passphrase.",
            ],
        )
