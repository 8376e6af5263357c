from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.audit import service
from vigil.vault.actions import unlock
from vigil.vault.credentials import add_credential_arguments, credential_from_options
from vigil.vault.errors import VaultError


class Command(BaseCommand):
    help = "Verify the tamper-evident audit log, or export a signed tree head to keep off the server."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{verify,head,show}")
        verify = sub.add_parser("verify", help="Check every entry, the Merkle tree and the saved heads.")
        verify.add_argument("--against", metavar="HEAD_FILE", help="A head or checkpoint file exported earlier.")
        head = sub.add_parser("head", help="Sign a tree head over the whole log and write it with its checkpoint.")
        head.add_argument("--output", metavar="FILE", help="Write to this file (default: standard output).")
        head.add_argument(
            "--tile-height",
            type=int,
            default=0,
            help="0 names the exact edited entry; each step up halves the file and widens the range named.",
        )

        show = sub.add_parser("show", help="Print the newest entries with their sealed details (needs the vault).")
        show.add_argument("--last", type=int, default=50, help="How many of the newest entries to print (default 50).")
        add_credential_arguments(show, what="read the sealed details")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "verify":
                self._verify(options.get("against"))
            elif options["action"] == "show":
                self._show(options)
            else:
                self._head(options.get("output"), options["tile_height"])
        except service.AuditKeyError as error:
            raise CommandError(str(error)) from None

    def _verify(self, against: str | None) -> None:
        text = None
        if against:
            try:
                text = Path(against).read_text(encoding="utf-8")
            except OSError as error:
                raise CommandError(f"the head file {against} cannot be read ({error.strerror}).") from None
        try:
            report = service.verify_stored_log(text)
        except ValueError as error:
            raise CommandError(f"the head file {against} is not a valid tree head: {error}") from None
        if not report.ok:
            raise CommandError(report.summary(), returncode=3)
        self.stdout.write(report.summary())

    def _show(self, options: dict[str, Any]) -> None:
        if not 1 <= options["last"] <= 100_000:
            raise CommandError("--last must be between 1 and 100000.")
        try:
            vault_key = unlock(credential_from_options(options))
        except VaultError as error:
            raise CommandError(str(error)) from None
        for line in service.readable_entries(vault_key, options["last"]):
            self.stdout.write(line)

    def _head(self, output: str | None, tile_height: int) -> None:
        issued = service.issue_tree_head(tile_height)
        text = issued.checkpoint.to_json()
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote the tree head for {issued.head.tree_size} entries to {output}.")
        else:
            self.stdout.write(text)
