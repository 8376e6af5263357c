"""Fast, equivalent front-ends to the reference's trigger matchers.

``vocabularies.match_triggers`` and ``legal.find_articles_by_description`` run
every term's pattern over the whole text; on a 2 KB report that is most of the
pipeline's own time.  Trigger phrases match at word starts, so a term whose
phrases' first words begin with literals that no word of the text begins with
cannot match.  We check that with a sorted word list and run only the remaining
patterns.  Results are identical to the reference functions (a test holds this).
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import Any

from vigil.reference.triggers import normalise

WORD = re.compile(r"\w+")
LITERAL = re.compile(r"\w+")


def _split_alternatives(group: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in group:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _closing(phrase: str) -> int | None:
    """Index of the parenthesis closing the one at position 0."""
    depth = 0
    for index, ch in enumerate(phrase):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return index
    return None


def first_literals(phrase: str) -> tuple[str, ...] | None:
    """Literal prefixes one of which the first matched word must start with; None if unknown."""
    phrase = " ".join(normalise(phrase).split())
    if not phrase:
        return None
    if phrase.startswith("("):
        index = _closing(phrase)
        if index is None:
            return None
        out: list[str] = []
        if phrase[index + 1 : index + 2] == "?":
            # An optional first group: the match starts in the group or in what follows it.
            rest = first_literals(phrase[index + 2 :])
            if rest is None:
                return None
            out.extend(rest)
        for alternative in _split_alternatives(phrase[1:index]):
            if not alternative.strip():
                return None
            found = first_literals(alternative + phrase[index + 1 :] if alternative.endswith(" ") else alternative)
            if found is None:
                return None
            out.extend(found)
        return tuple(out)
    match = LITERAL.match(phrase)
    if not match:
        return None
    literal = match.group(0)
    if phrase[match.end() : match.end() + 1] == "?":
        literal = literal[:-1]
    return (literal,) if literal and not literal.isdigit() else None


def _words(folded: str) -> list[str]:
    return sorted(set(WORD.findall(folded)))


def _present(words: list[str], literals: tuple[str, ...] | None) -> bool:
    if literals is None:
        return True
    for literal in literals:
        index = bisect.bisect_left(words, literal)
        if index < len(words) and words[index].startswith(literal):
            return True
    return False


@cache
def _term_literals(vocabulary: str, lang: str) -> tuple[tuple[Any, tuple[str, ...] | None], ...]:
    from vigil.reference.vocabularies import load_vocabulary

    out = []
    for term in load_vocabulary(vocabulary).terms:
        literals: list[str] = []
        unknown = False
        for phrase in term.triggers(lang):
            found = first_literals(phrase)
            if found is None:
                unknown = True
                break
            literals.extend(found)
        out.append((term, None if unknown else tuple(literals)))
    return tuple(out)


def match_triggers(vocabulary: str, text: str, lang: str) -> list[tuple[Any, int, int]]:
    """Same result as ``vigil.reference.vocabularies.match_triggers``, faster."""
    folded = normalise(text)
    words = _words(folded)
    hits: list[tuple[Any, int, int]] = []
    for term, literals in _term_literals(vocabulary, lang):
        if not _present(words, literals):
            continue
        for m in term.compiled_triggers(lang).finditer(folded):
            if m.end() > m.start():
                hits.append((term, m.start(), m.end()))
    hits.sort(key=lambda h: (h[1], -h[2], h[0].code))
    return hits


@cache
def _article_literals() -> tuple[tuple[Any, tuple[str, ...] | None], ...]:
    from vigil.reference.legal import all_articles

    out = []
    for article in all_articles():
        literals: list[str] = []
        unknown = False
        for phrase in (*article.descriptions_ru, *article.descriptions_en):
            found = first_literals(phrase)
            if found is None:
                unknown = True
                break
            literals.extend(found)
        out.append((article, None if unknown else tuple(literals)))
    return tuple(out)


def find_articles_by_description(text: str) -> list[tuple[Any, int, int]]:
    """Same result as ``vigil.reference.legal.find_articles_by_description``, faster."""
    folded = normalise(text)
    words = _words(folded)
    hits: list[tuple[Any, int, int]] = []
    for article, literals in _article_literals():
        if not _present(words, literals):
            continue
        for m in article.compiled_descriptions().finditer(folded):
            if m.end() > m.start():
                hits.append((article, m.start(), m.end()))
    hits.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
    kept: list[tuple[Any, int, int]] = []
    for hit in hits:
        _, start, end = hit
        if any(start < k_end and k_start < end and (k_end - k_start) > (end - start) for _, k_start, k_end in kept):
            continue
        kept.append(hit)
    kept.sort(key=lambda h: (h[1], h[2], h[0].code))
    return kept
