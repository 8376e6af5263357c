"""Sources a report cites: "told the Telegram channel X", "according to SK SOS",
"сообщает «Медиазона»", "по данным Российской ЛГБТ-сети".

Known sources (``data/sources.toml``) are matched by word stems, so Russian case
forms ("«Новой газетой»") find the entry, and are named in their common English
form.  Unknown ones are taken as written after a media word or a citing verb.
The report's own publisher is not a cited source: it is dropped when given (a URL
or name from the reader's provenance) or when the text refers to itself ("как
выяснил «Холод»", "«Холод» поговорил с ...").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "sources.toml"
TOKEN = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+(?:[/+.\-][A-Za-zА-Яа-яЁё0-9]+)*\+?")
RU_ENDING = re.compile(
    r"(?:ами|ями|ого|его|ому|ему|ыми|ими|ой|ей|ий|ый|ая|яя|ое|ее|ую|юю|ых|их|ом|ем|ам|ям|ах|ях|ов|ев|а|я|у|ю|е|о|ы|и|ь|й)$"
)
QUOTES = "«\"“„'‘"


@dataclass(frozen=True)
class SourceEntry:
    name: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class SourceMention:
    name: str
    start: int
    end: int
    surface: str
    known: bool
    self_reference: bool = False


def stem(word: str) -> str:
    word = word.lower().replace("ё", "е")
    if re.match("[а-я]", word) and len(word) > 4:
        return RU_ENDING.sub("", word)
    return word.removesuffix("'s")


@cache
def _config() -> dict[str, Any]:
    with DATA.open("rb") as handle:
        return tomllib.load(handle)


@cache
def _index() -> dict[str, list[tuple[tuple[str, ...], SourceEntry, bool]]]:
    index: dict[str, list[tuple[tuple[str, ...], SourceEntry, bool]]] = {}
    for raw in _config()["source"]:
        entry = SourceEntry(raw["name"], tuple(raw.get("domains", ())))
        quoted = set(raw.get("quoted_only", ()))
        for alias in [raw["name"], *raw.get("aliases", ())]:
            stems = tuple(stem(t) for t in TOKEN.findall(alias))
            if stems:
                index.setdefault(stems[0], []).append((stems, entry, alias in quoted))
    for candidates in index.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    return index


def _words(key: str) -> list[str]:
    return list(_config()["patterns"][key])


@cache
def _group_stems() -> frozenset[str]:
    words = _words("media_words_en") + _words("media_words_ru")
    return frozenset(stem(w) for phrase in words for w in TOKEN.findall(phrase)) | {
        "group",
        "foundation",
        "фонд",
        "групп",
        "движени",
        "организац",
    }


def canonical(name: str) -> str | None:
    """The list's name for a surface form, or None when the source is unknown."""
    tokens = [stem(t) for t in TOKEN.findall(name)]
    if not tokens:
        return None
    for stems, entry, _ in _index().get(tokens[0], ()):
        if tuple(tokens[: len(stems)]) == stems and len(stems) == len(tokens):
            return entry.name
    return None


def _quoted(text: str, start: int) -> bool:
    before = text[max(0, start - 2) : start].strip()
    return bool(before) and before[-1] in QUOTES


def _known_mentions(text: str) -> list[SourceMention]:
    tokens = [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]
    stems = [stem(t[0]) for t in tokens]
    found: list[SourceMention] = []
    i = 0
    index = _index()
    group = _group_stems()
    while i < len(tokens):
        matched = False
        for alias, entry, quoted_only in index.get(stems[i], ()):
            n = len(alias)
            if tuple(stems[i : i + n]) != alias:
                continue
            surface = tokens[i][0]
            if surface[0].islower():
                continue
            start, end = tokens[i][1], tokens[i + n - 1][2]
            if quoted_only:
                near = stems[max(0, i - 2) : i] + stems[i + n : i + n + 1]
                if not (_quoted(text, start) or any(s in group for s in near)):
                    continue
            found.append(SourceMention(entry.name, start, end, text[start:end], True))
            i += n
            matched = True
            break
        if not matched:
            i += 1
    return found


@cache
def _unknown_patterns() -> tuple[re.Pattern[str], ...]:
    media_en = "|".join(re.escape(w) for w in sorted(_words("media_words_en"), key=len, reverse=True))
    media_ru = "|".join(re.escape(w[:-1]) + r"[а-яё]*" for w in sorted(_words("media_words_ru"), key=len, reverse=True))
    verbs_ru = "|".join(re.escape(w) + r"[а-яё]*" for w in _words("cite_verbs_ru"))
    # a full stop inside a name ("Yuga.ru") but not one that ends the sentence ("Yuga.ru. That man")
    cap = r"[A-Z0-9](?:[\w'’/+&-]|\.(?=\w))*"
    return (
        re.compile(rf"\b(?:{media_en})\s+({cap}(?:(?:,\s+|\s+)(?:of\s+|the\s+)?{cap})*)"),
        re.compile(
            rf"\b(?:according\s+to|told|reported\s+by|cited\s+by|quoted\s+by)\s+(?:the\s+)?({cap}(?:\s+(?:of\s+|the\s+)?{cap}){{0,5}})"
        ),
        re.compile(rf"(?:{media_ru}|{verbs_ru})\s+«([^»\n]{{2,60}})»", re.I),
        re.compile(r"«([^»\n]{2,60})»\s+(?:сообщ|пишет|писал|переда|рассказ|заявил)", re.I),
        # «Проект Safe Exit опубликовал ...»: a name in Latin letters after a Russian group word
        re.compile(rf"(?i:{media_ru})\s+([A-Z][\w.+-]*(?:\s+[A-Z][\w.+-]*){{0,3}})"),
    )


CITE_CUE = re.compile(
    r"told|spoke|said|say|according|report|cited|quot|wrote|publish|interview|statement|via|learn|confirm|"
    r"reviewed|seen\s+by|document|argue|briefing|"
    r"сообщ|рассказ|пишет|писал|данным|информаци|словам|ссылк|заявил|переда|публик|обнарод|интервью|подтверд",
    re.I,
)
CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        **{"ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya"},
        **{"ъ": "", "ь": ""},
    }
)


def transliterate(name: str) -> str:
    """An unknown Russian name in Latin letters, as documenters cite it («Азимут» -> "Azimut")."""
    out = []
    for char in name:
        latin = char.lower().translate(CYRILLIC)
        out.append(latin[:1].upper() + latin[1:] if char.isupper() else latin)
    return "".join(out)


def _is_org_like(name: str) -> bool:
    org = set(_words("org_words_en"))
    words = name.replace(",", " ").split()
    return any(w in org for w in words) or bool(re.fullmatch(r"[A-Z][A-Z/&+-]{1,9}", name))


@cache
def _group_patterns() -> tuple[re.Pattern[str], ...]:
    words = "|".join(re.escape(w) for w in sorted(_words("group_words_en"), key=len, reverse=True))
    fillers = "|".join(re.escape(w) for w in sorted(_words("group_descriptors_en"), key=len, reverse=True))
    cap = r"[A-Z0-9](?:[\w'’/+&-]|\.(?=\w))*"
    name = rf"(?:[A-Z][\w-]*-based\s+)?({cap}(?:\s+(?:of\s+)?{cap}){{0,4}})"
    # the group word must not be followed by the group's name ("the rights group Vykhod": see media_words_en)
    end = r"\b(?!\s+[A-Z«\"“])"
    return (
        # "the Sever Rights monitoring group", "the Neva Legal Aid initiative"
        re.compile(rf"\b[Tt]he\s+{name}\s+(?:(?:{fillers})\s+){{0,2}}(?:{words}){end}"),
        # "Kok.team, a Kazakh LGBT+ media project"
        # (not "... to the North Caucasus, a Russian LGBT rights group said": there the group is the speaker)
        re.compile(
            rf"(?<![\w.])({cap}(?:\s+{cap}){{0,3}}),\s+(?:a|an|the)\s+(?:[\w+-]+\s+){{0,4}}?(?:{words}){end}"
            r"(?!\s+(?:said|says|reported|reports|told|stated|added|wrote))"
        ),
        # "The Central Asian Legal Observatory", "the Bishkek-based Tolkun Initiative"
        re.compile(rf"\b[Tt]he\s+{name}"),
    )


def _not_a_group(name: str) -> bool:
    """A place, a month, a year or a state body is not a group that could be cited."""
    from vigil.extraction.words import month_number
    from vigil.reference import gazetteer

    excluded = set(_words("not_sources_en"))
    words = name.split()
    if len(name) < 3 or name.endswith("-based") or any(w in excluded for w in words) or name in excluded:
        return True
    if name.isdigit() or month_number(name) is not None:
        return True
    return any(m.start == 0 and m.end == len(name) for m in gazetteer.find_places(name))


def _group_mentions(text: str) -> list[SourceMention]:
    """Groups introduced as such ("the Exit Path crisis group") and credited somewhere in the report
    ("Exit Path said", "reviewed by the Sever Rights monitoring group")."""
    org = set(_words("org_words_en"))
    names: dict[str, int] = {}
    for number, pattern in enumerate(_group_patterns()):
        for match in pattern.finditer(text):
            name = match.group(1).strip(" ,.")
            words = name.split()
            if number == 2 and (len(words) < 2 or words[-1] not in org):
                continue
            if _not_a_group(name) or any(canonical(" ".join(words[:n])) for n in range(1, len(words) + 1)):
                continue
            names.setdefault(name, match.start(1))
    found = []
    for name, first in names.items():
        for mention in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            start, end = mention.span()
            sentence_start = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
            sentence_end = min((i for i in (text.find(".", end), text.find("\n", end)) if i >= 0), default=len(text))
            if CITE_CUE.search(text, sentence_start, sentence_end) is not None:
                found.append(SourceMention(name, first, first + len(name), name, False))
                break
    return found


def _unknown_mentions(text: str) -> list[SourceMention]:
    found: list[SourceMention] = _group_mentions(text)
    patterns = _unknown_patterns()
    for number, pattern in enumerate(patterns):
        for match in pattern.finditer(text):
            name = match.group(1).strip(" ,.")
            start = match.start(1)
            known = canonical(name)
            if known and number == 0:
                found.append(SourceMention(known, start, start + len(name), name, True))
                continue
            if known and number != 0:
                found.append(SourceMention(known, start, start + len(name), name, True))
            elif number == 1 and not _is_org_like(name):
                continue  # "according to Murad" is a person, not a source
            elif number == 0 and name.split()[0] in ("The", "A") and len(name.split()) == 1:
                continue
            elif number in (0, 2, 4) and not (
                CITE_CUE.search(text[max(0, match.start() - 40) : match.start(1)])
                or CITE_CUE.search(text[match.end() : match.end() + 30])
            ):
                continue  # "the newspaper X" where ads were placed is not a citation
            elif not any(m.name == name for m in found):
                written = transliterate(name) if re.search("[а-яё]", name, re.I) else name
                found.append(SourceMention(written, start, start + len(name), name, False))
    return found


@cache
def _media_names() -> frozenset[str]:
    return frozenset(raw["name"] for raw in _config()["source"] if raw.get("kind", "media") == "media")


# "Murad told IWPR", "рассказал «Холоду»": an outlet named right after "told" with no
# descriptor ("told the Telegram channel X") is the outlet quoting its own interview.
REPORTED_FIRST = re.compile(r"(?:об\s+этом|первы\w*|впервые|ранее)[^.!?]*сообщил[аио]?\s+[«\"“]?$", re.I)
TOLD_DIRECTLY = re.compile(r"(?:\btold|рассказал[аи]?|сообщил[аи]?)\s+(?:the\s+)?[«\"“]?$", re.I)


def _self_referring(text: str, mention: SourceMention) -> bool:
    if (
        mention.name in _media_names()
        and TOLD_DIRECTLY.search(text[max(0, mention.start - 25) : mention.start])
        and not REPORTED_FIRST.search(text[max(0, mention.start - 60) : mention.start])
    ):
        return True  # "told Mediazona": the outlet's own interview; «об этом первым сообщил «X»» cites X
    before = text[max(0, mention.start - 20) : mention.start].lower()
    after = text[mention.end : mention.end + 20].lower()
    phrases = _words("self_reference_ru")
    return any(p in before for p in phrases) or any(after.lstrip(' »"').startswith(p) for p in phrases)


def _publisher_names(publisher: str | None) -> set[str]:
    if not publisher:
        return set()
    names = {publisher}
    host = re.sub(r"^[a-z]+://", "", publisher.lower()).split("/")[0].removeprefix("www.")
    for raw in _config()["source"]:
        if any(host == d or host.endswith("." + d) for d in raw.get("domains", ())):
            names.add(raw["name"])
    known = canonical(publisher)
    if known:
        names.add(known)
    return names


def find_mentions(text: str) -> list[SourceMention]:
    """Every mention of a source, cited or not, in order (for masking place names)."""
    return sorted(_known_mentions(text) + _unknown_mentions(text), key=lambda m: m.start)


def find_sources(
    text: str, publisher: str | None = None, mentions: list[SourceMention] | None = None
) -> list[SourceMention]:
    """Cited sources, first mention of each, in order of appearance."""
    if mentions is None:
        mentions = find_mentions(text)
    excluded = _publisher_names(publisher)
    excluded |= {m.name for m in mentions if _self_referring(text, m)}
    seen: set[str] = set()
    out: list[SourceMention] = []
    for mention in mentions:
        if mention.name in excluded or mention.name in seen:
            continue
        if any(mention.start < o.end and o.start < mention.end for o in out):
            continue
        seen.add(mention.name)
        out.append(mention)
    return out
