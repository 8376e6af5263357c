"""Plain data types shared by readers, the pipeline and the CLI.

They are frozen dataclasses so that a reader cannot mutate an item after the
pipeline has started on it, and so results can be compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ReportItem:
    """One text to run through the pipeline: a file, a message, a feed entry, a row.

    ``reference_date`` is the item's own publication date; relative expressions
    ("вчера", "last month") resolve against it.  ``provenance`` records where it
    came from (file, chat, forwarded_from, link) for the reviewer.
    """

    item_id: str
    text: str
    reference_date: date | None = None
    lang_hint: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadError:
    """A per-item failure: the batch goes on, the reviewer sees this message."""

    item_id: str
    message: str


@dataclass(frozen=True)
class Evidence:
    """Where in the text a value was found, and how sure the rule is of it."""

    start: int
    end: int
    surface: str
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.surface,
            "confidence": round(self.confidence, 2),
        }
