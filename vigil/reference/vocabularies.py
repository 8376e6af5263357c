"""Controlled vocabularies (act types, perpetrators, sources, outcomes, ...) loaded from versioned TOML files.

Why data files: documenters must be able to add a finer act type or correct a trigger phrase without a
programmer, and every coded record must say which vocabulary version it was coded against. The files live in
``vigil/reference/data/<name>.toml``; each has ``version``, ``source`` and a list of ``[[term]]`` tables.

A term without its own ``export_code`` inherits its parent's, so a finer term ("staged date") still maps onto
the coarse code of the samples contract ("entrapment"). Trigger phrases use the syntax in
:mod:`vigil.reference.triggers`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vigil.reference.lemmas import expand_lemmas
from vigil.reference.triggers import compile_phrases, normalise

__all__ = [
    "Term",
    "Vocabulary",
    "VocabularyError",
    "load_vocabulary",
    "match_triggers",
    "vocabulary_names",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

_NAMES = (
    "act_types",
    "custody_facts",
    "perpetrator_types",
    "source_types",
    "outcomes",
    "facility_types",
    "verification_levels",
    "reliability_grades",
)

Lang = Literal["en", "ru"]
PropertyValue = str | int | bool


class VocabularyError(ValueError):
    """A vocabulary file is malformed; the message names the file and the term."""


@dataclass(frozen=True)
class Term:
    """One coded value with its bilingual labels and the phrases that signal it in free text."""

    code: str
    label_en: str
    label_ru: str
    parent: str | None
    export_code: str | None
    description_en: str
    description_ru: str
    triggers_en: tuple[str, ...]
    triggers_ru: tuple[str, ...]
    properties: tuple[tuple[str, PropertyValue], ...] = ()

    def label(self, lang: str) -> str:
        return self.label_ru if _lang(lang) == "ru" else self.label_en

    def description(self, lang: str) -> str:
        return self.description_ru if _lang(lang) == "ru" else self.description_en

    def triggers(self, lang: str) -> tuple[str, ...]:
        return self.triggers_ru if _lang(lang) == "ru" else self.triggers_en

    def compiled_triggers(self, lang: str) -> re.Pattern[str]:
        """A pattern over :func:`~vigil.reference.triggers.normalise`-d text; it never matches if there are none."""
        return compile_phrases(self.triggers(lang))

    def property(self, name: str, default: PropertyValue | None = None) -> PropertyValue | None:
        """An extra attribute from the file, e.g. ``default_hand`` of a source type."""
        for key, value in self.properties:
            if key == name:
                return value
        return default


@dataclass(frozen=True)
class Vocabulary:
    name: str
    version: str
    terms: tuple[Term, ...]
    source: str = ""

    def get(self, code: str) -> Term:
        for term in self.terms:
            if term.code == code:
                return term
        raise KeyError(f"{code!r} is not a code of vocabulary {self.name!r}; allowed: {', '.join(self.codes())}")

    def __contains__(self, code: object) -> bool:
        return any(term.code == code for term in self.terms)

    def codes(self) -> tuple[str, ...]:
        return tuple(term.code for term in self.terms)

    def roots(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.parent is None)

    def children(self, code: str) -> tuple[Term, ...]:
        self.get(code)
        return tuple(term for term in self.terms if term.parent == code)

    def descendants(self, code: str) -> tuple[Term, ...]:
        found: list[Term] = []
        for child in self.children(code):
            found.append(child)
            found.extend(self.descendants(child.code))
        return tuple(found)

    def ancestors(self, code: str) -> tuple[Term, ...]:
        """Parent first, root last."""
        chain: list[Term] = []
        parent = self.get(code).parent
        while parent is not None:
            term = self.get(parent)
            chain.append(term)
            parent = term.parent
        return tuple(chain)

    def label(self, code: str, lang: str) -> str:
        return self.get(code).label(lang)

    def export_codes(self) -> frozenset[str]:
        return frozenset(t.export_code for t in self.terms if t.export_code is not None)

    def terms_exporting(self, export_code: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.export_code == export_code)


def _lang(lang: str) -> Lang:
    if lang == "en":
        return "en"
    if lang == "ru":
        return "ru"
    raise ValueError(f"language must be 'en' or 'ru', not {lang!r}")


def vocabulary_names() -> tuple[str, ...]:
    return _NAMES


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise VocabularyError(f"{where}: {key} must be a non-empty string")
    return value.strip()


_TERM_KEYS = {
    "code",
    "parent",
    "export_code",
    "label_en",
    "label_ru",
    "description_en",
    "description_ru",
    "triggers_en",
    "triggers_ru",
    "properties",
}


def _parse(name: str, data: dict[str, Any]) -> Vocabulary:
    where = f"{name}.toml"
    version = data.get("version")
    source = data.get("source")
    if not isinstance(version, str) or not version:
        raise VocabularyError(f"{where}: missing 'version'")
    if not isinstance(source, str) or not source:
        raise VocabularyError(f"{where}: missing 'source'")
    raw_terms = data.get("term")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise VocabularyError(f"{where}: no [[term]] tables")
    parsed: list[dict[str, Any]] = []
    for raw in raw_terms:
        code = raw.get("code")
        if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z0-9_]+", code):
            raise VocabularyError(f"{where}: every term needs a code of letters, digits and '_', got {code!r}")
        here = f"{where} term {code!r}"
        unknown = set(raw) - _TERM_KEYS
        if unknown:
            raise VocabularyError(f"{here}: unknown keys {sorted(unknown)}")
        props = raw.get("properties", {})
        if not isinstance(props, dict) or not all(isinstance(v, str | int | bool) for v in props.values()):
            raise VocabularyError(f"{here}: properties must be a table of strings, integers or booleans")
        parsed.append(
            {
                "code": code,
                "parent": raw.get("parent") or None,
                "export_code": raw.get("export_code") or None,
                "label_en": _text(raw, "label_en", here, required=True),
                "label_ru": _text(raw, "label_ru", here, required=True),
                "description_en": _text(raw, "description_en", here, required=False),
                "description_ru": _text(raw, "description_ru", here, required=False),
                "triggers_en": tuple(expand_lemmas(t, "en") for t in _strings(raw, "triggers_en", here)),
                "triggers_ru": tuple(expand_lemmas(t, "ru") for t in _strings(raw, "triggers_ru", here)),
                "properties": tuple(sorted(props.items())),
            }
        )
    by_code = {p["code"]: p for p in parsed}
    if len(by_code) != len(parsed):
        counts = Counter(p["code"] for p in parsed)
        dupes = sorted(code for code, n in counts.items() if n > 1)
        raise VocabularyError(f"{where}: duplicate codes {dupes}")
    for p in parsed:
        if p["parent"] is not None and p["parent"] not in by_code:
            raise VocabularyError(f"{where} term {p['code']!r}: parent {p['parent']!r} does not exist")

    def inherited_export(code: str, trail: tuple[str, ...] = ()) -> str | None:
        if code in trail:
            raise VocabularyError(f"{where}: parent cycle through {' -> '.join((*trail, code))}")
        entry = by_code[code]
        if entry["export_code"] is not None:
            return str(entry["export_code"])
        return None if entry["parent"] is None else inherited_export(entry["parent"], (*trail, code))

    terms = tuple(Term(**{**p, "export_code": inherited_export(p["code"])}) for p in parsed)
    return Vocabulary(name=name, version=version, terms=terms, source=source)


@functools.cache
def load_vocabulary(name: str) -> Vocabulary:
    """Load and validate ``data/<name>.toml``; unknown names raise ``KeyError`` listing the known ones."""
    if name not in _NAMES:
        raise KeyError(f"no vocabulary {name!r}; known: {', '.join(_NAMES)}")
    with (DATA_DIR / f"{name}.toml").open("rb") as fh:
        data = tomllib.load(fh)
    vocabulary = _parse(name, data)
    for term in vocabulary.terms:
        term.compiled_triggers("en")
        term.compiled_triggers("ru")
    return vocabulary


def match_triggers(vocabulary_name: str, text: str, lang: str) -> list[tuple[Term, int, int]]:
    """Every trigger hit of every term in ``text``, ordered by position.

    Hits of different terms may overlap (a finer term and its parent often both fire); hits of one term do not.
    Spans are character offsets into ``text``.
    """
    vocabulary = load_vocabulary(vocabulary_name)
    language = _lang(lang)
    folded = normalise(text)
    hits: list[tuple[Term, int, int]] = []
    for term in vocabulary.terms:
        for m in term.compiled_triggers(language).finditer(folded):
            if m.end() > m.start():
                hits.append((term, m.start(), m.end()))
    hits.sort(key=lambda h: (h[1], -h[2], h[0].code))
    return hits
