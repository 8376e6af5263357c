"""What a reviewer sees and types for each extracted field: labels, parsing of edits, evidence highlighting.

Pure functions, no database: the view and the actions share them, and the tests call them directly. A reviewer's
edit is parsed here so that a value which cannot be coded (a date like "spring", an age of 300) is refused with a
sentence instead of reaching an incident.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FieldKind = Literal["text", "number", "date", "codes", "numbers"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Promise
    kind: FieldKind


FIELD_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("city", gettext_lazy("City"), "text"),
    FieldSpec("region", gettext_lazy("Region"), "text"),
    FieldSpec("country", gettext_lazy("Country"), "text"),
    FieldSpec("date_start", gettext_lazy("Date"), "date"),
    FieldSpec("victims", gettext_lazy("Number of victims"), "number"),
    FieldSpec("victim_ages", gettext_lazy("Ages of victims"), "numbers"),
    FieldSpec("victim_citizenship", gettext_lazy("Citizenship of victims"), "codes"),
    FieldSpec("acts", gettext_lazy("Acts"), "codes"),
    FieldSpec("perpetrators", gettext_lazy("Perpetrators"), "codes"),
    FieldSpec("legal_articles", gettext_lazy("Legal articles"), "codes"),
    FieldSpec("detention_days", gettext_lazy("Days of detention"), "number"),
    FieldSpec("outcome", gettext_lazy("Outcome"), "codes"),
)
SPECS: dict[str, FieldSpec] = {spec.name: spec for spec in FIELD_SPECS}
DATE_VALUE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
MAX_TEXT = 200


def empty_value(name: str) -> Any:
    return [] if SPECS[name].kind in ("codes", "numbers") else None


def parse_edit(name: str, raw: str) -> Any:
    """The coded value a reviewer's typed text stands for; raises ValidationError with a sentence."""
    spec = SPECS.get(name)
    if spec is None:
        raise ValidationError(_("There is no such field."))
    raw = raw.strip()
    if len(raw) > MAX_TEXT:
        raise ValidationError(_("The value is too long."))
    if not raw:
        return empty_value(name)
    if spec.kind == "text":
        return raw
    if spec.kind == "date":
        if not DATE_VALUE.match(raw):
            raise ValidationError(_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."))
        return raw
    if spec.kind == "number":
        if not raw.isdigit() or int(raw) > 100_000:
            raise ValidationError(_("Write a whole number."))
        return int(raw)
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if spec.kind == "numbers":
        if not all(part.isdigit() and int(part) < 130 for part in parts):
            raise ValidationError(_("Write ages as whole numbers separated by commas."))
        return [int(part) for part in parts]
    return list(dict.fromkeys(parts))


def display(value: Any) -> str:
    """The value as a reviewer reads and edits it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def effective_values(extraction: Mapping[str, Any], decisions: Mapping[str, tuple[str, Any]]) -> dict[str, Any]:
    """The draft's values after the reviewer's decisions: an edit replaces, a rejection empties, silence accepts."""
    values: dict[str, Any] = {}
    for spec in FIELD_SPECS:
        status, edited = decisions.get(spec.name, ("", None))
        if status == "edited":
            values[spec.name] = edited
        elif status == "rejected":
            values[spec.name] = empty_value(spec.name)
        else:
            values[spec.name] = extraction.get(spec.name, empty_value(spec.name))
    return values


@dataclass(frozen=True)
class Segment:
    """A stretch of the report text, and the fields whose evidence covers it (empty for plain text)."""

    text: str
    fields: tuple[str, ...]
    anchors: tuple[str, ...] = ()


def highlight(text: str, evidence: Mapping[str, list[Mapping[str, Any]]]) -> list[Segment]:
    """Cut the text at every evidence boundary, so overlapping spans of several fields all show.

    Spans that do not fit the text (a stale extraction, a tampered offset) are ignored rather than trusted.
    """
    spans: list[tuple[int, int, str]] = []
    for name, items in evidence.items():
        for item in items:
            start, end = item.get("start"), item.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                spans.append((start, end, name))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments: list[Segment] = []
    anchored: set[str] = set()
    for left, right in itertools.pairwise(cuts):
        covering = tuple(sorted({name for s, e, name in spans if s <= left and right <= e}))
        anchors = tuple(f"evidence-{name}" for name in covering if name not in anchored)
        anchored.update(covering)
        segments.append(Segment(text[left:right], covering, anchors))
    return segments
