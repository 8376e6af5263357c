"""Is this draft an incident we already know? A score from place, period, victims and wording.

Why: the same detention is reported by a victim's friend on Telegram, by a news site two days later and by an NGO
a month after; three incidents for one event would inflate statistics and split the sources a lawyer needs. The
score is advisory: a person decides on the draft page, seeing the differing fields side by side.

The scoring is pure (plain values in, a number and its reasons out) so it can be unit-tested; candidate retrieval
(which incidents to score at all) lives with the incidents accessor and filters by place and period first, so
scoring stays cheap however many incidents an instance holds.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

# How much each kind of agreement counts; components unknown on either side drop out of the average.
WEIGHTS = {"place": 0.3, "period": 0.3, "victims": 0.15, "text": 0.25}
# A difference of region or country makes a duplicate unlikely whatever the rest says.
PLACE_CONFLICT_FACTOR = 0.3
# Dates further apart than this (in days, outside the known precision) score zero.
PERIOD_TOLERANCE_DAYS = 30
SHINGLE_SIZE = 3
LIKELY_DUPLICATE = 0.6
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Facts:
    """What is known about one incident or draft, in comparable form."""

    city: str | None = None  # gazetteer code
    region: str | None = None  # gazetteer code
    country: str | None = None  # gazetteer code
    period: tuple[date, date] | None = None
    age_bands: frozenset[str] = frozenset()
    citizenship: frozenset[str] = frozenset()
    victims: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Score:
    total: float
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def likely(self) -> bool:
        return self.total >= LIKELY_DUPLICATE


def period_of(value: str | None) -> tuple[date, date] | None:
    """The days an uncertain date can mean: "2025" is the whole year, "2025-03" the month, a day itself."""
    if not value:
        return None
    try:
        parts = [int(part) for part in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
        day = date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        return None
    return day, day


def widen(period: tuple[date, date], days: int = PERIOD_TOLERANCE_DAYS) -> tuple[date, date]:
    return period[0] - timedelta(days=days), period[1] + timedelta(days=days)


def place_score(a: Facts, b: Facts) -> float | None:
    """1 for the same city, 0.7 for the same region, 0.2 for the same country only, 0 for a clear difference."""
    if a.city and b.city:
        if a.city == b.city:
            return 1.0
        if a.region and a.region == b.region:
            return 0.4  # two cities of one region: neighbours, not the same place
        return 0.0
    if a.region and b.region:
        return 0.7 if a.region == b.region else 0.0
    if a.country and b.country:
        return 0.2 if a.country == b.country else 0.0
    return None


def period_score(a: Facts, b: Facts) -> float | None:
    """1 when the periods overlap at the precision known, falling to 0 over PERIOD_TOLERANCE_DAYS of gap."""
    if a.period is None or b.period is None:
        return None
    gap = max((b.period[0] - a.period[1]).days, (a.period[0] - b.period[1]).days, 0)
    return max(0.0, 1.0 - gap / PERIOD_TOLERANCE_DAYS)


def _jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def victims_score(a: Facts, b: Facts) -> float | None:
    scores: list[float] = []
    if a.age_bands and b.age_bands:
        scores.append(_jaccard(frozenset(a.age_bands), frozenset(b.age_bands)))
    if a.citizenship and b.citizenship:
        scores.append(_jaccard(frozenset(a.citizenship), frozenset(b.citizenship)))
    if a.victims and b.victims:
        scores.append(min(a.victims, b.victims) / max(a.victims, b.victims))
    return sum(scores) / len(scores) if scores else None


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Word n-grams of the case-folded, accent-stripped text (ё and е compare equal)."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ё", "е"))
    words = _WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))
    if len(words) < size:
        return frozenset(" ".join(words[i:]) for i in range(len(words))) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def text_score(a: Facts, b: Facts) -> float | None:
    if not a.text.strip() or not b.text.strip():
        return None
    left, right = shingles(a.text), shingles(b.text)
    if not left or not right:
        return None
    # Containment rather than Jaccard: a short message quoted inside a long article is the same story.
    return len(left & right) / min(len(left), len(right))


def score(draft: Facts, incident: Facts) -> Score:
    parts: dict[str, float] = {}
    for name, function in (
        ("place", place_score),
        ("period", period_score),
        ("victims", victims_score),
        ("text", text_score),
    ):
        value = function(draft, incident)
        if value is not None:
            parts[name] = round(value, 3)
    if not parts:
        return Score(0.0, parts)
    weight = sum(WEIGHTS[name] for name in parts)
    total = sum(WEIGHTS[name] * value for name, value in parts.items()) / weight
    # Agreement on only one weak component proves little: scale by how much of the evidence was comparable.
    total *= min(1.0, weight / 0.6)
    if parts.get("place") == 0.0:
        total *= PLACE_CONFLICT_FACTOR
    return Score(round(total, 3), parts)


def place_codes(city: str | None, region: str | None, country: str | None) -> tuple[str | None, str | None, str | None]:
    """Gazetteer codes (city, region, country) for the names the pipeline or a reviewer wrote."""
    from vigil.reference.gazetteer import country_of, lookup_place, region_of

    city_code = region_code = country_code = None
    for name in (city, region, country):
        place = lookup_place(name) if name else None
        if place is None:
            continue
        if place.kind == "city" and name == city and city_code is None:
            city_code = place.code
        container = region_of(place)
        if container is not None and region_code is None and name != country:
            region_code = container.code
        if country_code is None:
            country_code = country_of(place).code
    return city_code, region_code, country_code


def age_band(age: int) -> str:
    """The incidents app's age band for an exact age (victim attributes are kept minimal: bands, not ages)."""
    for limit, band in ((17, "under_18"), (25, "18_25"), (40, "26_40"), (60, "41_60")):
        if age <= limit:
            return band
    return "over_60"


def country_code(name: str) -> str | None:
    from vigil.reference.gazetteer import lookup_place

    place = lookup_place(name) if name else None
    return place.country_code if place is not None else None


def facts_from_values(values: dict[str, object], text: str = "") -> Facts:
    """Facts of a draft, from its values in the shape of `extract_report` (names, not codes)."""

    def _str(name: str) -> str | None:
        value = values.get(name)
        return value if isinstance(value, str) and value else None

    def _list(name: str) -> list[object]:
        value = values.get(name)
        return value if isinstance(value, list) else []

    city, region, country = place_codes(_str("city"), _str("region"), _str("country"))
    victims = values.get("victims")
    return Facts(
        city=city,
        region=region,
        country=country,
        period=period_of(_str("date_start")),
        age_bands=frozenset(age_band(age) for age in _list("victim_ages") if isinstance(age, int)),
        citizenship=frozenset(filter(None, (country_code(str(item)) for item in _list("victim_citizenship")))),
        victims=victims if isinstance(victims, int) else None,
        text=text,
    )
