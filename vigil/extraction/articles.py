"""Legal articles, by number ("ст. 19.3 КоАП", "part 1 of Article 6.21 of the Code of
Administrative Offences", "статьи 242.1 УК РФ") and by description ("disobeying the
lawful order of a police officer" is KoAP 19.3) via the reference tables.

Articles named in threats count too: a documenter records which article was used
against the victim, even as a threat.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTEXT_DATA = Path(__file__).with_name("data") / "context.toml"

NUM = r"\d{1,3}(?:\.\d{1,2}){0,2}"
NUMS = rf"({NUM}(?:\s*(?:,|и|and|or|или)\s*{NUM})*)"
CODE_RU = (
    r"(КоАП|УК|Кодекса?\s+(?:РФ\s+)?об\s+административных\s+правонарушениях|"
    r"(?:Уголовного|Административного)\s+кодекса|Уголовн\w+\s+кодекс\w*|УПК)"
)
CODE_EN = (
    r"(KoAP|CAO|UK|(?:Russian\s+|Russia['’]s\s+|the\s+)*(?:Criminal\s+Code|Code\s+of\s+Administrative\s+(?:Offen[cs]es|Violations)|"
    r"Administrative\s+(?:Offen[cs]es\s+)?Code|Administrative\s+Code))"
)
RU_ARTICLE = re.compile(
    rf"(?:\b(?:ч\.|част[ьиею]+)\s*\d+\s+)?\b(?:ст\.|стать[яиеюй]+|статей|статьям[и]?)\s*{NUMS}"
    rf"(?:\s*(?:ч\.|част[ьи]+)\s*\d+)?\s+{CODE_RU}",
    re.I,
)
RU_SHORT = re.compile(rf"\b(?:по|ст\.?)\s+{NUMS}\s+(КоАП|УК)\b", re.I)
EN_ARTICLE = re.compile(
    rf"\b(?:(?:part|paragraph)\s+\d+\s+of\s+)?Articles?\s+{NUMS}(?:\s*\(?(?:part|paragraph)\s+\d+\)?)?"
    rf"(?:,?\s+(?:of|under)\s+(?:the\s+)?|\s+){CODE_EN}",
    re.I,
)
EN_PREFIX = re.compile(rf"\b(?:Russia's\s+)?{CODE_EN}\s+Article\s+{NUMS}", re.I)


@dataclass(frozen=True)
class ArticleMention:
    code: str  # "KoAP 19.3", "UK 242.1"
    start: int
    end: int
    surface: str
    by_description: bool


def _kind(code_word: str) -> str | None:
    word = code_word.lower()
    if "упк" in word:
        return None
    if "коап" in word or "админ" in word or "koap" in word or "cao" in word or "administrative" in word:
        return "KoAP"
    if word in ("ук", "uk") or "уголов" in word or "criminal" in word:
        return "UK"
    return None


def _numbers(group: str) -> list[str]:
    return re.findall(NUM, group)


def _known(code: str) -> str:
    """Reduce "KoAP 6.21.2" style sub-numbers to the article the reference knows."""
    from vigil.reference import legal

    candidate = code
    while True:
        try:
            legal.get_article(candidate)
            return candidate
        except (KeyError, LookupError):
            if "." not in candidate.split(" ", 1)[1]:
                return code
            reduced = candidate.rsplit(".", 1)[0]
            if reduced == candidate:
                return code
            candidate = reduced


@cache
def _offence_rules() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    with CONTEXT_DATA.open("rb") as handle:
        data = tomllib.load(handle)["offences_against_victim"]
    return (
        frozenset(data["codes"]),
        re.compile("|".join(data["case_opened"]), re.I),
        re.compile("|".join(data["demand"]), re.I),
    )


SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in SENTENCE_END.finditer(text, max(0, start - 400), start)), default=max(0, start - 400))
    right = SENTENCE_END.search(text, end)
    return text[left : right.start() if right else len(text)]


def _charged_offence(text: str, start: int, end: int) -> bool:
    """An abuser's offence named in words is an article only where a criminal case is opened for it."""
    sentence = _sentence(text, start, end)
    _, opened, demand = _offence_rules()
    return bool(opened.search(sentence)) and not demand.search(sentence)


def find_articles(text: str) -> list[ArticleMention]:
    from vigil.extraction import fastmatch

    found: list[ArticleMention] = []
    for pattern, numbers_first in ((RU_ARTICLE, True), (RU_SHORT, True), (EN_ARTICLE, True), (EN_PREFIX, False)):
        for match in pattern.finditer(text):
            numbers, code_word = (match.group(1), match.group(2)) if numbers_first else (match.group(2), match.group(1))
            kind = _kind(code_word)
            if kind is None:
                continue
            for number in _numbers(numbers):
                found.append(
                    ArticleMention(_known(f"{kind} {number}"), match.start(), match.end(), match.group(0), False)
                )
    for article, start, end in fastmatch.find_articles_by_description(text):
        if any(m.start <= start < m.end for m in found if not m.by_description):
            continue
        if article.code in _offence_rules()[0] and not _charged_offence(text, start, end):
            continue
        found.append(ArticleMention(article.code, start, end, text[start:end], True))
    unique: dict[tuple[str, int], ArticleMention] = {}
    for mention in found:
        unique.setdefault((mention.code, mention.start), mention)
    return sorted(unique.values(), key=lambda m: m.start)
