"""Fast, equivalent front-ends to the reference's trigger matchers.

``vocabularies.match_triggers`` and ``legal.find_articles_by_description`` run
every term's pattern over the whole text; on a 2 KB report that is most of the
pipeline's own time.  Trigger phrases match at word starts, so a term whose
phrases' first words begin with literals that no word of the text begins with
cannot match.  We check that with a sorted word list and run only the remaining
patterns.  Results are identical to the reference functions (a test holds this).

A pattern that passes the check is not run over the whole text either: a match can only
start where a word begins with one of the term's literals, so the pattern is tried with
``match`` at those word starts alone (leftmost first, non-overlapping, as ``finditer``).
Python's ``re`` tries every alternative of a large alternation at every position of the
text, which made the gap rules (``..``) the bulk of the pipeline's own time.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from vigil.reference.triggers import _NUMBER, normalise

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


def first_literals(phrase: str, whole: bool = True) -> tuple[str, ...] | None:
    """Literal prefixes one of which the first matched word must start with; None if unknown.

    A literal ending in a space (``"в "``) is a whole word: the phrase's first word ends there, so the
    text's word must equal it.  ``whole`` is false for a fragment cut out of a longer phrase, whose end
    is not the phrase's end.
    """
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
            rest = first_literals(phrase[index + 2 :], whole)
            if rest is None:
                return None
            out.extend(rest)
        for alternative in _split_alternatives(phrase[1:index]):
            if not alternative.strip():
                return None
            if alternative.endswith(" "):
                found = first_literals(alternative + phrase[index + 1 :], whole)
            else:
                found = first_literals(alternative, whole=False)
            if found is None:
                return None
            out.extend(found)
        return tuple(out)
    if phrase.startswith("#"):
        return (NUMBER_LITERAL,)
    match = LITERAL.match(phrase)
    if not match:
        return None
    literal = match.group(0)
    following = phrase[match.end() : match.end() + 1]
    if following == "?":
        literal = literal[:-1]
    if not literal or literal.isdigit():
        return None
    if following == " " or (whole and not following):
        return (literal + " ",)
    return (literal,)


NUMBER_AT_START = re.compile(_NUMBER)
# The first-literal token of a phrase that begins with a number ("# суток ареста").
NUMBER_LITERAL = "#"


class _Prefixes:
    """For a list of literal tuples: which entries a word may start a match of."""

    def __init__(self, entries: tuple[tuple[str, ...] | None, ...]) -> None:
        self.by_literal: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        for number, literals in enumerate(entries):
            for literal in literals or ():
                if literal.endswith(" "):
                    self.by_word.setdefault(literal[:-1], []).append(number)
                else:
                    self.by_literal.setdefault(literal, []).append(number)
        self.longest = max((len(k) for k in self.by_literal), default=0)
        self.numbered = tuple(self.by_literal.pop(NUMBER_LITERAL, ()))
        self._seen: dict[str, tuple[int, ...]] = {}

    def entries_for(self, word: str) -> tuple[int, ...]:
        """Entries one of whose literals ``word`` begins with (cached: report words repeat)."""
        found = self._seen.get(word)
        if found is None:
            numbers: set[int] = set(self.by_word.get(word, ()))
            lookup = self.by_literal.get
            for size in range(1, min(len(word), self.longest) + 1):
                numbers.update(lookup(word[:size], ()))
            if self.numbered and NUMBER_AT_START.match(word):
                numbers.update(self.numbered)
            found = tuple(sorted(numbers))
            if len(self._seen) > 100_000:
                self._seen.clear()
            self._seen[word] = found
        return found

    def candidates(self, folded: str) -> dict[int, list[int]]:
        """Entry number -> sorted word starts at which that entry's patterns may match."""
        found: dict[int, list[int]] = {}
        for word, positions in _word_starts(folded):
            for number in self.entries_for(word):
                found.setdefault(number, []).extend(positions)
        for positions in found.values():
            positions.sort()
        return found


@lru_cache(maxsize=4)
def _word_starts(folded: str) -> tuple[tuple[str, list[int]], ...]:
    """Each distinct word of ``folded`` with its start offsets (the four matchers share one text)."""
    starts: dict[str, list[int]] = {}
    for m in WORD.finditer(folded):
        starts.setdefault(m.group(0), []).append(m.start())
    return tuple(starts.items())


def _spans(pattern: re.Pattern[str], folded: str, positions: list[int] | None) -> list[tuple[int, int]]:
    """What ``pattern.finditer`` finds (non-empty matches), trying only ``positions`` if given."""
    if positions is None:
        return [m.span() for m in pattern.finditer(folded) if m.end() > m.start()]
    out: list[tuple[int, int]] = []
    resume = 0
    for position in positions:
        if position < resume:
            continue
        m = pattern.match(folded, position)
        if m is not None and m.end() > position:
            out.append((position, m.end()))
            resume = m.end()
    return out


@cache
def _prefixes(key: tuple[str, ...]) -> _Prefixes:
    entries = _article_literals() if key[0] == "articles" else _term_literals(key[1], key[2])
    return _Prefixes(tuple(literals for _, literals in entries))


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
    entries = _term_literals(vocabulary, lang)
    candidates = _prefixes(("terms", vocabulary, lang)).candidates(folded)
    hits: list[tuple[Any, int, int]] = []
    for number, (term, literals) in enumerate(entries):
        positions = None if literals is None else candidates.get(number)
        if literals is not None and positions is None:
            continue
        for start, end in _spans(term.compiled_triggers(lang), folded, positions):
            hits.append((term, start, end))
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
    candidates = _prefixes(("articles",)).candidates(folded)
    hits: list[tuple[Any, int, int]] = []
    for number, (article, literals) in enumerate(_article_literals()):
        positions = None if literals is None else candidates.get(number)
        if literals is not None and positions is None:
            continue
        for start, end in _spans(article.compiled_descriptions(), folded, positions):
            hits.append((article, start, end))
    hits.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
    kept: list[tuple[Any, int, int]] = []
    for hit in hits:
        _, start, end = hit
        if any(start < k_end and k_start < end and (k_end - k_start) > (end - start) for _, k_start, k_end in kept):
            continue
        kept.append(hit)
    kept.sort(key=lambda h: (h[1], h[2], h[0].code))
    return kept
