"""Plain-text reader: one file is one report."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers.base import (
    Reader,
    Source,
    open_binary,
    read_capped_text,
    source_name,
)


class PlainTextReader(Reader):
    name: ClassVar[str] = "plain"
    extensions: ClassVar[tuple[str, ...]] = (".txt", ".text", ".md")

    def read(self, source: Source) -> Iterator[ReportItem | ReadError]:
        name = source_name(source)
        try:
            with open_binary(source) as handle:
                text, warnings = read_capped_text(handle, self.options.max_chars)
        except OSError as exc:
            yield ReadError(name, f"cannot read file: {exc.strerror or exc}")
            return
        if not text.strip():
            yield ReadError(name, "the file is empty")
            return
        yield ReportItem(item_id=name, text=text, provenance={"file": name}, warnings=warnings)
