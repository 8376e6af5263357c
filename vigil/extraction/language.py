"""Language detection: Russian, English, or "other" (skipped with a message).

Script counts decide between Cyrillic and Latin; stop words confirm the language
so that Ukrainian, Kazakh, German or French texts are not silently mis-read by
rules written for Russian or English.
"""

from __future__ import annotations

import re

from vigil.extraction.words import word_set

RU_STOP = word_set("stopwords", "ru")
EN_STOP = word_set("stopwords", "en")
OTHER_LATIN_STOP = word_set("stopwords", "other_latin")
NON_RUSSIAN_CYRILLIC = re.compile("[іїєґўәөүңғқһұ]", re.I)
WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, sample_chars: int = 5000) -> str:
    """Return "ru", "en" or "other" for a text (looks at the first few KB)."""
    sample = text[:sample_chars]
    words = [w.lower() for w in WORD.findall(sample)]
    if len(words) < 3:
        return "other"
    cyrillic = sum(1 for w in words if "а" <= w[0] <= "я" or w[0] == "ё")
    latin = sum(1 for w in words if w[0].isascii())
    if cyrillic >= latin and cyrillic >= 0.3 * len(words):
        if len(NON_RUSSIAN_CYRILLIC.findall(sample)) > 0.01 * len(sample):
            return "other"
        ratio = sum(1 for w in words if w in RU_STOP) / len(words)
        return "ru" if ratio >= 0.04 or len(words) < 25 else "other"
    if latin >= 0.3 * len(words):
        english = sum(1 for w in words if w in EN_STOP)
        foreign = sum(1 for w in words if w in OTHER_LATIN_STOP)
        if foreign > english:
            return "other"
        return "en" if english / len(words) >= 0.06 or (len(words) < 25 and english) else "other"
    return "other"
