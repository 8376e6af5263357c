"""Uncertain dates as first-class values (DESIGN §2): a date plus how precisely it is known.

Why: testimonies say "in March", "about two years ago" or nothing at all. Storing a made-up day would turn a guess
into a fact in every statistic; storing text would make periods unsearchable. An `UncertainDate` keeps the first day
of the period it names (so sorting and period filters work) and its precision (so it is never shown more precisely
than it is known). Text forms, used by import, export and the API: "2025-03-14" (day), "2025-03" (month), "2025"
(year), "~2025" or "~2025-03" (estimate), "" or "unknown".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Precision(models.TextChoices):
    DAY = "day", gettext_lazy("day")
    MONTH = "month", gettext_lazy("month")
    YEAR = "year", gettext_lazy("year")
    ESTIMATE = "estimate", gettext_lazy("estimate")
    UNKNOWN = "unknown", gettext_lazy("unknown")


_TEXT = re.compile(r"(?P<approx>~)?(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


class DateFormatError(ValueError):
    """A text form of a date that cannot be read; the message says which forms are allowed."""


@dataclass(frozen=True, order=True)
class UncertainDate:
    value: date | None
    precision: Precision

    def __post_init__(self) -> None:
        if (self.value is None) != (self.precision == Precision.UNKNOWN):
            raise ValueError("an unknown date has no value, and every other date has one")

    @classmethod
    def unknown(cls) -> UncertainDate:
        return cls(None, Precision.UNKNOWN)

    @classmethod
    def parse(cls, text: str | None) -> UncertainDate:
        """Read the text form; raises DateFormatError with the allowed forms."""
        return _parse((text or "").strip()[:64])

    @classmethod
    def _parse(cls, cleaned: str) -> UncertainDate:
        if cleaned.lower() in {"", "unknown", "?"}:
            return cls.unknown()
        match = _TEXT.fullmatch(cleaned)
        if match is None:
            raise DateFormatError(
                _("“%(text)s” is not a date. Use 2025-03-14, 2025-03, 2025, ~2025 (an estimate) or leave it empty.")
                % {"text": cleaned[:40]}
            )
        year, month, day = int(match["year"]), match["month"], match["day"]
        try:
            value = date(year, int(month or 1), int(day or 1))
        except ValueError:
            raise DateFormatError(_("“%(text)s” is not a real calendar date.") % {"text": cleaned[:40]}) from None
        if year < 1900 or value > date.today().replace(year=date.today().year + 1):
            raise DateFormatError(_("“%(text)s” is outside the years Vigil accepts.") % {"text": cleaned[:40]})
        if match["approx"]:
            return cls(value, Precision.ESTIMATE)
        if day:
            return cls(value, Precision.DAY)
        return cls(value, Precision.MONTH if month else Precision.YEAR)

    @classmethod
    def from_columns(cls, value: date | None, precision: str) -> UncertainDate:
        if value is None or precision == Precision.UNKNOWN:
            return cls.unknown()
        return cls(value, Precision(precision))

    def text(self) -> str:
        """The text form `parse` reads back."""
        if self.value is None:
            return ""
        if self.precision == Precision.DAY:
            return self.value.isoformat()
        if self.precision == Precision.MONTH:
            return self.value.strftime("%Y-%m")
        if self.precision == Precision.ESTIMATE:
            return f"~{self.value.year:04d}"
        return f"{self.value.year:04d}"

    def display(self) -> str:
        """For people, in the active language: "14 March 2025", "March 2025", "2025", "~2025", "unknown"."""
        if self.value is None:
            return _("unknown")
        if self.precision == Precision.DAY:
            return formats.date_format(self.value, "j E Y" if _uses_genitive_months() else "j F Y")
        if self.precision == Precision.MONTH:
            return formats.date_format(self.value, "F Y")
        if self.precision == Precision.ESTIMATE:
            # Translators: an estimated year, e.g. "~2025"
            return _("~%(year)s") % {"year": self.value.year}
        return str(self.value.year)


@functools.lru_cache(maxsize=16384)
def _parse(cleaned: str) -> UncertainDate:
    # Imports repeat the same few thousand dates; parsing each once keeps 100,000 rows fast. Errors are not cached.
    return UncertainDate._parse(cleaned)


def _uses_genitive_months() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("ru")


def display_period(start: UncertainDate, end: UncertainDate) -> str:
    if end.value is None or end == start:
        return start.display()
    # Translators: a period between two dates, e.g. "March 2025 – May 2025"
    return _("%(start)s – %(end)s") % {"start": start.display(), "end": end.display()}
