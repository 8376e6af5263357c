"""`vigil ingest`: read report files item by item, extract draft incidents, store them in batches.

Constant memory: readers stream items (a 100,000-message Telegram export is never held whole), a batch of at most
`batch_size` items is held at a time, and error lists are capped. Bad input never stops the run: a file or item
that cannot be read becomes an error line with its item id; text in a third language is skipped with a reason.

Only reports that gave draft incidents keep their text; for the rest Vigil keeps the fingerprint (so a re-ingest
skips them) and the provenance, not the words: a testimony nobody will review is not worth holding for a seizure.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from vigil.accounts.models import Team, User
from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.pipeline import extract_report
from vigil.extraction.readers import ReaderOptions, reader_for
from vigil.extraction.readers.base import SNIFF_BYTES, looks_binary
from vigil.monitoring.fingerprint import report_fingerprint
from vigil.monitoring.models import Report, ReportKind, ReportOutcome

DEFAULT_BATCH_SIZE = 200
MAX_LISTED_ERRORS = 200


@dataclass
class PreparedReport:
    """One item after extraction, ready to be written by `do_ingest_batch`."""

    fingerprint: str
    kind: str
    text: str
    provenance: dict[str, Any]
    language: str
    reference_date: date | None
    outcome: str
    incidents: list[dict[str, Any]] = field(default_factory=list)
    sources_cited: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    items_read: int = 0
    reports_created: int = 0
    already_known: int = 0
    drafts_created: int = 0
    no_incident: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, item_id: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append((item_id, message))

    def lines(self) -> list[str]:
        lines = [
            f"items read: {self.items_read}",
            f"reports stored: {self.reports_created}",
            f"already ingested before: {self.already_known}",
            f"draft incidents created: {self.drafts_created}",
            f"items with no incident: {self.no_incident}",
        ]
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"skipped ({reason}): {count}")
        lines.append(f"errors: {self.error_count}")
        lines += [f"  {item_id}: {message}" for item_id, message in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"  ... and {self.error_count - len(self.errors)} more")
        return lines


def file_items(path: Path, options: ReaderOptions) -> tuple[str, Iterator[ReportItem | ReadError]]:
    """The reader's kind and its stream of items for one file; unreadable files give one ReadError."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        return ReportKind.PLAIN, iter([ReadError(str(path), f"cannot open file: {error.strerror or error}")])
    if looks_binary(head):
        message = "binary file skipped: it is not text, HTML, JSON, a feed or CSV"
        return ReportKind.PLAIN, iter([ReadError(str(path), message)])
    reader = reader_for(path, head)(options)
    return reader.name, reader.read(path)


def prepare(item: ReportItem, kind: str, *, lang: str | None, reference_date: date | None) -> PreparedReport:
    """Run the pipeline on one item (pure: no database)."""
    provenance = {"item_id": item.item_id, **{k: v for k, v in item.provenance.items() if v not in (None, "")}}
    provenance = json.loads(json.dumps(provenance, ensure_ascii=False, default=str))  # JSON-safe (dates, decimals)
    publisher = item.provenance.get("publisher_url") or item.provenance.get("publisher") or item.provenance.get("chat")
    result = extract_report(
        item.text,
        reference_date=item.reference_date or reference_date,
        lang=lang or item.lang_hint,
        publisher=publisher,
    )
    if result.skipped:
        outcome = ReportOutcome.OTHER_LANGUAGE
    elif result.incidents:
        outcome = ReportOutcome.DRAFTED
    else:
        outcome = ReportOutcome.NO_INCIDENT
    return PreparedReport(
        fingerprint=report_fingerprint(item.text),
        kind=kind if kind in ReportKind.values else ReportKind.PLAIN,
        text=item.text if outcome == ReportOutcome.DRAFTED else "",
        provenance=provenance,
        language=result.language if not result.skipped else "",
        reference_date=result.reference_date,
        outcome=outcome,
        incidents=[incident.as_dict() for incident in result.incidents],
        sources_cited=list(result.sources_cited),
    )


def _flush(batch: list[PreparedReport], team: Team, actor: User | None, summary: IngestSummary) -> None:
    from vigil.monitoring.actions import do_ingest_batch

    if not batch:
        return
    # Several items of one export may carry the same text (reposts): the first one wins.
    unique: dict[str, PreparedReport] = {}
    for prepared in batch:
        if prepared.fingerprint in unique:
            summary.already_known += 1
        else:
            unique[prepared.fingerprint] = prepared
    known = set(Report.objects.filter(team=team, fingerprint__in=list(unique)).values_list("fingerprint", flat=True))
    summary.already_known += len(known)
    fresh = [prepared for fingerprint, prepared in unique.items() if fingerprint not in known]
    reports, drafts = do_ingest_batch(team=team, prepared=fresh, actor=actor)
    summary.reports_created += reports
    summary.drafts_created += drafts
    for prepared in fresh:
        if prepared.outcome == ReportOutcome.NO_INCIDENT:
            summary.no_incident += 1
        elif prepared.outcome == ReportOutcome.OTHER_LANGUAGE:
            summary.skipped["not in Russian or English"] += 1
    batch.clear()


def ingest_files(
    paths: Iterable[Path],
    *,
    team: Team,
    actor: User | None = None,
    lang: str | None = None,
    reference_date: date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
    stream: TextIO | None = None,
) -> IngestSummary:
    """Ingest every item of every file into `team`'s review queue; one transaction per batch."""
    from tqdm import tqdm

    summary = IngestSummary()
    options = ReaderOptions()
    batch: list[PreparedReport] = []
    for path in paths:
        kind, items = file_items(path, options)
        bar = tqdm(items, desc=path.name, unit=" items", disable=not progress, file=stream or sys.stderr)
        for item in bar:
            if isinstance(item, ReadError):
                summary.add_error(item.item_id, item.message)
                continue
            summary.items_read += 1
            try:
                batch.append(prepare(item, kind, lang=lang, reference_date=reference_date))
            except Exception as error:  # one pathological item must not stop a 100,000-message export
                summary.add_error(item.item_id, f"extraction failed ({type(error).__name__})")
                continue
            if len(batch) >= batch_size:
                _flush(batch, team, actor, summary)
        _flush(batch, team, actor, summary)
    return summary
