"""Readers for the gazetteer's source files, shared by the run-time gazetteer and ``build_forms``.

Why separate: ``build_forms`` (a developer tool that needs pymorphy2) and ``gazetteer`` (run time, no pymorphy2)
must read the same rows the same way, or the generated case forms drift from the places they belong to.
"""

from __future__ import annotations

import csv
import functools
import gettext
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry

DATA_DIR = Path(__file__).resolve().parent / "data"


class GazetteerDataError(ValueError):
    """A gazetteer data file is malformed; the message names the file and the row."""


@dataclass(frozen=True)
class RegionRow:
    code: str
    name_en: str
    name_ru: str
    variants: tuple[str, ...]
    adjectives_ru: tuple[str, ...]
    adjectives_en: tuple[str, ...]


@dataclass(frozen=True)
class CityRow:
    code: str
    name_en: str
    name_ru: str
    variants: tuple[str, ...]
    region: str | None
    country: str
    population: int | None
    flags: frozenset[str]


@dataclass(frozen=True)
class CountryRow:
    code: str
    name_en: str
    name_ru: str
    official_en: str | None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _rows(filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    path = DATA_DIR / filename
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#") and line.strip()]
    reader = csv.DictReader((line for _, line in lines), delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = reader.fieldnames or []
    for (number, _), row in zip(lines[1:], reader, strict=True):
        if None in row or any(row.get(c) is None for c in columns):
            raise GazetteerDataError(f"{filename} line {number}: expected {len(columns)} tab-separated columns")
        yield number, {k: (v or "").strip() for k, v in row.items()}


@functools.cache
def read_regions() -> tuple[RegionRow, ...]:
    regions = []
    for number, row in _rows("regions.tsv"):
        if not row["code"].startswith("RU-") or not row["name_en"] or not row["name_ru"]:
            raise GazetteerDataError(f"regions.tsv line {number}: code RU-.. and both names are required")
        regions.append(
            RegionRow(
                code=row["code"],
                name_en=row["name_en"],
                name_ru=row["name_ru"],
                variants=_split(row["variants"]),
                adjectives_ru=_split(row["adjectives_ru"]),
                adjectives_en=_split(row["adjectives_en"]),
            )
        )
    return tuple(regions)


@functools.cache
def read_cities() -> tuple[CityRow, ...]:
    cities = []
    for number, row in _rows("cities.tsv"):
        if "/" not in row["code"] or not row["name_en"] or not row["name_ru"] or len(row["country"]) != 2:
            raise GazetteerDataError(f"cities.tsv line {number}: code CC/name, both names and a country are required")
        population = row["population"]
        if population and not population.isdigit():
            raise GazetteerDataError(f"cities.tsv line {number}: population must be a whole number")
        cities.append(
            CityRow(
                code=row["code"],
                name_en=row["name_en"],
                name_ru=row["name_ru"],
                variants=_split(row["variants"]),
                region=row["region"] or None,
                country=row["country"],
                population=int(population) if population else None,
                flags=frozenset(f.strip() for f in row["flags"].split(",") if f.strip()),
            )
        )
    return tuple(cities)


@functools.cache
def _countries_extra_file() -> dict[str, Any]:
    with (DATA_DIR / "countries_extra.toml").open("rb") as fh:
        return tomllib.load(fh)


def read_countries_extra() -> dict[str, dict[str, Any]]:
    countries = _countries_extra_file().get("country", {})
    if not isinstance(countries, dict):
        raise GazetteerDataError("countries_extra.toml: [country.XX] tables expected")
    return countries


def countries_extra_version() -> str:
    return str(_countries_extra_file().get("version", ""))


@functools.cache
def blocked_names() -> frozenset[str]:
    return frozenset(_countries_extra_file().get("blocked_names", []))


@functools.cache
def _russian_catalogue() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"], fallback=True)


@functools.cache
def read_pycountry_countries() -> tuple[CountryRow, ...]:
    """Every ISO 3166-1 country, with Russian names from the iso-codes catalogue pycountry ships."""
    extra = read_countries_extra()
    catalogue = _russian_catalogue()
    rows = []
    for country in pycountry.countries:
        override = extra.get(country.alpha_2, {})
        common = getattr(country, "common_name", None)
        name_en = override.get("name_en") or common or country.name
        name_ru = override.get("name_ru") or catalogue.gettext(country.name)
        rows.append(
            CountryRow(
                code=country.alpha_2,
                name_en=str(name_en),
                name_ru=str(name_ru),
                official_en=getattr(country, "official_name", None),
            )
        )
    return tuple(rows)


def is_abbreviation(name: str) -> bool:
    """Short all-capital names ("КБР", "РФ", "USA") match only in capitals, as they collide with words."""
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)
