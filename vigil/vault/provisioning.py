"""The vault's part of `vigil init` and `vigil demo`: choosing the first passphrase and creating the vault."""

from __future__ import annotations

import secrets
import sys

from django.core.management.base import CommandError

from vigil.vault.actions import VaultActionError, check_passphrase_strength, do_create_vault
from vigil.vault.credentials import new_passphrase

RECOVERY_INSTRUCTIONS = (
    "Write the recovery key on paper now and keep it offline, away from this server and from the passphrase. "
    "It is shown only now. It opens the vault if every passphrase is lost or destroyed."
)


def generated_passphrase() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(5))


def choose_passphrase(path: str | None, *, generate: bool) -> tuple[str, bool]:
    """(passphrase, was_generated): from a file, generated (asked, or without a terminal), or typed twice."""
    if path:
        passphrase = new_passphrase(path, prompt="")
        generated = False
    elif generate or not sys.stdin.isatty():
        passphrase, generated = generated_passphrase(), True
    else:
        passphrase, generated = new_passphrase(None, prompt="Vault passphrase (at least 15 characters): "), False
    try:
        check_passphrase_strength(passphrase)
    except VaultActionError as error:
        raise CommandError(f"{str(error).rstrip('.')}. Nothing was changed.") from None
    return passphrase, generated


def create_vault(passphrase: str) -> str:
    """Create the vault; return the recovery key (to print once)."""
    return do_create_vault(passphrase=passphrase).recovery_key
