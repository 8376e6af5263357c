from __future__ import annotations

import getpass
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.accounts.actions import do_create_user
from vigil.accounts.models import Role, User
from vigil.core import instance, provisioning
from vigil.vault import provisioning as vault_provisioning


def read_password(path: str | None, *, prompt: str, generate: bool) -> tuple[str, bool]:
    """Return (password, was_generated) from a file, a generated passphrase, or two matching prompts."""
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().rstrip("\n"), False
        except OSError as error:
            raise CommandError(f"the password file {path} cannot be read ({error.strerror}).") from None
    if generate:
        return secrets.token_urlsafe(18), True
    first = getpass.getpass(prompt)
    if first != getpass.getpass("Repeat it: "):
        raise CommandError("the two passwords differ; nothing was changed.")
    return first, False


class Command(BaseCommand):
    help = "Create an instance: data directory, database, audit key and the first coordinator account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="coordinator", help="Name of the first coordinator account.")
        parser.add_argument("--password-file", help="Read the coordinator's password from this file.")
        parser.add_argument(
            "--generate-password", action="store_true", help="Generate the coordinator's password and print it once."
        )
        parser.add_argument("--passphrase-file", help="Read the vault passphrase from this file.")
        parser.add_argument(
            "--generate-passphrase",
            action="store_true",
            help="Generate the vault passphrase and print it once (also done when there is no terminal to ask on).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instance.check_can_create()
        except instance.InstanceError as error:
            raise CommandError(str(error)) from None
        password, generated = read_password(
            options["password_file"], prompt="Password for the coordinator: ", generate=options["generate_password"]
        )
        candidate_errors = _password_problems(password, options["username"])
        if candidate_errors:
            raise CommandError(f"the password is not accepted: {' '.join(candidate_errors)} Nothing was changed.")
        passphrase, passphrase_generated = vault_provisioning.choose_passphrase(
            options["passphrase_file"], generate=options["generate_passphrase"]
        )
        directory = provisioning.create_instance()
        do_create_user(username=options["username"], password=password, role=Role.COORDINATOR)
        recovery_key = vault_provisioning.create_vault(passphrase)
        instance.write_marker({"database": str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]})
        self.stdout.write(f"Created a Vigil instance in {directory}.")
        self.stdout.write(f"Coordinator account: {options['username']}")
        if generated:
            self.stdout.write(f"Its password (shown only now): {password}")
        self.stdout.write("At the first login you will set up two-step login with an authenticator app.")
        if passphrase_generated:
            self.stdout.write(f"Vault passphrase (shown only now): {passphrase}")
        self.stdout.write(f"Recovery key: {recovery_key}")
        self.stdout.write(vault_provisioning.RECOVERY_INSTRUCTIONS)
        self.stdout.write("The vault is sealed: unseal it with 'vigil unseal' or on the web at /vault/unseal/.")


def _password_problems(password: str, username: str) -> list[str]:
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []
