"""Reader registry: choose a reader by file extension, or by sniffing the content.

Binary files are refused up front with a clear message rather than being fed to a
parser that might spin on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers.base import (
    SNIFF_BYTES,
    Reader,
    ReaderOptions,
    Source,
    looks_binary,
    source_name,
)
from vigil.extraction.readers.csv_reader import CsvReader
from vigil.extraction.readers.html import HtmlReader
from vigil.extraction.readers.plain import PlainTextReader
from vigil.extraction.readers.rss import RssReader
from vigil.extraction.readers.telegram import TelegramReader

READERS: tuple[type[Reader], ...] = (
    PlainTextReader,
    HtmlReader,
    TelegramReader,
    RssReader,
    CsvReader,
)


def sniff(head: bytes) -> type[Reader]:
    """Guess the reader from the first bytes of a file."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if start.startswith((b"{", b"[")):
        return TelegramReader
    if start.startswith(b"<?xml") or b"<rss" in start or b"<feed" in start:
        return RssReader
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start:
        return HtmlReader
    return PlainTextReader


def reader_for(path: Path, head: bytes) -> type[Reader]:
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.extensions:
            if reader is RssReader and sniff(head) is HtmlReader:
                return HtmlReader
            return reader
    return sniff(head)


def read_path(path: Path, options: ReaderOptions | None = None) -> Iterator[ReportItem | ReadError]:
    """Read every item of one file; errors are yielded, never raised."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        yield ReadError(str(path), f"cannot open file: {exc.strerror or exc}")
        return
    if looks_binary(head):
        yield ReadError(str(path), "binary file skipped: it is not text, HTML, JSON, a feed or CSV")
        return
    reader = reader_for(path, head)(options)
    yield from reader.read(path)


__all__ = [
    "READERS",
    "CsvReader",
    "HtmlReader",
    "PlainTextReader",
    "ReadError",
    "Reader",
    "ReaderOptions",
    "ReportItem",
    "RssReader",
    "Source",
    "TelegramReader",
    "read_path",
    "reader_for",
    "sniff",
    "source_name",
]
