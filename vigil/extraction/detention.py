"""Length of detention in days: "76 days in a detention centre", "15 суток", "two weeks".

Only durations in a custody context count; "up to one month" (a hypothetical) and
"three days ago" (a date) do not.  An exact number of days beats an approximate
"nearly three months", and the longest exact term is the one reported, because
the incident's detention spans the whole time in custody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vigil.extraction.words import number_regex, parse_number


@dataclass(frozen=True)
class DurationMention:
    days: int
    start: int
    end: int
    surface: str
    approximate: bool


UNIT_DAYS = (
    ("сут", 1),
    ("дн", 1),
    ("день", 1),
    ("day", 1),
    ("час", 1 / 24),
    ("hour", 1 / 24),
    ("недел", 7),
    ("week", 7),
    ("месяц", 30),
    ("month", 30),
    ("год", 365),
    ("лет", 365),
    ("year", 365),
)
CUSTODY = re.compile(
    r"арест|задерж|содерж|спецпри[её]мник|изолятор|сизо|камер|"
    r"держал|удерживал|просидел|провел|провёл|под\s+стражей|"
    r"detain|detention|custody|held|jail|arrest|locked|kept|spent|cell|centre|center|"
    r"released\s+after|отпустили\s+через|освободили\s+через|через\s+$",
    re.I,
)
# A prison sentence (or the term the prosecution asked for) is not time in custody: «к двум годам
# колонии», «просило четыре года», "three years in a penal colony", "asked for four years".
SENTENCE = re.compile(
    r"колони|лишени[яеюи]\s+свободы|приговор|осужд|просил|запрашивал|требовал|"
    r"prison|penal|colony|sentenc|asked\s+for|sought|demanded|requested|imprisonment|jail\s+term",
    re.I,
)
ADMIN_TERM = re.compile(r"административн\w*\s+арест|administrative\s+(?:arrest|detention)|сут[а-яё]*", re.I)
# Confinement at home by relatives is not custody: «в доме её держали почти четыре месяца».
HOME_CONFINEMENT = re.compile(r"\b(?:в\s+доме|дома|взаперти|at\s+home|in\s+the\s+house|family\s+home)\b", re.I)
# Time lived or worked somewhere is not custody: "had lived and worked in Moscow for eight years", «жил в Казани
# пять лет»; nor is a pre-trial custody term set for the future: «проведут в СИЗО как минимум два месяца».
RESIDENCE = re.compile(
    r"(?:lived|worked|living|working|studied|resided|жил[аи]?|работал[аи]?|проживал[аи]?|учил[асяи]+)\b[^.;]{0,40}$",
    re.I,
)
FUTURE_TERM = re.compile(
    r"проведут|пробудет|пробудут|останется|останутся|мер[ауы]\s+пресечени|will\s+(?:spend|remain|stay)|"
    r"remanded|pending\s+trial|until\s+(?:the\s+)?trial",
    re.I,
)
APPROX = re.compile(
    r"(?:nearly|almost|about|around|roughly|some|over|more\s+than|почти|около|более|примерно|больше)\s+$", re.I
)
EXCLUDE_BEFORE = re.compile(r"(?:up\s+to|до|within|в\s+течение|for\s+the\s+next|could\s+take)\s+$", re.I)
EXCLUDE_AFTER = re.compile(r"^\s*(?:ago|назад|later|спустя|earlier|old|-old|after|before)", re.I)


@cache
def _duration_regex() -> re.Pattern[str]:
    return re.compile(
        rf"\b({number_regex()})[\s-]+(сут[а-яё]*|дн[а-яё]*|день|days?|недел[а-яё]*|weeks?|месяц[а-яё]*|months?|год[а-яё]*|лет|years?|час[а-яё]*|hours?)\b",
        re.I,
    )


def find_durations(text: str) -> list[DurationMention]:
    found = []
    for match in _duration_regex().finditer(text):
        count = parse_number(match.group(1))
        unit = match.group(2).lower()
        if count is None or count <= 0 or (unit.startswith(("год", "лет", "year")) and count > 30):
            continue  # "2023 года" is a year, not a 2023-year term
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if EXCLUDE_BEFORE.search(before) or EXCLUDE_AFTER.match(after):
            continue
        window = text[max(0, match.start() - 80) : match.end() + 60]
        if not unit.startswith("сут") and not CUSTODY.search(window):
            continue
        near = text[max(0, match.start() - 50) : match.end() + 40]
        if SENTENCE.search(near) and not ADMIN_TERM.search(near):
            continue
        if HOME_CONFINEMENT.search(text[max(0, match.start() - 40) : match.end() + 20]):
            continue
        if RESIDENCE.search(text[max(0, match.start() - 60) : match.start()]) or FUTURE_TERM.search(near):
            continue
        factor = next(f for prefix, f in UNIT_DAYS if unit.startswith(prefix))
        days = count * factor
        if factor < 1 and (count < 24 or count % 24):
            continue  # "several hours" in a cell is not a term in days; "72 hours" is three days
        found.append(
            DurationMention(round(days), match.start(), match.end(), match.group(0), bool(APPROX.search(before)))
        )
    return found


def detention_days(mentions: list[DurationMention]) -> DurationMention | None:
    """The reported detention length: longest exact term, else longest approximate."""
    if not mentions:
        return None
    exact = [m for m in mentions if not m.approximate and m.days < 3650]
    pool = exact or mentions
    return max(pool, key=lambda m: m.days)
