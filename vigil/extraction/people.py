"""People in a report: victim ages, citizenship and group counts.

An age counts only when it describes a plausible victim: "28-year-old citizen",
"21-летний Хаоян", "aged 28" — not "43-летний сторож" (the denouncer) or "a
three-year-old message".  Citizenship comes from "citizen of X", "X citizen",
"гражданин X" and from a demonym right before a name or a victim noun
("китаец Сюй ...", "a Kazakh man"); ethnic and regional words are not citizenship.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vigil.extraction.words import number_regex, parse_number

DATA = Path(__file__).with_name("data") / "people.toml"


@dataclass(frozen=True)
class AgeMention:
    age: int
    start: int
    end: int
    surface: str
    name: str | None  # the capitalised word that follows, if any ("Хаоян")
    joint: bool = False  # one of a list of ages of one group ("two men, aged 25 and 29", «27 и 31 года»)


@dataclass(frozen=True)
class CitizenshipMention:
    country: str  # English country name as exported
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class CountMention:
    count: int
    start: int
    end: int
    surface: str


@cache
def _data() -> dict[str, dict[str, list[str]]]:
    with DATA.open("rb") as handle:
        return tomllib.load(handle)


@cache
def _victim_noun() -> re.Pattern[str]:
    words = _data()["victim_nouns"]
    en = "|".join(sorted(words["en"], key=len, reverse=True))
    ru = "|".join(f"{w}[а-яё]*" for w in sorted(words["ru"], key=len, reverse=True))
    return re.compile(rf"(?:{en})\b|(?:{ru})", re.I)


@cache
def _non_victim_noun() -> re.Pattern[str]:
    words = _data()["non_victim_nouns"]
    en = "|".join(sorted(words["en"], key=len, reverse=True))
    ru = "|".join(f"{w}[а-яё]*" for w in sorted(words["ru"], key=len, reverse=True))
    return re.compile(rf"(?:{en})s?\b|(?:{ru})", re.I)


def _person_after_age(words: list[str]) -> bool:
    """ "The 29-year-old accountant", «30-летнему парикмахеру», "a 27-year-old whom": an age before a
    word that names no agent or thing describes a possible victim; a victim noun wins in second place
    ("31-летнего местного жителя")."""
    clean = [w.strip(',.;:"«»()').lower() for w in words[:2]]
    if any(_victim_noun().match(w) for w in clean if w):
        return True
    return not any(_non_victim_noun().fullmatch(w) or _non_victim_noun().match(w) for w in clean[:1] if w)


@cache
def companion_regex() -> re.Pattern[str]:
    """A friend or partner of the victim mentioned as a person of their own ("друг Ислама", "his friend")."""
    words = _data()["companion_nouns"]
    en = "|".join(words["en"])
    ru = "|".join(f"{w[:-1]}[а-яё]*" if w.endswith("*") else w for w in words["ru"])
    return re.compile(rf"\b(?:(?:his|her|their|a)\s+(?:\w+\s+)?(?:{en})\b|(?:самого\s+|самому\s+)?(?:{ru})\b)", re.I)


@cache
def singular_pronoun_regex() -> re.Pattern[str]:
    words = _data()["singular_pronouns"]
    return re.compile(r"(?<!\w)(?:" + "|".join(words["en"] + words["ru"]) + r")(?!\w)", re.I)


@cache
def group_word_regex() -> re.Pattern[str]:
    words = _data()["group_words"]
    entries = [
        re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) + r"\b" for w in words["en"] + words["ru"]
    ]
    return re.compile(r"\b(?:" + "|".join(entries) + ")", re.I)


AGE_EN = re.compile(r"\b(\d{1,2})[- ]year[- ]old\b|\baged\s+(\d{1,2})\b|\bage\s+of\s+(\d{1,2})\b", re.I)
AGE_RU = re.compile(r"\b(\d{1,2})[- ]?(?:х\s*)?летн[а-яё]*|\bв\s+возрасте\s+(\d{1,2})\s+(?:лет|год)", re.I)
NEXT_FOUR = re.compile(r"[\s,]*(?:[\w-]+[\s,]+){0,3}[\w-]+")
NEXT_WORDS = re.compile(r"[\s,]*((?:[\w-]+[\s,]+){0,2}[\w-]+)")
CAPITALISED = re.compile(r"^[A-ZА-ЯЁ][a-zа-яё]+")
RESIDENT_OF = re.compile(r"^(?:жител|уроженц|уроженк|resident|native)")


RELATIVE = re.compile(r"(?:которому|которой|who)\b", re.I)
PRECEDING_NAME = re.compile(r"\b([A-ZА-ЯЁ][a-zа-яё]+)(?:\s+[A-ZА-ЯЁ][a-zа-яё]?\.)?,\s*$")


def _is_place(word: str) -> bool:
    from vigil.reference import gazetteer

    return gazetteer.lookup_place(word) is not None


@cache
def _age_word_values() -> dict[str, int]:
    table: dict[str, list[Any]] = _data()["age_words"]
    return {str(row[0]): int(row[1]) for rows in table.values() for row in rows}


def _alternation(key: str) -> str:
    rows = _data()["age_words"][key]
    return "|".join(sorted((str(row[0]) for row in rows), key=len, reverse=True))


@cache
def _age_word_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(English "twenty-seven-year-old", Russian «тридцатидвухлетний», predicative "He is 20", «ей было 19 лет»)."""
    tens, units, teens = (_alternation(k) for k in ("en_tens", "en_units", "en_teens"))
    en_number = rf"(?:(?:{tens})(?:[- ](?:{units}))?|{teens})"
    tens, units, teens = (_alternation(k) for k in ("ru_tens", "ru_units", "ru_teens"))
    ru_number = rf"(?:(?:{tens})(?:{units})?|{teens})"
    en = re.compile(rf"\b({en_number})[- ]year[- ]old\b", re.I)
    ru = re.compile(rf"\b({ru_number})летн[а-яё]*", re.I)
    predicative = re.compile(
        rf"\b(?:(?:he|she|i|who)\s+(?:is|was|am|had\s+just\s+turned|turned)|"
        rf"(?:ему|ей|мне|которому|которой)\s+(?:было\s+|исполнилось\s+)?)"
        rf"\s*(\d{{2}}|{en_number})\b(?:\s+(?:лет|год|года)\b)?"
        r"(?!\s*(?:%|percent|per\s+cent|km|kilomet|metre|meter|minute|hour|day|week|month|time|roubles|rubles|"
        r"tenge|dollars|euros|сут|дн|недел|месяц|час|минут|раз|рубл|тенге|процент))",
        re.I,
    )
    return en, ru, predicative


def _age_value(surface: str) -> int | None:
    """ "27", "twenty-seven", «тридцатидвух» -> the number."""
    if surface.isdigit():
        return int(surface)
    values = _age_word_values()
    word = surface.lower().replace("ё", "е").replace(" ", "-")
    if word in values:
        return values[word]
    parts = word.split("-")
    if len(parts) == 2 and parts[0] in values and parts[1] in values:
        return values[parts[0]] + values[parts[1]]
    for prefix, value in values.items():  # Russian compounds: tens then units, written as one word
        rest = word.removeprefix(prefix.replace("ё", "е"))
        if rest != word and value >= 20 and (rest == "" or rest in values):
            return value + (values[rest] if rest else 0)
    return None


def find_ages(text: str) -> list[AgeMention]:
    found: list[AgeMention] = []
    words_en, words_ru, predicative = _age_word_patterns()
    folded = text.lower()
    # ages in words end in "year-old" or «-летний»: skip their (slower) patterns when neither occurs
    in_words = [p for p, cue in ((words_en, "year"), (words_ru, "летн")) if cue in folded]
    for pattern in (AGE_EN, AGE_RU, *in_words, predicative):
        for match in pattern.finditer(text):
            value = _age_value(next(g for g in match.groups() if g))
            if value is None or not 10 <= value <= 99:
                continue
            age = value
            prefixed = match.group(0).lower().startswith(("aged", "age of", "в возрасте")) or pattern is predicative
            following = NEXT_WORDS.match(text, match.end())
            tail = following.group(1) if following else ""
            name = None
            words = tail.split()
            previous = ""
            candidates = (NEXT_FOUR.match(text, match.end()) or following or match).group(0).split()[:4]
            for position, word in enumerate(candidates):
                clean = word.strip(",.;:")
                after = candidates[position + 1].strip(",.;:") if position + 1 < len(candidates) else ""
                town = RESIDENT_OF.match(previous) and bool(CAPITALISED.match(after)) and "," not in word
                # "жительницу Волжского Ирину": the word after "resident" with a name after it is her town
                if CAPITALISED.match(clean) and not _victim_noun().match(clean) and not _is_place(clean) and not town:
                    name = clean
                    break
                previous = clean.lower()
            if pattern is predicative and RELATIVE.match(match.group(0)):
                # "Олегу Н., которому 41 год", "Oleg, who is 41": the age of the name before the clause
                before = PRECEDING_NAME.search(text[max(0, match.start() - 30) : match.start()])
                name = before.group(1) if before else None
            victim = prefixed or bool(name) or _person_after_age(words)
            if victim:
                found.append(AgeMention(age, match.start(), match.end(), match.group(0), name))
    for match in AGE_LIST.finditer(text):
        numbers = [int(n) for n in re.findall(r"\d{1,2}", match.group(0))]
        if len(numbers) < 2 or not all(10 <= n <= 99 for n in numbers):
            continue
        if TERM_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            continue  # «приговорили к 10 и 12 годам», «на 10 и 12 лет»: terms, not ages
        found = [a for a in found if not match.start() <= a.start < match.end()]
        for number in re.finditer(r"\d{1,2}", match.group(0)):
            start = match.start() + number.start()
            found.append(
                AgeMention(int(number.group(0)), start, start + len(number.group(0)), match.group(0), None, True)
            )
    for match in NAME_PAREN_AGE.finditer(text):
        age = int(match.group(2))
        if 10 <= age <= 99 and not _is_place(match.group(1)):
            found.append(AgeMention(age, match.start(2), match.end(2), match.group(0), match.group(1)))
    for match in NAME_COMMA_AGE.finditer(text):
        name_group = 1 if match.group(1) else 3
        name, age = match.group(name_group), int(match.group(name_group + 1))
        if 10 <= age <= 99 and not _is_place(name):
            start, end = match.span(name_group + 1)
            found.append(AgeMention(age, start, end, match.group(0), name))
    return sorted(found, key=lambda a: a.start)


# Ages of a group listed together: "two men, aged 25 and 29", "aged 19, 20 and 23", «двое мужчин, 27 и 31 года»,
# «в возрасте 19 и 21 года».
AGE_LIST = re.compile(
    r"\baged\s+\d{1,2}(?:\s*,\s*\d{1,2})*,?\s+and\s+\d{1,2}\b"
    r"|\b\d{1,2}(?:\s*,\s*\d{1,2})*,?\s+and\s+\d{1,2}\s+years\s+old\b"
    r"|\b\d{1,2}(?:\s*,\s*\d{1,2})*\s+и\s+\d{1,2}\s+(?:лет|года|год)\b",
    re.I,
)
TERM_BEFORE = re.compile(r"(?:\b(?:на|к|до|по|от|сроком|for|to|of|up)\s+)$", re.I)
# "Ruslan (28)", "Ислам (20 лет)"
NAME_PAREN_AGE = re.compile(r"\b([A-ZА-ЯЁ][a-zа-яё]+)\s+\((\d{2})(?:\s*(?:лет|год[а]?|years?(?:\s+old)?))?\)")
# "Ali, 25, and Omar, 31, were detained", "Ислам, 28 лет, ...": a name followed by an age.
# An initial after the name ("Alexei Zh., 38", «Денис К., 34 года») is part of it.
NAME_COMMA_AGE = re.compile(
    r"\b([A-Z][a-z]+)(?:\s+[A-Z][a-z]?\.)?,\s+(\d{2})(?=[,.;)]|\s+and\b)"
    r"|\b([А-ЯЁ][а-яё]+)(?:\s+[А-ЯЁ][а-яё]?\.)?,\s+(\d{2})\s+(?:лет|год[а]?)\b"
)


CITIZEN_EN = re.compile(r"\bcitizens?\s+of\s+(?:the\s+)?", re.I)
CITIZEN_EN_AFTER = re.compile(r"\s+(?:citizens?|nationals?|passport\s+holders?)\b", re.I)
CITIZEN_WORD = re.compile(r"citizen|national|граждан|подданн", re.I)
CITIZEN_RU = re.compile(r"\b(?:граждан[а-яё]*|подданн[а-яё]*)\s+", re.I)


def find_citizenship(text: str) -> list[CitizenshipMention]:
    """Countries of citizenship mentioned for people in ``text``."""
    from vigil.reference import gazetteer

    found: list[CitizenshipMention] = []
    for pattern in (CITIZEN_EN, CITIZEN_RU):
        for match in pattern.finditer(text):
            window = text[match.end() : match.end() + 40]
            mentions = [m for m in gazetteer.find_places(window) if m.start == 0]
            if mentions and mentions[0].place.kind == "country":
                place = mentions[0].place
                found.append(
                    CitizenshipMention(
                        gazetteer.export_region_name(place),
                        match.start(),
                        match.end() + mentions[0].end,
                        text[match.start() : match.end() + mentions[0].end],
                    )
                )
    for place, start, end in gazetteer.find_demonyms(text):
        after = text[end : end + 40]
        explicit = CITIZEN_EN_AFTER.match(after)
        if place.code in ("RU",) and not explicit:
            continue  # "Russian" describes almost everyone in these reports
        following = NEXT_WORDS.match(after)
        words = following.group(1).split()[:2] if following else []
        near_person = (
            explicit
            or CITIZEN_WORD.search(text[start:end])
            or any(CAPITALISED.match(w) or _victim_noun().match(w.lower()) for w in words[:1])
        )
        if near_person:
            stop = end + (explicit.end() if explicit else 0)
            found.append(CitizenshipMention(gazetteer.export_region_name(place), start, stop, text[start:stop]))
    unique: list[CitizenshipMention] = []
    for mention in sorted(found, key=lambda c: (c.start, -c.end)):
        if not any(mention.start < u.end and u.start < mention.end for u in unique):
            unique.append(mention)
    return unique


@cache
def _count_regex() -> re.Pattern[str]:
    nouns = _data()["victim_nouns"]
    groups = _data()["group_words"]
    en = "|".join(w for w in nouns["en"] + groups["en"] if w.endswith(("men", "people", "s")) or w in ("gay", "queer"))
    ru = "|".join(f"{w.rstrip('*')}[а-яё]*" for w in nouns["ru"] + groups["ru"])
    return re.compile(
        rf"\b({number_regex()})\s+(?:[\w-]+\s+)?(?:(?:{en}|gay\s+men|people|persons|individuals|homosexuals)\b|(?:{ru}))",
        re.I,
    )


def find_counts(text: str) -> list[CountMention]:
    """Group sizes such as "two men", "трое мужчин", "12 people"."""
    found = []
    for match in _count_regex().finditer(text):
        count = parse_number(match.group(1))
        if count is not None and 2 <= count <= 500:
            found.append(CountMention(count, match.start(), match.end(), match.group(0)))
    return found
