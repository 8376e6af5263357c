"""Dates in report text: absolute, relative to the item's own date, at honest precision.

Rules rather than ``dateparser.search_dates``: the latter is slow on 2 KB texts and
finds "dates" in numbers such as "7 суток" or "76 days".  Here a duration is never a
date, a bare month resolves to the most recent such month not after the reference
date, "в ночь на 9 марта" is 9 March, "в феврале прошлого года" and "last month" are
month-precision, and a month in a range ("from late July to mid-November 2022")
takes its year from the end of the range.  Relative expressions with no reference
date are dropped rather than guessed.
"""

from __future__ import annotations

import bisect
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from vigil.extraction.words import month_number, month_regex, number_regex, parse_number, season_regex


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    surface: str
    year: int
    month: int | None = None
    day: int | None = None
    relative: bool = False
    confidence: float = 0.9

    @property
    def value(self) -> str:
        if self.day is not None and self.month is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def interval(self) -> tuple[date, date]:
        """First and last day covered, for ordering and containment."""
        if self.month is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, 1), date(self.year, self.month, monthrange(self.year, self.month)[1])
        day = date(self.year, self.month, self.day)
        return day, day


QUAL = (
    r"(?:(?:early|late|mid|the\s+(?:beginning|end|middle|start)\s+of|the\s+(?:first|last)\s+(?:days|weeks?)\s+of"
    r"|начале|конце|середине|первых\s+числах|последних\s+числах|последние\s+дни)[\s-]+)"
)
YEAR = r"((?:19|20)\d{2})"
YEAR_WORD = r"(?:\s*(?:года|году|год|г\.))?"
REL_YEAR_RU = r"(позапрошлого|прошлого|этого|текущего|нынешнего|следующего)\s+года"
REL_YEAR_EN = r"(last|this|next|the\s+previous|the\s+following)\s+year"
# The last month of each season, by the first letters of its name.
SEASON_ENDS = (
    (("spring", "весн"), 5),
    (("summer", "лет"), 8),
    (("autumn", "fall", "осен"), 11),
    (("winter", "зим"), 2),
)
WEEKDAYS = {
    "понедельник": 0,
    "вторник": 1,
    "сред": 2,
    "четверг": 3,
    "пятниц": 4,
    "суббот": 5,
    "воскресень": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    m = f"({month_regex()})"
    n = f"({number_regex()})"
    s = f"({season_regex()})"
    specs = [
        (
            "range",
            rf"\b{QUAL}?{m}\s*(?:to|until|till|through|and|по|до|-|–|—)\s*{QUAL}?(?:\d{{1,2}}\s+)?{m}\s+(?:of\s+)?{YEAR}",
        ),
        (
            "night",
            rf"в\s+ночь\s+(?:с\s+\d{{1,2}}(?:-?го)?\s+)?на\s+(\d{{1,2}})(?:-?е|-?го)?\s+{m}(?:\s+{YEAR}{YEAR_WORD})?",
        ),
        ("iso", r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b"),
        ("dotted", r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b"),
        ("day_month", rf"\b(\d{{1,2}})(?:-?(?:го|е|st|nd|rd|th))?\s+(?:of\s+)?{m}(?:,?\s+{YEAR}{YEAR_WORD})?"),
        ("month_day", rf"\b{m}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{YEAR})?"),
        ("month_year", rf"\b{QUAL}?{m}\s+(?:of\s+)?{YEAR}{YEAR_WORD}"),
        ("month_rel_ru", rf"\b{m}\s+{REL_YEAR_RU}"),
        ("month_rel_en", rf"\b{m}\s+(?:of\s+)?{REL_YEAR_EN}"),
        ("rel_month_en", rf"\b(last|this|next)\s+{m}"),
        ("season_year", rf"\b{s}\s+(?:of\s+)?{YEAR}{YEAR_WORD}"),
        ("season_rel_ru", rf"\b{s}\s+{REL_YEAR_RU}"),
        ("season_last", rf"\b(last|this|прошл[а-я]*|эт[оиа][йм]?|нынешн[а-я]*)\s+{s}"),
        (
            "ago",
            rf"\b{n}\s+(дн[а-я]*|сут[а-я]*|недел[а-я]*|месяц[а-я]*|лет|год[а-я]*|days?|weeks?|months?|years?)\s+(назад|ago|тому\s+назад)",
        ),
        ("unit_ago", r"\b(день|неделю|месяц|год|a\s+day|a\s+week|a\s+month|a\s+year)\s+(назад|ago)"),
        ("yesterday", r"\b(позавчера|вчера|сегодня|yesterday|today|the\s+day\s+before\s+yesterday)\b"),
        (
            "last_unit_ru",
            r"\bна\s+(прошлой|этой)\s+(неделе)|\bв\s+(прошлом|этом|текущем)\s+(месяце|году)"
            # «в начале прошлого месяца», «в конце этой недели»: the genitive after a part of the period
            r"|\b(?:начале|конце|середине|начала|конца|середины)\s+(прошлой|этой|текущей)\s+(недели)"
            r"|\b(?:начале|конце|середине|начала|конца|середины)\s+(прошлого|этого|текущего)\s+(месяца|года)",
        ),
        ("last_unit_en", r"\b(?:earlier\s+)?(last|this|the\s+previous|past)\s+(week|month|year)\b"),
        (
            "weekday",
            r"\b(?:(?:в|во)(?:\s+(?:прошл|эт)[а-я]+)?|on|last|this\s+past|past)\s+(понедельник|вторник|сред[ауы]|четверг|пятниц[ауы]|суббот[ауы]|воскресенье|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        ),
        (
            "year",
            rf"(?:\b(?:в|во|с|до|к|in|of|since|by|until|during)\s+){YEAR}{YEAR_WORD}(?![\d.,-]\d)|\b{YEAR}\s*(?:года|году|г\.)",
        ),
        ("month_alone", rf"(?:\b(?:в|во|с|до|к|in|on|since|by|until|from|during)\s+){QUAL}?{m}(?!\s*\d)"),
        ("qual_month", rf"\b{QUAL}{m}(?!\s*\d)"),
    ]
    return tuple((name, re.compile(rx, re.I)) for name, rx in specs)


def _recent_month(month: int, reference: date) -> int:
    return reference.year if month <= reference.month else reference.year - 1


def _shift_month(reference: date, months: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 - months
    return index // 12, index % 12 + 1


def _rel_year(word: str, reference: date) -> int:
    word = word.lower()
    if word.startswith(("позапрош",)):
        return reference.year - 2
    if word.startswith(("прошл", "last", "the previous")):
        return reference.year - 1
    if word.startswith(("следующ", "next", "the following")):
        return reference.year + 1
    return reference.year


def _safe(year: int, month: int | None, day: int | None) -> tuple[int, int | None, int | None] | None:
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def _interpret(
    kind: str, g: tuple[str | None, ...], ref: date | None
) -> list[tuple[int, int | None, int | None, bool]]:
    """Turn one match into (year, month, day, relative) values; [] when unresolvable."""
    out: list[tuple[int, int | None, int | None, bool]] = []
    if kind == "range":
        first, second = month_number(g[0] or ""), month_number(g[1] or "")
        year = int(g[2] or 0)
        if first and second:
            out.append((year - 1 if first > second else year, first, None, False))
            out.append((year, second, None, False))
    elif kind in ("night", "day_month"):
        day, month = int(g[0] or 0), month_number(g[1] or "")
        if month:
            if g[2]:
                out.append((int(g[2]), month, day, False))
            elif ref:
                year = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
                out.append((year, month, day, True))
    elif kind == "month_day":
        month, day = month_number(g[0] or ""), int(g[1] or 0)
        if month:
            if g[2]:
                out.append((int(g[2]), month, day, False))
            elif ref:
                year = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
                out.append((year, month, day, True))
    elif kind == "iso":
        out.append((int(g[0] or 0), int(g[1] or 0), int(g[2] or 0), False))
    elif kind == "dotted":
        out.append((int(g[2] or 0), int(g[1] or 0), int(g[0] or 0), False))
    elif kind == "month_year":
        month = month_number(g[0] or "")
        if month:
            out.append((int(g[1] or 0), month, None, False))
    elif kind in ("month_rel_ru", "month_rel_en") and ref:
        month = month_number(g[0] or "")
        if month:
            out.append((_rel_year(g[1] or "", ref), month, None, True))
    elif kind == "rel_month_en" and ref:
        month = month_number(g[1] or "")
        if month:
            word = (g[0] or "").lower()
            year = _recent_month(month, ref) if word != "next" else ref.year + (month <= ref.month)
            if word == "last" and month == ref.month:
                year -= 1
            out.append((year, month, None, True))
    elif kind == "season_year":
        out.append((int(g[1] or 0), None, None, False))
    elif kind == "season_last" and ref:
        # "last spring", «прошлым летом»: the most recent such season that has ended (year precision).
        word, season = (g[0] or "").lower(), (g[1] or "").lower()
        end = next((m for stems, m in SEASON_ENDS if season.startswith(stems)), 12)
        if word.startswith(("last", "прошл")):
            out.append((ref.year if ref.month > end else ref.year - 1, None, None, True))
        else:
            out.append((ref.year, None, None, True))
    elif kind == "season_rel_ru" and ref:
        out.append((_rel_year(g[1] or "", ref), None, None, True))
    elif kind in ("ago", "unit_ago") and ref:
        count = 1 if kind == "unit_ago" else parse_number(g[0] or "")
        unit = (g[0] if kind == "unit_ago" else g[1]) or ""
        unit = unit.lower().split()[-1]
        if count is not None:
            if unit.startswith(("дн", "сут", "day", "ден")):
                d = ref - timedelta(days=count)
                out.append((d.year, d.month, d.day, True))
            elif unit.startswith(("недел", "week")):
                d = ref - timedelta(weeks=count)
                out.append((d.year, d.month, None, True))
            elif unit.startswith(("месяц", "month")):
                year, month = _shift_month(ref, count)
                out.append((year, month, None, True))
            else:
                out.append((ref.year - count, None, None, True))
    elif kind == "yesterday" and ref:
        word = (g[0] or "").lower()
        back = 2 if word in ("позавчера", "the day before yesterday") else 1 if word in ("вчера", "yesterday") else 0
        d = ref - timedelta(days=back)
        out.append((d.year, d.month, d.day, True))
    elif kind in ("last_unit_ru", "last_unit_en") and ref:
        words = " ".join(x for x in g if x).lower()
        previous = any(w in words for w in ("прошл", "last", "previous", "past"))
        if "недел" in words or "week" in words:
            d = ref - timedelta(days=7 if previous else 0)
            out.append((d.year, d.month, None, True))
        elif "месяц" in words or "month" in words:
            year, month = _shift_month(ref, 1 if previous else 0)
            out.append((year, month, None, True))
        else:
            out.append((ref.year - (1 if previous else 0), None, None, True))
    elif kind == "weekday" and ref:
        word = (g[0] or "").lower()
        target = next((v for k, v in WEEKDAYS.items() if word.startswith(k)), None)
        if target is not None:
            back = (ref.weekday() - target) % 7
            d = ref - timedelta(days=back)
            out.append((d.year, d.month, d.day, True))
    elif kind == "year":
        out.append((int(g[0] or g[1] or 0), None, None, False))
    elif kind in ("month_alone", "qual_month") and ref:
        month = month_number(g[0] or "")
        if month:
            out.append((_recent_month(month, ref), month, None, True))
    return out


@cache
def _anaphoric_patterns() -> tuple[re.Pattern[str], ...]:
    n = f"(?P<count>{number_regex()}|\\d{{1,2}})"
    unit = (
        r"(?P<unit>день|дн[а-я]*|утр[а-я]*|сут[а-я]*|недел[а-я]*|месяц[а-я]*|"
        r"days?|weeks?|months?|morning|evening|night)"
    )
    return tuple(
        re.compile(rx, re.I)
        for rx in (
            # "the next day", «на следующий день», «наутро»
            r"\b(?:the\s+(?:next|following)|на\s+следующ[а-я]+|в\s+следующ[а-я]+)\s+" + unit + r"\b",
            r"\b(?P<unit>наутро)\b",
            # "two days later", "a week earlier", «через два дня», «спустя неделю», «три дня спустя»
            rf"\b(?:{n}|a|an)\s+{unit}\s+(?P<dir>later|earlier|спустя)\b",
            rf"\b(?P<dir>через|спустя)\s+(?:{n}\s+)?{unit}\b",
            rf"\b(?P<dir>за)\s+(?:{n}\s+)?{unit}\s+до\s+этого\b",
        )
    )


# Words without which none of the patterns above can match: the full patterns run only around them, so a
# long text costs one cheap scan.
ANAPHORIC_CUES = re.compile(r"next|following|следующ|наутро|later|earlier|спустя|через|до\s+этого", re.I)
CUE_REACH = 60


def _anaphoric_matches(text: str) -> list[re.Match[str]]:
    windows: list[tuple[int, int]] = []
    for cue in ANAPHORIC_CUES.finditer(text):
        start, end = max(0, cue.start() - CUE_REACH), min(len(text), cue.end() + CUE_REACH)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    matches: dict[tuple[int, int], re.Match[str]] = {}
    for pattern in _anaphoric_patterns():
        for start, end in windows:
            for match in pattern.finditer(text, start, end):
                matches.setdefault(match.span(), match)
    return list(matches.values())


def _anaphoric(text: str, anchors: list[DateMention], taken: list[tuple[int, int]]) -> list[DateMention]:
    """Dates told relative to the narrative's last date ("the next day", "ten days earlier", «через неделю»).

    They resolve against the nearest date mentioned before them, at no finer precision than it has.
    """
    out: list[DateMention] = []
    ends = [a.end for a in anchors]  # anchors are in text order
    for match in _anaphoric_matches(text):
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            continue
        index = bisect.bisect_right(ends, start)
        if not index:
            continue
        anchor = anchors[index - 1]
        groups = match.groupdict()
        count = parse_number(groups["count"]) if groups.get("count") else 1
        if count is None:
            continue
        word = (groups.get("unit") or "").lower()
        direction = (groups.get("dir") or "").lower()
        sign = -1 if direction in ("earlier", "за") else 1
        days = 7 * count if word.startswith(("недел", "week")) else count
        days = 30 * count if word.startswith(("месяц", "month")) else days
        days = 1 if word.startswith(("наутро", "утр")) or word in ("morning", "evening", "night") else days
        lo = anchor.interval()[0]
        shifted = lo + timedelta(days=sign * days)
        if anchor.precision == "year":
            values: tuple[int, int | None, int | None] = (shifted.year, None, None)
        elif anchor.precision == "month":
            values = (anchor.year, anchor.month, None) if days < 28 else (shifted.year, shifted.month, None)
        elif days >= 7:
            values = (shifted.year, shifted.month, None)
        else:
            values = (shifted.year, shifted.month, shifted.day)
        taken.append((start, end))
        out.append(DateMention(start, end, match.group(0), *values, relative=True, confidence=0.6))
    return out


def find_dates(text: str, reference: date | None = None) -> list[DateMention]:
    """All date mentions in ``text``, in order; durations are never returned."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            values = _interpret(kind, match.groups(), reference)
            mentions = []
            for year, month, day, relative in values:
                safe = _safe(year, month, day)
                if safe is None or not 1900 <= year <= 2100:
                    continue
                confidence = 0.7 if relative else 0.9
                mentions.append(
                    DateMention(start, end, match.group(0), safe[0], safe[1], safe[2], relative, confidence)
                )
            if mentions:
                taken.append((start, end))
                found.extend(mentions)
    found.sort(key=lambda d: d.start)
    return sorted(found + _anaphoric(text, found, taken), key=lambda d: d.start)


def earliest_event_date(mentions: list[DateMention]) -> DateMention | None:
    """The start of an incident: the earliest date, refined by finer dates inside it.

    "detained in the summer of 2022 ... held from late July" starts in 2022-07: a
    coarse date that contains finer ones gives way to them.
    """
    if not mentions:
        return None
    kept = []
    for mention in mentions:
        lo, hi = mention.interval()
        refined = any(
            other is not mention
            and other.precision != mention.precision
            and lo <= other.interval()[0]
            and other.interval()[1] <= hi
            and (other.interval()[1] - other.interval()[0]) < (hi - lo)
            for other in mentions
        )
        if not refined:
            kept.append(mention)
    return min(kept, key=lambda m: (m.interval()[0], -m.confidence))
