"""CSV reader: one row is one report; a text column and an optional date column.

Missing columns are named in the error so a documenter can fix the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import ClassVar

import dateparser

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers.base import Reader, Source, cap_text, open_binary, source_name

DATE_COLUMNS = ("date", "published", "reference_date", "дата")


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        parsed = dateparser.parse(value[:64], settings={"STRICT_PARSING": True})
        return parsed.date() if parsed else None


class CsvReader(Reader):
    name: ClassVar[str] = "csv"
    extensions: ClassVar[tuple[str, ...]] = (".csv", ".tsv")

    def read(self, source: Source) -> Iterator[ReportItem | ReadError]:
        name = source_name(source)
        csv.field_size_limit(max(self.options.max_chars * 4, 131072))
        try:
            with open_binary(source) as handle:
                stream = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace")
                yield from self._rows(name, stream)
                stream.detach()
        except OSError as exc:
            yield ReadError(name, f"cannot read file: {exc.strerror or exc}")

    def _rows(self, name: str, stream: io.TextIOWrapper) -> Iterator[ReportItem | ReadError]:
        delimiter = "\t" if name.endswith(".tsv") else ","
        rows = csv.DictReader(stream, delimiter=delimiter)
        try:
            header = [h.strip() for h in rows.fieldnames or []]
        except csv.Error as exc:
            yield ReadError(name, f"invalid CSV header: {exc}")
            return
        rows.fieldnames = header
        wanted_text = self.options.text_column
        wanted_date = self.options.date_column
        missing = [c for c in (wanted_text, wanted_date) if c and c not in header]
        if missing:
            yield ReadError(
                name,
                f"missing column(s): {', '.join(missing)}; the header has: {', '.join(header) or 'nothing'}",
            )
            return
        date_column = wanted_date or next((c for c in DATE_COLUMNS if c in header), None)
        number = 1
        while True:
            number += 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                yield ReadError(f"{name}:{number}", f"unreadable CSV row: {exc}")
                continue
            item_id = f"{name}:{row.get('id') or number}"
            text = row.get(wanted_text) or ""
            if not text.strip():
                yield ReadError(item_id, f"empty {wanted_text!r} column")
                continue
            text, warnings = cap_text(text, self.options.max_chars)
            reference = None
            if date_column and row.get(date_column):
                reference = _parse_date(row[date_column] or "")
                if reference is None:
                    warnings += (f"cannot read date {row[date_column]!r}",)
            yield ReportItem(
                item_id=item_id,
                text=text,
                reference_date=reference,
                provenance={"file": name, "row": number},
                warnings=warnings,
            )
