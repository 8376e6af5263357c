"""`vigil evidence`: check a file against its signed manifest offline, and export the public key that checks it.

`verify` needs no vault and no database, only the public key (from `--public-key`, or this instance's own), so a
lawyer or court expert can run it on a copy of the file far from the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.incidents.manifest import (
    ManifestError,
    file_chunks,
    load_or_create_signing_key,
    load_public_key,
    load_signing_key,
    public_key_pem,
    read_document,
    verify_file,
)


class Command(BaseCommand):
    help = "Verify an evidence file against its signed manifest, or print the instance's evidence public key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check FILE against MANIFEST (exit 1 and the reason if it fails).")
        verify.add_argument("file", type=Path)
        verify.add_argument("manifest", type=Path)
        verify.add_argument("--public-key", type=Path, help="PEM public key (default: this instance's key).")
        key = sub.add_parser("public-key", help="Print the PEM public key that verifies this instance's manifests.")
        key.add_argument("--output", type=Path, help="Write it to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "public-key":
            pem = public_key_pem(load_or_create_signing_key().public_key())
            if options.get("output"):
                options["output"].write_text(pem, encoding="ascii")
            else:
                self.stdout.write(pem, ending="")
            return
        try:
            if options.get("public_key"):
                public_key = load_public_key(options["public_key"].read_bytes())
            else:
                public_key = load_signing_key().public_key()
            document = read_document(options["manifest"].read_bytes())
            verified = verify_file(file_chunks(options["file"]), document, public_key)
        except OSError as error:
            raise CommandError(f"{error.filename} cannot be read ({error.strerror}).") from None
        except ManifestError as error:
            raise CommandError(f"verification FAILED: {error}") from None
        self.stdout.write(
            f"OK: the file matches its signed manifest (SHA-256 {verified.sha256}, {verified.size} bytes)."
        )
