"""The reader plug-in contract and the limits every reader shares.

A reader turns one source (a file path or a binary stream) into report items.  It
must never raise for a bad item: it yields a :class:`ReadError` and goes on, so a
single broken message cannot stop the ingestion of a 100,000-message export.
Texts are capped at ``max_chars`` so that a pathological 50 MB message costs
bounded time downstream.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, ClassVar

from vigil.extraction.items import ReadError, ReportItem

Source = Path | IO[bytes]

DEFAULT_MAX_CHARS = 200_000
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ReaderOptions:
    """Knobs shared by readers; the CLI exposes ``max_chars``."""

    max_chars: int = DEFAULT_MAX_CHARS
    text_column: str = "text"
    date_column: str | None = None


class Reader:
    """Base class: subclasses implement :meth:`read` and nothing else."""

    name: ClassVar[str] = "base"
    extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: ReaderOptions | None = None) -> None:
        self.options = options or ReaderOptions()

    def read(self, source: Source) -> Iterator[ReportItem | ReadError]:
        """Yield every item of `source` (or a ReadError for an item that cannot be read); each reader overrides this."""
        raise NotImplementedError(f"{type(self).__name__} does not implement read()")


def source_name(source: Source) -> str:
    if isinstance(source, Path):
        return str(source)
    return str(getattr(source, "name", "<stream>"))


@contextlib.contextmanager
def open_binary(source: Source) -> Iterator[IO[bytes]]:
    """Yield a binary stream for a path or pass an already open stream through."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            yield handle
    else:
        yield source


def looks_binary(head: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters.

    UTF-16 text with a BOM is still binary for us: exports and reports are UTF-8.
    """
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if control / len(head) > 0.05:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed block is fine.
        return exc.start < len(head) - 4
    return False


def cap_text(text: str, max_chars: int) -> tuple[str, tuple[str, ...]]:
    """Cut an oversized text and say so, instead of spending unbounded time on it."""
    if len(text) <= max_chars:
        return text, ()
    return text[:max_chars], (f"text of {len(text)} characters was cut to the first {max_chars}",)


def read_capped_text(handle: IO[bytes], max_chars: int) -> tuple[str, tuple[str, ...]]:
    """Decode a stream as UTF-8 reading at most about ``max_chars`` characters.

    Reading stops early, so a 50 MB file costs no more than the cap.
    """
    # UTF-8 needs at most 4 bytes per character; one extra byte tells us it was cut.
    raw = handle.read(max_chars * 4 + 1)
    more = bool(handle.read(1)) if len(raw) > max_chars * 4 else False
    text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="replace").read()
    text = text.lstrip("\ufeff")
    warnings: tuple[str, ...] = ()
    if len(text) > max_chars or more:
        text = text[:max_chars]
        warnings = (f"text was longer than {max_chars} characters and was cut",)
    if "\ufffd" in text:
        warnings += ("some bytes were not valid UTF-8 and were replaced",)
    return text, warnings


__all__ = [
    "DEFAULT_MAX_CHARS",
    "ReadError",
    "Reader",
    "ReaderOptions",
    "ReportItem",
    "Source",
    "cap_text",
    "looks_binary",
    "open_binary",
    "read_capped_text",
    "source_name",
]
