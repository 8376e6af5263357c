"""Loader for ``data/words.toml``: month names and number words as regexes.

Kept apart from the rules so a documenter can add a spelling without reading code.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


@cache
def _words() -> dict[str, Any]:
    with (DATA / "words.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def month_patterns() -> tuple[tuple[int, re.Pattern[str]], ...]:
    """(month number, regex matching one word) for both languages."""
    data = _words()["months"]
    out: list[tuple[int, re.Pattern[str]]] = []
    for number, names in enumerate(data["en"], 1):
        alternatives = "|".join(sorted(names, key=len, reverse=True))
        out.append((number, re.compile(rf"(?:{alternatives})\.?", re.I)))
    for number, stem in enumerate(data["ru"], 1):
        out.append((number, re.compile(rf"{stem}[а-я]*", re.I)))
    return tuple(out)


@cache
def month_regex() -> str:
    """One alternation matching any month word (English names or Russian stems)."""
    data = _words()["months"]
    en = [name for names in data["en"] for name in names if len(name) > 2]
    ru = [f"{stem}[а-я]*" for stem in data["ru"]]
    return "(?:" + "|".join(sorted(en, key=len, reverse=True) + ru) + r")\b\.?"


def month_number(word: str) -> int | None:
    word = word.strip(". ").lower()
    for number, pattern in month_patterns():
        if pattern.fullmatch(word):
            return number
    return None


@cache
def season_regex() -> str:
    data = _words()["seasons"]
    return "(?:" + "|".join(data["en"] + [f"{stem}[а-я]*" for stem in data["ru"]]) + ")"


@cache
def number_words() -> tuple[tuple[str, int], ...]:
    """(lower-case word or stem, value), longest first so "двадцать пять" beats "двадцат"."""
    data = _words()["numbers"]
    pairs = [(str(w), int(row[0])) for lang in ("en", "ru") for row in data[lang] for w in row[1:]]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@cache
def number_regex() -> str:
    """Regex for a count: digits or a number word (Russian stems take any ending)."""
    words = []
    for word, _ in number_words():
        escaped = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        words.append(escaped + (r"[а-яё]*" if word.endswith("*") else r"\b"))
    return r"(?:\d{1,4}|" + "|".join(words) + ")"


def parse_number(text: str) -> int | None:
    text = re.sub(r"\s+", " ", text.strip().lower())
    if text.isdigit():
        return int(text)
    for word, value in number_words():
        if text == word or (word.endswith("*") and text.startswith(word[:-1])):
            return value
    return None


def word_set(table: str, lang: str) -> frozenset[str]:
    """A word list from ``data/words.toml`` (stop words, words that are not names)."""
    return frozenset(str(w) for w in _words()[table][lang])
