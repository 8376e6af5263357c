"""``vigil extract``: run the extraction pipeline on files, without an instance.

Usage::

    vigil extract [--reference-date YYYY-MM-DD] [--lang ru|en] [--format json|text]
                  [--publisher URL_OR_NAME] [--max-chars N] [--progress] FILE...

``FILE`` may be plain text, HTML, a Telegram Desktop ``result.json``, an RSS/Atom
feed or a CSV with a ``text`` column; ``-`` reads standard input.

Output (``--format json``): for a single file holding a single report, the
result object itself — ``incidents`` and ``sources_cited`` in the shape of
``samples/*.gold.json`` plus ``language``, ``reference_date``, ``evidence`` and
``warnings``.  Otherwise a JSON list with one object per item:
``{"file", "item_id", "reference_date", "result"}`` or, for an item that could not
be read or was skipped, ``{"file", "item_id", "error"}``.  The list is written
item by item, so a 100,000-message export is processed in constant memory.

An item's own date (a message's ``date_unixtime``, a feed entry's date, a page's
``article:published_time``) is its reference date; ``--reference-date`` applies to
items that have none.

Exit codes: 0 every item was processed (items in a third language count as
processed and carry an ``error`` saying they were skipped); 1 at least one file
or item could not be read; 2 bad command-line arguments.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.pipeline import ExtractionResult, extract_report
from vigil.extraction.readers import ReaderOptions, read_path, reader_for
from vigil.extraction.readers.base import DEFAULT_MAX_CHARS, SNIFF_BYTES, looks_binary

EXIT_OK, EXIT_ITEM_ERRORS, EXIT_USAGE = 0, 1, 2


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def build_parser(prog: str = "vigil extract") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Extract draft incidents from reports (text, HTML, Telegram JSON, RSS/Atom, CSV).",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="input files; '-' reads standard input")
    parser.add_argument("--reference-date", type=_date, help="publication date for items without their own date")
    parser.add_argument("--lang", choices=("ru", "en"), help="force the language instead of detecting it")
    parser.add_argument("--format", choices=("json", "text"), default="json", help="output format (default json)")
    parser.add_argument("--publisher", help="URL or name of the outlet that published the report(s)")
    parser.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        help=f"cut longer texts, with a warning (default {DEFAULT_MAX_CHARS})",
    )
    parser.add_argument("--progress", action="store_true", help="show a progress bar on standard error")
    return parser


def _stdin_items(options: ReaderOptions) -> Iterator[ReportItem | ReadError]:
    data = sys.stdin.buffer.read(options.max_chars * 4 + 1)
    if looks_binary(data[:SNIFF_BYTES]):
        yield ReadError("-", "binary input skipped: it is not text, HTML, JSON, a feed or CSV")
        return
    reader = reader_for(Path("-"), data[:SNIFF_BYTES])(options)
    stream = io.BytesIO(data)
    stream.name = "-"
    yield from reader.read(stream)


def _items(name: str, options: ReaderOptions) -> Iterator[ReportItem | ReadError]:
    if name == "-":
        return _stdin_items(options)
    path = Path(name)
    if not path.exists():
        return iter([ReadError(name, f"no such file: {name}")])
    if path.is_dir():
        return iter([ReadError(name, f"{name} is a directory, not a file")])
    return read_path(path, options)


def _publisher(item: ReportItem, default: str | None) -> str | None:
    prov = item.provenance
    return default or prov.get("publisher_url") or prov.get("publisher") or prov.get("chat")


def _run(item: ReportItem, args: argparse.Namespace) -> ExtractionResult:
    result = extract_report(
        item.text,
        reference_date=item.reference_date or args.reference_date,
        lang=args.lang or item.lang_hint,
        publisher=_publisher(item, args.publisher),
    )
    result.warnings[:0] = list(item.warnings)
    return result


def _record(name: str, item: ReportItem | ReadError, args: argparse.Namespace) -> dict[str, Any]:
    if isinstance(item, ReadError):
        return {"file": name, "item_id": item.item_id, "error": item.message}
    result = _run(item, args)
    record: dict[str, Any] = {
        "file": name,
        "item_id": item.item_id,
        "reference_date": result.reference_date.isoformat() if result.reference_date else None,
    }
    if result.skipped:
        record["error"] = result.skipped
    else:
        record["result"] = result.as_dict()
    if item.provenance.get("forwarded_from"):
        record["forwarded_from"] = item.provenance["forwarded_from"]
    return record


def _text_report(record: dict[str, Any], out: TextIO) -> None:
    out.write(f"== {record['file']} [{record['item_id']}]\n")
    if "error" in record:
        out.write(f"   {record['error']}\n")
        return
    result = record["result"]
    for number, incident in enumerate(result["incidents"], 1):
        place = ", ".join(p for p in (incident["city"], incident["region"], incident["country"]) if p) or "?"
        out.write(
            f"   incident {number}: {place}; {incident['date_start'] or 'date unknown'}; "
            f"victims {incident['victims'] if incident['victims'] is not None else '?'}\n"
        )
        for key in ("acts", "perpetrators", "legal_articles", "outcome", "victim_ages", "victim_citizenship"):
            if incident[key]:
                out.write(f"      {key}: {', '.join(str(v) for v in incident[key])}\n")
        if incident["detention_days"] is not None:
            out.write(f"      detention_days: {incident['detention_days']}\n")
    if not result["incidents"]:
        out.write("   no incident found\n")
    if result["sources_cited"]:
        out.write(f"   sources: {', '.join(result['sources_cited'])}\n")


def main(argv: list[str] | None = None, prog: str = "vigil extract") -> int:
    """Entry point for ``vigil extract`` and ``python -m vigil.extraction``; returns the exit code."""
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    if args.max_chars < 1000:
        parser.print_usage(sys.stderr)
        print(f"{prog}: error: --max-chars must be at least 1000", file=sys.stderr)
        return EXIT_USAGE
    options = ReaderOptions(max_chars=args.max_chars)
    out = sys.stdout
    failed = False

    def records() -> Iterator[dict[str, Any]]:
        nonlocal failed
        from tqdm import tqdm

        for name in args.files:
            stream = _items(name, options)
            bar = tqdm(stream, desc=name, unit=" items", disable=not args.progress, file=sys.stderr)
            for item in bar:
                record = _record(name, item, args)
                if isinstance(item, ReadError):
                    failed = True
                    print(f"{prog}: {item.item_id}: {item.message}", file=sys.stderr)
                yield record

    stream = records()
    first = next(stream, None)
    second = next(stream, None) if first is not None else None
    single = first is not None and second is None and len(args.files) == 1 and "result" in first
    if args.format == "text":
        for record in (r for r in (first, second) if r is not None):
            _text_report(record, out)
        for record in stream:
            _text_report(record, out)
    elif single and first is not None:
        json.dump(first["result"], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write("[")
        for number, record in enumerate(r for chain in ((first, second), stream) for r in chain if r is not None):
            out.write(",\n" if number else "\n")
            json.dump(record, out, ensure_ascii=False)
        out.write("\n]\n")
    return EXIT_ITEM_ERRORS if failed else EXIT_OK
