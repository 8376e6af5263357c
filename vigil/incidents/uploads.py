"""Receiving evidence uploads without a plaintext copy on disk.

Threat: Django spools uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, in plaintext, outside the
vault; a seized disk (or its free blocks) would then hold the evidence (SECURITY-CRITERIA 1). Invariant: evidence
uploads are held in memory only, up to VIGIL_MAX_UPLOAD_MB, and then encrypted into the vault's store; a larger
upload is refused as soon as its size is known (from Content-Length, or while it streams), with nothing kept.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler

# Room for the multipart envelope and the other form fields around the file.
ENVELOPE_BYTES = 64 * 1024


class BoundedMemoryUploadHandler(MemoryFileUploadHandler):
    """Keeps every upload in memory, whatever its size, and drops it once it passes MAX_UPLOAD_BYTES."""

    too_large = False

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        self.limit = int(settings.MAX_UPLOAD_BYTES)
        self.activated = True
        if content_length > self.limit + ENVELOPE_BYTES:
            self.too_large = True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.too_large or start + len(raw_data) > self.limit:
            self.too_large = True
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> Any:
        if self.too_large:
            return None
        return super().file_complete(file_size)
