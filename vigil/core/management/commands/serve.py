from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core import instance

# Room for the multipart envelope and the form's other fields around an upload of the largest allowed size.
BODY_MARGIN = 1024 * 1024


class Command(BaseCommand):
    help = "Serve the web UI and API with a production WSGI server (waitress), on 127.0.0.1 by default."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--threads", type=int, default=8, help="Worker threads (default 8).")
        parser.add_argument(
            "--unseal-passphrase-file",
            metavar="FILE",
            help="Unseal the vault at start with the passphrase in FILE (for automation; see the README for the risk).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not instance.is_initialised():
            raise CommandError(f"there is no instance in {instance.data_dir()}; run 'vigil init' first.")
        try:
            instance.check_database_reachable()
        except instance.InstanceError as error:
            raise CommandError(str(error).replace("; nothing was changed", "")) from None
        from waitress import serve

        from vigil.vault.server import prepare_server

        prepare_server(options["unseal_passphrase_file"])

        from vigil.wsgi import application

        host, port = options["host"], options["port"]
        self.stdout.write(f"Vigil is serving on http://{host}:{port}/ (press Ctrl+C to stop).")
        serve(
            application,
            host=host,
            port=port,
            threads=options["threads"],
            ident="Vigil",
            _quiet=True,
            # Request bodies stay in memory up to the upload limit: waitress would otherwise spill anything over
            # 512 KiB (evidence files included) into a plaintext temporary file. Larger bodies are refused.
            inbuf_overflow=settings.MAX_UPLOAD_BYTES + BODY_MARGIN,
            max_request_body_size=settings.MAX_UPLOAD_BYTES + BODY_MARGIN,
        )
