"""`vigil incidents`: import and export incidents as CSV or JSON, on behalf of a named account and team.

The command is thin: access and validation are those of the web UI (the account must be allowed to write to the
team), and an import is all or nothing, so a failed run has changed nothing and prints every problem.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from vigil.accounts.models import Team, User
from vigil.incidents.access import visible_incidents
from vigil.incidents.search import rebuild_index
from vigil.incidents.transfer import ImportFailed, export_csv, export_json, import_incidents, record_export


class Command(BaseCommand):
    help = "Import incidents from CSV or JSON (all or nothing, with a dry run), or export them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Import FILE into a team.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", required=True, help="The account doing the import.")
        imp.add_argument("--team", required=True, help="The team that will own the incidents.")
        imp.add_argument("--format", choices=["csv", "json"], help="Default: from the file name's ending.")
        imp.add_argument("--dry-run", action="store_true", help="Check the whole file and report; write nothing.")
        sub.add_parser("reindex", help="Rebuild the full-text index (SQLite) from the incidents table.")
        exp = sub.add_parser("export", help="Export the incidents the account can see.")
        exp.add_argument("--user", required=True)
        exp.add_argument("--format", choices=["csv", "json"], default="json")
        exp.add_argument("--output", type=Path, help="Default: standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reindex":
            with transaction.atomic():
                count = rebuild_index()
            self.stdout.write(f"{count} incidents indexed.")
            return
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"there is no account '{options['user']}'.")
        if options["subcommand"] == "export":
            self._export(user, options)
            return
        team = Team.objects.filter(name=options["team"]).first()
        if team is None:
            raise CommandError(f"there is no team '{options['team']}'.")
        path: Path = options["file"]
        file_format = options.get("format") or path.suffix.lstrip(".").lower()
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read ({error.strerror}).") from None
        try:
            report = import_incidents(
                actor=user, team=team, data=data, file_format=file_format, dry_run=options["dry_run"]
            )
        except ImportFailed as failure:
            for problem in failure.report.problems[:1000]:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(str(failure)) from None
        verb = "would create" if report.dry_run else "created"
        self.stdout.write(
            f"{report.rows} rows: {verb} {report.created} incidents with {report.acts} acts; "
            f"{report.skipped_existing} already present, {report.skipped_repeated} repeated in the file."
        )

    def _export(self, user: User, options: dict[str, Any]) -> None:
        incidents = visible_incidents(user).order_by("id")
        count = incidents.count()
        record_export(actor=user, count=count, file_format=options["format"])
        chunks = export_json(incidents.iterator()) if options["format"] == "json" else export_csv(incidents.iterator())
        output = options.get("output")
        with output.open("w", encoding="utf-8", newline="") if output else _stdout() as handle:
            for chunk in chunks:
                handle.write(chunk)


def _stdout() -> Any:
    from contextlib import nullcontext

    return nullcontext(sys.stdout)
