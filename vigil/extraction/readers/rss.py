"""RSS/Atom reader via ``feedparser``; each entry is a report with its own date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

import feedparser

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers.base import Reader, Source, cap_text, open_binary, source_name
from vigil.extraction.readers.html import html_to_text

MAX_FEED_BYTES = 64 * 1024 * 1024


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except (ValueError, AttributeError):
                continue
    return None


def _entry_text(entry: Any) -> str:
    bodies = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, dict)]
    body = max(bodies, key=len) if bodies else entry.get("summary", "")
    text, _, _ = html_to_text(body or "")
    title = (entry.get("title") or "").strip()
    return f"{title}\n{text}" if title and not text.startswith(title) else text


class RssReader(Reader):
    name: ClassVar[str] = "rss"
    extensions: ClassVar[tuple[str, ...]] = (".rss", ".atom", ".xml")

    def read(self, source: Source) -> Iterator[ReportItem | ReadError]:
        name = source_name(source)
        try:
            with open_binary(source) as handle:
                data = handle.read(MAX_FEED_BYTES)
        except OSError as exc:
            yield ReadError(name, f"cannot read file: {exc.strerror or exc}")
            return
        feed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
        if not feed.entries:
            reason = str(feed.get("bozo_exception", "")) or "no entries"
            yield ReadError(name, f"not a readable RSS/Atom feed: {reason[:200]}")
            return
        publisher = (feed.feed.get("title") or "").strip()
        link = feed.feed.get("link") or ""
        for number, entry in enumerate(feed.entries, 1):
            item_id = entry.get("id") or entry.get("link") or f"{name}#{number}"
            try:
                text = _entry_text(entry)
            except Exception as exc:
                yield ReadError(item_id, f"cannot read entry: {exc}")
                continue
            if not text.strip():
                yield ReadError(item_id, "entry has no text")
                continue
            text, warnings = cap_text(text, self.options.max_chars)
            yield ReportItem(
                item_id=item_id,
                text=text,
                reference_date=_entry_date(entry),
                provenance={
                    "file": name,
                    "link": entry.get("link"),
                    "publisher": publisher,
                    "publisher_url": link,
                },
                warnings=warnings,
            )
