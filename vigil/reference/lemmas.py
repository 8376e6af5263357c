"""``~lemma`` in trigger phrases: one dictionary word stands for every form of it.

Russian inflects a verb into dozens of forms (задержать: задержали, задержан, задержанного, задержав ...)
and reports use all of them. A documenter writes the dictionary form once, ``~задержать``, and the phrase
matches every tense, gender, number, case, participle and gerund of that word. Aspect partners and nouns
are dictionary words of their own: write ``~задерживать`` and ``~задержание`` too.

The Russian forms come from ``data/lemma_forms.tsv``, generated from the vocabularies by
``python -m vigil.reference.build_lemma_forms`` (pymorphy2 is a build-time dependency only, like
``build_forms``). English forms follow simple suffix rules with a table of irregular verbs, so
``~detain`` is "detain|detains|detained|detaining" and ``~beat`` adds "beaten".

Expansion happens when a vocabulary is loaded: ``~word`` becomes ``(form1|form2|...)`` in the trigger
syntax of :mod:`vigil.reference.triggers`, so the matcher and its prefilter see ordinary phrases.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["LEMMA", "english_forms", "expand_lemmas", "lemma_forms", "russian_forms"]

FORMS_FILE = Path(__file__).resolve().parent / "data" / "lemma_forms.tsv"
LEMMA = re.compile(r"~([^\W\d_]+(?:-[^\W\d_]+)*)")

# Irregular English verbs of the domain: base → past, past participle.
_IRREGULAR = {
    "beat": ("beat", "beaten"),
    "bring": ("brought", "brought"),
    "break": ("broke", "broken"),
    "catch": ("caught", "caught"),
    "drive": ("drove", "driven"),
    "fight": ("fought", "fought"),
    "find": ("found", "found"),
    "flee": ("fled", "fled"),
    "forbid": ("forbade", "forbidden"),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "hold": ("held", "held"),
    "hit": ("hit", "hit"),
    "keep": ("kept", "kept"),
    "lock": ("locked", "locked"),
    "make": ("made", "made"),
    "pay": ("paid", "paid"),
    "put": ("put", "put"),
    "run": ("ran", "run"),
    "seize": ("seized", "seized"),
    "sell": ("sold", "sold"),
    "send": ("sent", "sent"),
    "shoot": ("shot", "shot"),
    "shake": ("shook", "shaken"),
    "slay": ("slew", "slain"),
    "steal": ("stole", "stolen"),
    "strike": ("struck", "struck"),
    "take": ("took", "taken"),
    "tell": ("told", "told"),
    "throw": ("threw", "thrown"),
    "write": ("wrote", "written"),
}
_VOWELS = set("aeiou")
# Verbs stressed on the last syllable double the final consonant although they have two.
_DOUBLING = frozenset({"expel", "compel", "control", "patrol", "admit", "commit", "submit", "permit", "transfer"})


def _double_final(word: str) -> bool:
    """Short verbs ending consonant-vowel-consonant double it: "stop" → "stopped", "rob" → "robbed"."""
    if word in _DOUBLING:
        return True
    if len(word) < 3 or word[-1] in "wxy" or word[-1] in _VOWELS:
        return False
    vowels = sum(1 for c in word if c in _VOWELS)
    return vowels == 1 and word[-2] in _VOWELS and word[-3] not in _VOWELS


def english_forms(word: str) -> tuple[str, ...]:
    """Inflected forms of an English noun or verb by suffix rules (both readings: "arrest", "arrests")."""
    word = word.lower()
    forms = {word}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif word.endswith("y") and word[-2:-1] not in _VOWELS:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if " " in word or word.endswith(("tion", "ment", "ance", "ence", "ism", "ity", "ness", "ure")):
        return tuple(sorted(forms))  # nouns: no verb endings
    if word in _IRREGULAR:
        forms.update(_IRREGULAR[word])
        stem = word[:-1] if word.endswith("e") and not word.endswith("ee") else word
        forms.add((stem + word[-1] if _double_final(word) else stem) + "ing")
        return tuple(sorted(forms))
    if word.endswith("e"):
        stem = word if word.endswith("ee") else word[:-1]
        forms.update({word + "d", stem + "ing"})
    elif word.endswith("y") and word[-2:-1] not in _VOWELS:
        forms.update({word[:-1] + "ied", word + "ing"})
    elif _double_final(word):
        forms.update({word + word[-1] + "ed", word + word[-1] + "ing"})
    else:
        forms.update({word + "ed", word + "ing"})
    return tuple(sorted(forms))


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    if not FORMS_FILE.exists():
        return table
    for line in FORMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lemma, _, forms = line.partition("\t")
        table[lemma] = tuple(forms.split())
    return table


def russian_forms(lemma: str) -> tuple[str, ...] | None:
    """Every form of a Russian dictionary word from the generated table; None if it is not there yet."""
    return _table().get(lemma.lower().replace("ё", "е"))


def lemma_forms(lemma: str, lang: str) -> tuple[str, ...]:
    """The forms ``~lemma`` stands for; a Russian word missing from the table stands for itself only."""
    if lang == "ru" or re.search(r"[а-яё]", lemma, re.I):
        return russian_forms(lemma) or (lemma.lower().replace("ё", "е"),)
    return english_forms(lemma)


def expand_lemmas(phrase: str, lang: str) -> str:
    """Replace each ``~word`` of a trigger phrase with the alternation of its forms."""
    if "~" not in phrase:
        return phrase
    return LEMMA.sub(lambda m: "(" + "|".join(lemma_forms(m.group(1), lang)) + ")", phrase)
