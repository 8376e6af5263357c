"""Reading a vault credential on the command line: from a file, or typed at a prompt that does not echo."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from vigil.vault.keys import Credential


def add_credential_arguments(parser: CommandParser, *, what: str = "unlock the vault") -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--passphrase-file", metavar="FILE", help=f"Read an operator passphrase to {what} from FILE.")
    group.add_argument("--recovery-key", action="store_true", help=f"Type the recovery key to {what}.")
    group.add_argument("--recovery-key-file", metavar="FILE", help=f"Read the recovery key to {what} from FILE.")
    group.add_argument("--shares", action="store_true", help=f"Type unsealing shares, one per line, to {what}.")
    group.add_argument("--shares-file", metavar="FILE", help=f"Read unsealing shares (one per line) to {what}.")


def read_secret_file(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise CommandError(f"the {what} file {path} cannot be read ({error.strerror}); nothing was changed.") from None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def credential_from_options(options: dict[str, Any]) -> Credential:
    """The credential the options name, prompting (without echo) when none is given in a file."""
    if options.get("passphrase_file"):
        return Credential("passphrase", secret=read_secret_file(options["passphrase_file"], "passphrase"))
    if options.get("recovery_key_file"):
        return Credential("recovery", secret=read_secret_file(options["recovery_key_file"], "recovery key"))
    if options.get("recovery_key"):
        return Credential("recovery", secret=getpass.getpass("Recovery key: "))
    if options.get("shares_file"):
        return Credential("shares", shares=_lines(read_secret_file(options["shares_file"], "shares")))
    if options.get("shares"):
        print("Type one share per line; an empty line ends the list.", file=sys.stderr)
        shares: list[str] = []
        while share := getpass.getpass(f"Share {len(shares) + 1}: ").strip():
            shares.append(share)
        return Credential("shares", shares=tuple(shares))
    return Credential("passphrase", secret=getpass.getpass("Vault passphrase: "))


def new_passphrase(path: str | None, *, prompt: str) -> str:
    """A new passphrase from a file, or typed twice."""
    if path:
        return read_secret_file(path, "passphrase")
    first = getpass.getpass(prompt)
    if first != getpass.getpass("Repeat it: "):
        raise CommandError("the two passphrases differ; nothing was changed.")
    return first
