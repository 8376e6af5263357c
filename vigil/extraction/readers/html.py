"""HTML reader: visible article text only, nothing is executed.

Scripts, styles, navigation, headers, footers, forms and asides are dropped;
block elements become line breaks so the pipeline still sees paragraphs.  The
stdlib parser is used on purpose: it never fetches or runs anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import ClassVar

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers.base import (
    Reader,
    Source,
    open_binary,
    read_capped_text,
    source_name,
)

SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "head",
        "object",
    }
)
BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "blockquote",
        "tr",
        "table",
        "pre",
        "figcaption",
    }
)
VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "wbr"})
DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "dc.date")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []
        self.title: list[str] = []
        self.in_title = False
        self.published: date | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
            return
        if tag == "title":
            self.in_title = True
        if tag in VOID:
            if tag == "br" and not self.skip_depth:
                self.parts.append("\n")
            return
        self.stack.append(tag)
        if tag in SKIPPED or self.skip_depth:
            self.skip_depth += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            if open_tag == tag:
                break
        if tag in BLOCKS and not self.skip_depth:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip_depth:
            self.parts.append(data)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content") or ""
        if key in DATE_META and self.published is None:
            match = ISO_DATE.search(content)
            if match:
                try:
                    self.published = date(*(int(g) for g in match.groups()))
                except ValueError:
                    self.published = None


def html_to_text(markup: str) -> tuple[str, str, date | None]:
    """Return (visible text, title, published date from meta tags)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    raw = "".join(parser.parts)
    lines = [re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in raw.split("\n")]
    text = "\n".join(line for line in lines if line)
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    return text, title, parser.published


class HtmlReader(Reader):
    name: ClassVar[str] = "html"
    extensions: ClassVar[tuple[str, ...]] = (".html", ".htm", ".xhtml")

    def read(self, source: Source) -> Iterator[ReportItem | ReadError]:
        name = source_name(source)
        try:
            with open_binary(source) as handle:
                # Markup is roughly twice the visible text; cap the input as well.
                markup, warnings = read_capped_text(handle, self.options.max_chars * 4)
        except OSError as exc:
            yield ReadError(name, f"cannot read file: {exc.strerror or exc}")
            return
        text, title, published = html_to_text(markup)
        if title and title not in text[: len(title) + 200]:
            text = f"{title}\n{text}"
        if len(text) > self.options.max_chars:
            text = text[: self.options.max_chars]
            warnings += (f"text was cut to {self.options.max_chars} characters",)
        if not text.strip():
            yield ReadError(name, "no visible text in the HTML page")
            return
        yield ReportItem(
            item_id=name,
            text=text,
            reference_date=published,
            provenance={"file": name, "title": title},
            warnings=warnings,
        )
