"""Generate ``data/place_forms.tsv``: the Russian case forms of every place name, adjective and demonym.

Why a generated, committed file: Russian news names places in six cases ("в Махачкале", "из Грозного",
"Кабардино-Балкарии"), and matching needs every form. Generating them at run time would make the server depend on
pymorphy2 and its dictionaries; committing the output keeps run time pure data and lets a reviewer see each form.
Forms pymorphy2 gets wrong or misses go in ``data/place_forms_manual.tsv``, which this script never touches.

Re-run after editing ``regions.tsv``, ``cities.tsv`` or ``countries_extra.toml``, or upgrading pycountry::

    .venv/bin/python -m vigil.reference.build_forms

Needs ``pymorphy2`` and ``pymorphy2-dicts-ru`` (dev dependencies only).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from vigil.reference import gazetteer_data as gd
from vigil.reference.triggers import normalise

OUTPUT = gd.DATA_DIR / "place_forms.tsv"
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
INFLECTABLE = {"NOUN", "ADJF", "PRTF"}


def _analyzer() -> Any:
    # pymorphy2 0.9 calls inspect.getargspec, which Python 3.11 removed; the full spec is a drop-in superset.
    if not hasattr(inspect, "getargspec"):
        inspect.getargspec = lambda f: inspect.getfullargspec(f)[:4]  # type: ignore[attr-defined]
    import pymorphy2

    return pymorphy2.MorphAnalyzer()


class Inflector:
    def __init__(self) -> None:
        self.morph = _analyzer()

    def _nominative_parse(self, word: str) -> Any | None:
        parses = [p for p in self.morph.parse(word) if p.tag.POS in INFLECTABLE and "nomn" in p.tag]
        if not parses:
            return None

        def rank(p: Any) -> tuple[int, float]:
            tags = p.tag
            return (0 if "Geox" in tags else 1 if ("Name" in tags or "Surn" in tags) else 2, -p.score)

        return sorted(parses, key=rank)[0]

    def word_cases(self, word: str) -> dict[str, str] | None:
        """The word in each case (keeping its number and gender), or None when it does not decline."""
        if "-" in word:
            return self._hyphenated_cases(word)
        parse = self._nominative_parse(word)
        if parse is None:
            return None
        cases: dict[str, str] = {}
        for case in CASES:
            inflected = parse.inflect({case})
            if inflected is not None:
                cases[case] = inflected.word
        return cases if len(set(cases.values())) > 1 else None

    def _hyphenated_cases(self, word: str) -> dict[str, str] | None:
        # Prefer the analyser's whole-word result; fall back on inflecting one part: the last one
        # (Урус-Мартан -> Урус-Мартане) or, failing that, the first one (Ростов-на-Дону -> Ростове-на-Дону).
        parse = self._nominative_parse(word)
        if parse is not None:
            whole = {c: f.word for c in CASES if (f := parse.inflect({c})) is not None}
            if len(set(whole.values())) > 1:
                return whole
        head, _, last = word.rpartition("-")
        last_cases = self.word_cases(last)
        if last_cases:
            return {c: f"{head}-{f}" for c, f in last_cases.items()}
        first, _, rest = word.partition("-")
        first_cases = self.word_cases(first)
        if first_cases:
            return {c: f"{f}-{rest}" for c, f in first_cases.items()}
        return None

    def phrase_forms(self, phrase: str) -> set[str]:
        """Case forms of a name: every word in the same case, and only the first word in that case
        ("Республике Дагестан" as well as "Республике Дагестане")."""
        words = phrase.split()
        per_word = [self.word_cases(w) for w in words]
        result = {phrase}
        for case in CASES:
            result.add(" ".join(c.get(case, w) if c else w for w, c in zip(words, per_word, strict=True)))
            if per_word[0]:
                result.add(" ".join([per_word[0].get(case, words[0]), *words[1:]]))
        return result

    def lexeme(self, lemma: str) -> set[str]:
        """Every form of an adjective or noun lemma ("чеченский" -> чеченские, чеченской ...)."""
        words = lemma.split()
        if len(words) > 1:
            return self.phrase_forms(lemma)
        parses = [p for p in self.morph.parse(lemma) if p.tag.POS in INFLECTABLE and p.normal_form == lemma]
        if not parses:
            return {lemma}
        best = sorted(parses, key=lambda p: -p.score)[0]
        return {f.word for f in best.lexeme if f.tag.POS in INFLECTABLE} | {lemma}


def _cyrillic(text: str) -> bool:
    return any("а" <= c <= "я" or c in "ёЁ" or "А" <= c <= "Я" for c in text)


def generate(inflector: Inflector) -> Iterator[tuple[str, str, str]]:
    """Rows (place code, kind, form); kind is name, adjectival, demonym or demonym_adj."""
    for region in gd.read_regions():
        for name in (region.name_ru, *region.variants):
            if _cyrillic(name) and not gd.is_abbreviation(name):
                for form in inflector.phrase_forms(name):
                    yield region.code, "name", form
        for lemma in region.adjectives_ru:
            for form in inflector.lexeme(lemma):
                yield region.code, "adjectival", form
    for city in gd.read_cities():
        names = [n for n in (city.name_ru, *city.variants) if _cyrillic(n) and not gd.is_abbreviation(n)]
        for name in names:
            forms: Iterable[str] = [name] if "fixed" in city.flags else inflector.phrase_forms(name)
            for form in forms:
                yield city.code, "name", form
    extra = gd.read_countries_extra()
    for country in gd.read_pycountry_countries():
        country_names = {country.name_ru, *extra.get(country.code, {}).get("variants", [])}
        country_names |= {n.split(",")[0].strip() for n in list(country_names)}
        for name in sorted(country_names):
            if _cyrillic(name) and not gd.is_abbreviation(name) and name not in gd.blocked_names():
                for form in inflector.phrase_forms(name):
                    yield country.code, "name", form
        for lemma in extra.get(country.code, {}).get("demonyms_ru", []):
            for form in inflector.lexeme(lemma):
                yield country.code, "demonym", form
        for lemma in extra.get(country.code, {}).get("adjectives_ru", []):
            for form in inflector.lexeme(lemma):
                yield country.code, "demonym_adj", form


def main() -> int:
    inflector = Inflector()
    rows = sorted({(code, kind, normalise(form)) for code, kind, form in generate(inflector)})
    with OUTPUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Generated by `python -m vigil.reference.build_forms` from regions.tsv, cities.tsv,\n")
        fh.write("# countries_extra.toml and pycountry's Russian ISO 3166 catalogue, inflected with pymorphy2\n")
        fh.write("# (OpenCorpora dictionaries). Do not edit:\n")
        fh.write("# put corrections in place_forms_manual.tsv. Forms are lower-case with ё written as е.\n")
        fh.write("code\tkind\tform\n")
        for code, kind, form in rows:
            fh.write(f"{code}\t{kind}\t{form}\n")
    print(f"wrote {len(rows)} forms to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
