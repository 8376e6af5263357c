"""Gazetteer: countries (ISO 3166-1), Russian federal subjects (ISO 3166-2:RU) and cities, found in free text.

Why: reports name places in Russian cases ("в Махачкале"), transliteration variants ("Groznyy", "Daghestan"),
abbreviations ("КБР") and adjectives ("чеченские силовики"). Statistics by region need them all normalised to one
code. Everything is read from shipped files (``data/``) and pycountry; nothing is fetched at run time.

Matching works on word tokens (letters and digits) so hyphens, apostrophes and "г." prefixes do not matter, and a
name never matches inside a longer word ("Ош" is not found in "Ошибка"). The index is built once per process.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from vigil.reference import gazetteer_data as gd
from vigil.reference.triggers import normalise

__all__ = [
    "Place",
    "PlaceMention",
    "all_places",
    "country_of",
    "export_region_name",
    "find_demonyms",
    "find_places",
    "get_place",
    "lookup_demonym",
    "lookup_place",
    "region_of",
]

PlaceKind = Literal["country", "region", "city"]
_Mode = Literal["any", "cap", "exact"]
_TOKEN = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\-‐‑‒–—'’ʼ`.]{1,3}")
_PRIORITY = {"city": 0, "region": 1, "country": 2}
_CITY_PREFIXES = frozenset({"г", "гор", "город", "city", "of"})


@dataclass(frozen=True)
class Place:
    code: str
    kind: PlaceKind
    name_en: str
    name_ru: str
    country_code: str
    region_code: str | None
    population: int | None
    variants: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_ru if lang == "ru" else self.name_en


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    surface: str
    adjectival: bool


@dataclass(frozen=True)
class _Entry:
    place: Place
    adjectival: bool
    mode: _Mode
    surface: str


@dataclass(frozen=True)
class _Index:
    entries: dict[str, tuple[_Entry, ...]]
    max_len: dict[str, int]


def _key(text: str) -> str:
    return " ".join(_TOKEN.findall(normalise(text)))


def _is_latin(text: str) -> bool:
    return any("a" <= c.lower() <= "z" for c in text) and not any("а" <= c.lower() <= "я" for c in text)


@functools.cache
def _places() -> dict[str, Place]:
    places: dict[str, Place] = {}
    extra = gd.read_countries_extra()
    for row in gd.read_pycountry_countries():
        variants = [*extra.get(row.code, {}).get("variants", [])]
        if row.official_en:
            variants.append(row.official_en)
        places[row.code] = Place(row.code, "country", row.name_en, row.name_ru, row.code, None, None, tuple(variants))
    for region in gd.read_regions():
        places[region.code] = Place(
            region.code, "region", region.name_en, region.name_ru, "RU", region.code, None, region.variants
        )
    for city in gd.read_cities():
        places[city.code] = Place(
            city.code, "city", city.name_en, city.name_ru, city.country, city.region, city.population, city.variants
        )
    return places


def _read_forms(filename: str) -> list[tuple[str, str, str]]:
    path = gd.DATA_DIR / filename
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#") and line.strip()]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["code"], r["kind"], r["form"]) for r in rows]


@functools.cache
def _city_flags() -> dict[str, frozenset[str]]:
    return {c.code: c.flags for c in gd.read_cities()}


@functools.cache
def _place_index() -> _Index:
    places = _places()
    blocked = {_key(b) for b in gd.blocked_names()}
    flags = _city_flags()
    collected: dict[str, dict[tuple[str, bool], _Entry]] = {}

    def add(place: Place, surface: str, adjectival: bool) -> None:
        key = _key(surface)
        if not key or key in blocked:
            return
        mode: _Mode
        if gd.is_abbreviation(surface):
            mode = "exact"
        elif _is_latin(surface) or "cap" in flags.get(place.code, ()):
            mode = "cap"
        else:
            mode = "any"
        slot = collected.setdefault(key, {})
        existing = slot.get((place.code, adjectival))
        # The loosest mode wins for the same place: a lower-case form from the forms file beats "cap".
        if existing is None or (existing.mode != "any" and mode == "any"):
            slot[(place.code, adjectival)] = _Entry(place, adjectival, mode, surface)

    for place in places.values():
        for surface in (place.name_en, place.name_ru, *place.variants):
            add(place, surface, adjectival=False)
    for region in gd.read_regions():
        for adjective in region.adjectives_en:
            add(places[region.code], adjective, adjectival=True)
    for code, kind, form in [*_read_forms("place_forms.tsv"), *_read_forms("place_forms_manual.tsv")]:
        if code in places and kind in ("name", "adjectival"):
            # Generated forms are lower-case; a "cap" city keeps its capitalisation rule via add().
            add(places[code], form, adjectival=kind == "adjectival")
    entries: dict[str, tuple[_Entry, ...]] = {}
    max_len: dict[str, int] = {}
    for key, slot in collected.items():
        ordered = sorted(slot.values(), key=lambda e: (e.adjectival, _PRIORITY[e.place.kind], e.place.code))
        entries[key] = tuple(ordered)
        first = key.split(" ", 1)[0]
        max_len[first] = max(max_len.get(first, 0), key.count(" ") + 1)
    return _Index(entries, max_len)


def all_places() -> tuple[Place, ...]:
    return tuple(_places().values())


def get_place(code: str) -> Place:
    try:
        return _places()[code]
    except KeyError:
        raise KeyError(f"no place with code {code!r} in the gazetteer") from None


def _accepts(entry: _Entry, original: str) -> bool:
    if entry.mode == "any":
        return True
    if entry.mode == "cap":
        return original[:1].isupper()
    return "".join(_TOKEN.findall(original)) == "".join(_TOKEN.findall(entry.surface))


def lookup_place(name: str) -> Place | None:
    """The place a name denotes, in any language, case form or variant, ignoring letter case; None if unknown."""
    entries = _place_index().entries
    key = _key(name)
    candidates = entries.get(key)
    if candidates is None and " " in key and key.split(" ", 1)[0] in _CITY_PREFIXES:
        candidates = entries.get(key.split(" ", 1)[1])
    if not candidates:
        return None
    names = [e for e in candidates if not e.adjectival]
    return (names or list(candidates))[0].place


def _tokens(text: str) -> list[tuple[str, int, int]]:
    folded = normalise(text)
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


def _scan(text: str, index: _Index) -> list[tuple[_Entry, int, int]]:
    tokens = _tokens(text)
    found: list[tuple[_Entry, int, int]] = []
    i = 0
    while i < len(tokens):
        longest = index.max_len.get(tokens[i][0], 0)
        match: tuple[_Entry, int, int] | None = None
        for n in range(min(longest, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            if any(not _JOINER.fullmatch(text[a[2] : b[1]]) for a, b in pairwise(span)):
                continue
            candidates = index.entries.get(" ".join(t[0] for t in span))
            if not candidates:
                continue
            start, end = span[0][1], span[-1][2]
            accepted = [e for e in candidates if _accepts(e, text[start:end])]
            if accepted:
                match = (accepted[0], start, end)
                i += n
                break
        if match is None:
            i += 1
        else:
            found.append(match)
    return found


def find_places(text: str) -> list[PlaceMention]:
    """Every place mention, left to right, longest name first, never overlapping.

    ``adjectival`` marks mentions through an adjective or demonym ("чеченские силовики", "Dagestani police"):
    weaker evidence than a place name, for the extractor to use only when no explicit place is given.
    """
    return [
        PlaceMention(entry.place, start, end, text[start:end], entry.adjectival)
        for entry, start, end in _scan(text, _place_index())
    ]


def region_of(place: Place) -> Place | None:
    """The federal subject (or other first-level region) a place lies in; a region is its own region."""
    if place.kind == "region":
        return place
    if place.region_code is None:
        return None
    return _places().get(place.region_code)


def country_of(place: Place) -> Place:
    return get_place(place.country_code)


def export_region_name(place: Place) -> str:
    """Region as the samples contract names it: "Dagestan", "Chechnya", "Moscow" inside Russia, otherwise the
    country ("Kyrgyzstan"). A place in Russia without a known region gives "Russia"."""
    if place.country_code == "RU":
        region = region_of(place)
        return region.name_en if region is not None else country_of(place).name_en
    return country_of(place).name_en


# --- Citizenship --------------------------------------------------------------------------------------------------

_CITIZEN_NOUNS_EN = frozenset(
    {
        "citizen",
        "citizens",
        "national",
        "nationals",
        "passport",
        "passports",
        "citizenship",
        "nationality",
        "subject",
        "subjects",
    }
)
_PERSON_NOUNS_EN = frozenset(
    {
        "man",
        "men",
        "woman",
        "women",
        "student",
        "students",
        "migrant",
        "migrants",
        "worker",
        "workers",
        "guy",
        "youth",
        "teenager",
        "blogger",
        "activist",
        "tourist",
        "tourists",
        "couple",
        "person",
        "people",
        "boy",
        "girl",
    }
)
_CITIZEN_STEMS_RU = ("граждан", "подданн", "паспорт")


@functools.cache
def _demonym_index() -> tuple[dict[str, Place], dict[str, Place], dict[str, Place]]:
    """(Russian nouns and English words -> country, Russian adjectives -> country, country names -> country)."""
    places = _places()
    nouns: dict[str, Place] = {}
    adjectives: dict[str, Place] = {}
    for code, data in gd.read_countries_extra().items():
        if code not in places:
            continue
        for word in data.get("demonyms_en", []):
            nouns.setdefault(_key(word), places[code])
    for code, kind, form in [*_read_forms("place_forms.tsv"), *_read_forms("place_forms_manual.tsv")]:
        if code in places and kind == "demonym":
            nouns.setdefault(_key(form), places[code])
        elif code in places and kind == "demonym_adj":
            adjectives.setdefault(_key(form), places[code])
    countries: dict[str, Place] = {}
    for key, entries in _place_index().entries.items():
        for entry in entries:
            if entry.place.kind == "country" and not entry.adjectival:
                countries.setdefault(key, entry.place)
    return nouns, adjectives, countries


def lookup_demonym(word: str) -> Place | None:
    """The country of a citizen word: "казашка", "Kyrgyz", "китайца" -> the country; None if unknown."""
    nouns, adjectives, _ = _demonym_index()
    key = _key(word)
    return nouns.get(key) or adjectives.get(key)


def find_demonyms(text: str) -> list[tuple[Place, int, int]]:
    """Citizenship mentions -> country: "гражданин Казахстана", "китаец", "a Kyrgyz national", "citizen of Uzbekistan".

    English adjectives count only before a citizen or person noun ("Kazakh citizen", "Chinese student") or as plural
    nouns ("Uzbeks"); "Russian" only before a citizen noun, since it usually qualifies anything else.
    """
    nouns, adjectives, countries = _demonym_index()
    tokens = _tokens(text)
    words = [t[0] for t in tokens]
    found: list[tuple[Place, int, int]] = []

    def country_at(i: int) -> tuple[Place, int] | None:
        for n in (4, 3, 2, 1):
            if i + n <= len(words):
                place = countries.get(" ".join(words[i : i + n]))
                if place is not None and _accepts_country(text, tokens[i][1], tokens[i + n - 1][2], place):
                    return place, i + n
        return None

    i = 0
    while i < len(tokens):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        start = tokens[i][1]
        hit: tuple[Place, int] | None = None
        if word.startswith(_CITIZEN_STEMS_RU):
            hit = country_at(i + 1)
        elif word in ("citizen", "citizens", "national", "nationals", "citizenship", "nationality") and nxt == "of":
            j = i + 2 + (1 if i + 2 < len(words) and words[i + 2] == "the" else 0)
            hit = country_at(j)
        elif word in adjectives and nxt.startswith(_CITIZEN_STEMS_RU):
            hit = (adjectives[word], i + 2)
        elif word in nouns:
            place = nouns[word]
            latin = _is_latin(word)
            if not latin:
                hit = (place, i + 1)
            elif text[start : start + 1].isupper():
                if nxt in _CITIZEN_NOUNS_EN or (place.code != "RU" and nxt in _PERSON_NOUNS_EN):
                    hit = (place, i + 2)
                elif place.code != "RU" and word.endswith("s") and not word.endswith("ss"):
                    hit = (place, i + 1)
        if hit is None and text[start : start + 1].isupper():
            country = country_at(i)
            if country is not None and country[1] < len(words) and words[country[1]] in _CITIZEN_NOUNS_EN:
                hit = (country[0], country[1] + 1)
        if hit is None:
            i += 1
            continue
        place, after = hit
        found.append((place, start, tokens[after - 1][2]))
        i = after
    return found


def _accepts_country(text: str, start: int, end: int, place: Place) -> bool:
    entries = _place_index().entries.get(_key(text[start:end]), ())
    return any(e.place == place and _accepts(e, text[start:end]) for e in entries)
