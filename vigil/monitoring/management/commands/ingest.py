"""`vigil ingest`: turn report files into draft incidents in a team's review queue (see `vigil.monitoring.ingest`)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.accounts.models import Team
from vigil.monitoring.ingest import DEFAULT_BATCH_SIZE, IngestSummary, ingest_files
from vigil.vault import state


def unseal_for_command(passphrase_file: str | None) -> bool:
    """Hold the vault key in this process (reports are sealed as they are written); True if this call unsealed."""
    import getpass

    from vigil.vault.actions import unlock
    from vigil.vault.errors import VaultError
    from vigil.vault.keys import Credential

    if state.is_unsealed():
        return False
    if passphrase_file:
        try:
            passphrase = Path(passphrase_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise CommandError(f"cannot read the passphrase file ({error.strerror or error}).") from None
    elif sys.stdin.isatty():
        passphrase = getpass.getpass("Vault passphrase: ")
    else:
        raise CommandError("the vault is sealed: give --passphrase-file or run the command in a terminal.")
    try:
        # A long ingest must obey "seal now" and pick up a rotated keyring like a server does.
        state.enable_watcher()
        state.unseal_process(unlock(Credential("passphrase", secret=passphrase)))
    except VaultError as error:
        raise CommandError(str(error)) from None
    return True


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Ingest report files (text, HTML, Telegram JSON export, RSS/Atom, CSV) as draft incidents for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="report files to ingest")
        parser.add_argument("--team", help="team whose review queue receives the drafts (needed if there are several)")
        parser.add_argument("--lang", choices=("ru", "en"), help="force the language instead of detecting it")
        parser.add_argument(
            "--reference-date", type=_date, help="publication date (YYYY-MM-DD) for items without their own date"
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="items per transaction")
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")
        parser.add_argument(
            "--passphrase-file",
            help="file holding an operator passphrase to unseal the vault in this process (else it is asked for)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = self._team(options.get("team"))
        if not 1 <= options["batch_size"] <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000.")
        unsealed_here = unseal_for_command(options.get("passphrase_file"))
        try:
            summary = self._ingest(team, options)
        finally:
            if unsealed_here:
                state.seal_process()
        for line in summary.lines():
            self.stdout.write(line)
        if summary.items_read == 0:
            raise CommandError("nothing could be read from the files given.")

    def _ingest(self, team: Team, options: dict[str, Any]) -> IngestSummary:
        return ingest_files(
            [Path(name) for name in options["files"]],
            team=team,
            lang=options.get("lang"),
            reference_date=options.get("reference_date"),
            batch_size=options["batch_size"],
            progress=not options["no_progress"],
            stream=sys.stderr,
        )

    def _team(self, name: str | None) -> Team:
        if name:
            team = Team.objects.filter(name=name).first()
            if team is None:
                raise CommandError(f"there is no team named {name!r}.")
            return team
        teams = list(Team.objects.all()[:2])
        if len(teams) != 1:
            raise CommandError("name the team whose review queue receives the drafts with --team NAME.")
        return teams[0]
