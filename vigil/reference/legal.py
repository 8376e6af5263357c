"""Russian legal articles (KoAP and UK) as a versioned table, and how reports name them.

Why: a report rarely prints "ст. 19.3 КоАП"; it says "disobeying the lawful order of a police officer" or
"ЛГБТ-пропаганда". Statistics by article need those phrases mapped to codes, and the mapping must be data a
lawyer can correct (``data/legal_articles.toml``), not code.

Codes look like ``"KoAP 19.3"`` and ``"UK 242.1"`` (the samples contract). Description phrases use the trigger
syntax of :mod:`vigil.reference.triggers`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.reference.triggers import compile_phrases, normalise

__all__ = [
    "LegalArticle",
    "LegalDataError",
    "all_articles",
    "find_article_references",
    "find_articles_by_description",
    "get_article",
    "legal_table_version",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "legal_articles.toml"
_PREFIX = {"koap": "KoAP", "uk": "UK"}


class LegalDataError(ValueError):
    """``legal_articles.toml`` is malformed; the message names the article."""


@dataclass(frozen=True)
class LegalArticle:
    code: str
    code_kind: str
    number: str
    title_ru: str
    title_en: str
    descriptions_ru: tuple[str, ...]
    descriptions_en: tuple[str, ...]
    needs_review: bool = False

    def title(self, lang: str) -> str:
        return self.title_ru if lang == "ru" else self.title_en

    def compiled_descriptions(self) -> re.Pattern[str]:
        """One pattern for the Russian and English phrases, over normalised text."""
        return compile_phrases(self.descriptions_ru + self.descriptions_en)


@dataclass(frozen=True)
class _Table:
    version: str
    source: str
    articles: tuple[LegalArticle, ...]
    by_code: dict[str, LegalArticle]


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise LegalDataError(f"{where}: {key} must be a non-empty list of phrases")
    return tuple(value)


@functools.cache
def _table() -> _Table:
    with DATA_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    version, source = data.get("version"), data.get("source")
    if not isinstance(version, str) or not isinstance(source, str) or not version or not source:
        raise LegalDataError("legal_articles.toml: 'version' and 'source' are required")
    articles: list[LegalArticle] = []
    for raw in data.get("article", []):
        code = raw.get("code")
        where = f"legal_articles.toml article {code!r}"
        kind, number = raw.get("code_kind"), raw.get("number")
        if kind not in _PREFIX or not isinstance(number, str) or not re.fullmatch(r"\d+(\.\d+)*", number):
            raise LegalDataError(f"{where}: code_kind must be koap or uk and number like '19.3'")
        if code != f"{_PREFIX[kind]} {number}":
            raise LegalDataError(f"{where}: code must be {_PREFIX[kind]!r} followed by the number {number!r}")
        for key in ("title_ru", "title_en"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise LegalDataError(f"{where}: {key} is required")
        article = LegalArticle(
            code=code,
            code_kind=kind,
            number=number,
            title_ru=raw["title_ru"].strip(),
            title_en=raw["title_en"].strip(),
            descriptions_ru=_strings(raw, "descriptions_ru", where),
            descriptions_en=_strings(raw, "descriptions_en", where),
            needs_review=bool(raw.get("needs_review", False)),
        )
        article.compiled_descriptions()
        articles.append(article)
    by_code = {a.code: a for a in articles}
    if len(by_code) != len(articles):
        raise LegalDataError("legal_articles.toml: duplicate article codes")
    return _Table(version=version, source=source, articles=tuple(articles), by_code=by_code)


def legal_table_version() -> str:
    return _table().version


def all_articles() -> tuple[LegalArticle, ...]:
    return _table().articles


def _canonical_code(code: str) -> str:
    m = re.fullmatch(r"\s*(koap|коап|uk|ук)\s*(?:rf|рф)?\s*(?:art\.?|ст\.?)?\s*(\d+(?:\.\d+)*)\s*", code, re.IGNORECASE)
    if not m:
        return code
    kind = "KoAP" if m.group(1).lower() in ("koap", "коап") else "UK"
    return f"{kind} {m.group(2)}"


def get_article(code: str) -> LegalArticle:
    """``get_article("KoAP 19.3")``; also accepts "коап 19.3", "UK RF 242". ``KeyError`` if unknown."""
    table = _table()
    try:
        return table.by_code[_canonical_code(code)]
    except KeyError:
        raise KeyError(f"no legal article {code!r} in the table (version {table.version})") from None


def find_articles_by_description(text: str) -> list[tuple[LegalArticle, int, int]]:
    """Articles named in words ("мелкое хулиганство", "disobeying police"), with character spans, by position.

    Where phrases of two articles overlap, the longer match wins ("распространение порнографии с участием
    несовершеннолетних" is UK 242.1, not UK 242); equal spans keep both.
    """
    folded = normalise(text)
    hits: list[tuple[LegalArticle, int, int]] = []
    for article in all_articles():
        for m in article.compiled_descriptions().finditer(folded):
            if m.end() > m.start():
                hits.append((article, m.start(), m.end()))
    hits.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
    kept: list[tuple[LegalArticle, int, int]] = []
    for hit in hits:
        _, start, end = hit
        if any(start < k_end and k_start < end and (k_end - k_start) > (end - start) for _, k_start, k_end in kept):
            continue
        kept.append(hit)
    kept.sort(key=lambda h: (h[1], h[2], h[0].code))
    return kept


_NUM = r"\d{1,3}(?:\.\d{1,2}){0,2}"
_ARTICLE_WORD = r"(?:ст\.|ст|стать[яиеюй]|статей|статьями|статьям|art\.|arts\.|article|articles)"
_PART = r"(?:(?:ч\.|ч|част[ьиию]|part|paragraph)\s*\d+(?:\.\d+)?\s*,?\s*)?"
_KIND_RU_KOAP = r"коап|кодекс[а-я]*\s+(?:рф\s+)?об\s+административных\s+правонарушениях"
_KIND_RU_UK = r"ук|уголовн[а-я]+\s+кодекс[а-я]*"
_KIND_EN_KOAP = (
    r"koap|(?:the\s+)?(?:russian\s+)?"
    r"(?:code\s+of\s+administrative\s+offen[cs]es|administrative\s+(?:offen[cs]es\s+)?code)"
)
_KIND_EN_UK = r"uk|(?:the\s+)?(?:russian\s+)?criminal\s+code"
_REFERENCE = re.compile(
    rf"(?<!\w){_PART}{_ARTICLE_WORD}\s*(?P<nums>{_NUM}(?:\s*(?:,|и|and|or|или)\s*(?:{_PART})?{_NUM})*)"
    rf"(?P<tail>\s*(?:[-–]?\s*(?:й|я|ей))?\s*(?:of\s+)?(?:the\s+)?(?P<kind>{_KIND_RU_KOAP}|{_KIND_RU_UK}|{_KIND_EN_KOAP}|{_KIND_EN_UK})"
    rf"(?:\s*(?:рф|rf|of\s+(?:the\s+)?russian\s+federation))?)?(?!\w)",
)


def find_article_references(text: str) -> list[tuple[LegalArticle, int, int]]:
    """Articles cited by number: "ч. 2 ст. 6.21 КоАП РФ", "статьи 242 и 242.1 УК", "Article 19.3 of the Code
    of Administrative Offences". Without a named code a number counts only if it exists in one code alone.
    Numbers not in the table are skipped. The span covers the whole citation.
    """
    folded = normalise(text)
    table = _table()
    found: list[tuple[LegalArticle, int, int]] = []
    for m in _REFERENCE.finditer(folded):
        kind_text = m.group("kind") or ""
        kinds: tuple[str, ...]
        if re.fullmatch(rf"{_KIND_RU_KOAP}|{_KIND_EN_KOAP}", kind_text):
            kinds = ("koap",)
        elif kind_text:
            kinds = ("uk",)
        else:
            kinds = ("koap", "uk")
        numbers = re.findall(_NUM, re.sub(r"(?:ч\.|ч|част[ьиию]|part|paragraph)\s*\d+(?:\.\d+)?", " ", m.group("nums")))
        for number in numbers:
            candidates = [table.by_code[c] for c in (f"{_PREFIX[k]} {number}" for k in kinds) if c in table.by_code]
            if len(candidates) == 1:
                found.append((candidates[0], m.start(), m.end()))
    return found
