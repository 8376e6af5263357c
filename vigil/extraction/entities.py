"""Sentences and person names.

Russian uses Natasha's Segmenter and NewsNERTagger; the models ship inside the
``natasha``/``slovnet``/``navec`` packages and are loaded once, lazily, on the
first Russian text (English-only runs never pay for them).  English has no heavy
model: person names are capitalised words that are not places, months, sources
or sentence-initial function words.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from razdel import sentenize

from vigil.extraction.words import word_set


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: str  # "PER", "LOC", "ORG"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


_lock = threading.Lock()


@cache
def _natasha() -> tuple[Any, Any]:
    with _lock:
        from natasha import NewsEmbedding, NewsNERTagger, Segmenter

        return Segmenter(), NewsNERTagger(NewsEmbedding())


def load_models() -> None:
    """Load the Russian models now (the CLI and benchmarks call this up front)."""
    _natasha()


MONTH_ABBREVIATION_END = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; paragraph numbers come from line breaks."""
    out: list[Sentence] = []
    paragraph = 0
    position = 0
    for block in re.split(r"(\n+)", text):
        if block.startswith("\n"):
            position += len(block)
            paragraph += 1
            continue
        if not block.strip():
            position += len(block)
            continue
        for sentence in sentenize(block):
            start, stop = position + sentence.start, position + sentence.stop
            if (
                out
                and out[-1].paragraph == paragraph
                and MONTH_ABBREVIATION_END.search(out[-1].text)
                and (sentence.text[:1].isdigit())
            ):
                # "detained on Nov. 20 after ...": the abbreviation's full stop does not end the sentence
                last = out.pop()
                start = last.start
            out.append(Sentence(start, stop, text[start:stop], paragraph))
        position += len(block)
    return out


def russian_entities(text: str) -> tuple[list[Span], list[Sentence]]:
    """Named entities and sentences from one Natasha pass (sentences are reused, not recomputed)."""
    from natasha import Doc

    segmenter, tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    spans = [Span(s.start, s.stop, s.text, s.type) for s in doc.spans]
    breaks = [m.end() for m in re.finditer(r"\n+", text)]
    out: list[Sentence] = []
    for sent in doc.sents:
        start = sent.start
        for piece in re.split(r"(\n+)", sent.text):
            if piece and not piece.startswith("\n") and piece.strip():
                paragraph = bisect.bisect_right(breaks, start)
                out.append(Sentence(start, start + len(piece), piece, paragraph))
            start += len(piece)
    return spans, out


NAME_EN = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?){0,2}\b")
NOT_NAMES = word_set("not_names", "en")


def english_names(text: str) -> list[Span]:
    """Capitalised word runs that look like person names ("Rizvan Dadayev", "Murad")."""
    out: list[Span] = []
    for match in NAME_EN.finditer(text):
        words = [w for w in match.group(0).split() if w not in NOT_NAMES]
        if not words:
            continue
        first = match.group(0).find(words[0])
        start = match.start() + first
        surface = " ".join(words)
        out.append(Span(start, start + len(match.group(0)) - first, surface, "PER"))
    return out


RU_NAME_ENDING = re.compile(r"(?:ыми|ими|ому|ему|ого|его|ой|ей|ом|ем|ым|им|ою|ею|а|я|у|ю|е|ы|и)$")


def name_key(word: str) -> str:
    """A case-insensitive key shared by the inflected forms of one name ("Мукаева" = "Мукаев")."""
    word = word.lower().replace("ё", "е").strip("«»\"'’.,")
    if re.match("[а-я]", word) and len(word) > 3:
        stripped = RU_NAME_ENDING.sub("", word)
        if len(stripped) >= 3:
            return stripped
    return word.removesuffix("'s").removesuffix("’s")
