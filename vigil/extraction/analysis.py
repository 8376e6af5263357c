"""One pass over a report: every mention the incident builder needs, with offsets.

Each detector runs once over the whole text (not per sentence), and mentions are
then mapped to clauses by offset; this keeps the pipeline within a small multiple
of Natasha's own time.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from vigil.extraction import acts, articles, dates, detention, entities, people, sources
from vigil.extraction.acts import TermMention

# Contrastive joints split a sentence into clauses that may concern different victims:
# "Гогишвили отпустили с протоколом, а Сюй суд арестовал на семь суток".
CLAUSE_SPLIT = re.compile(r",\s+(?=(?:а|но|тогда\s+как|whereas|while|but)\s)|;\s+", re.I)
ROLE_BEFORE = re.compile(
    r"(?:leader|chief|head|minister|officer|lawyer|judge|attorney|spokes\w+|president|governor|prosecutor|"
    r"investigator|director|coordinator|activist\s+and\s+lawyer|глав\w*|начальник\w*|министр\w*|адвокат\w*|"
    r"юрист\w*|судь\w*|прокурор\w*|следовател\w*|сотрудник\w*|руководител\w*|координатор\w*|президент\w*|"
    r"правозащитни\w*|депутат\w*|пресс-секретар\w*)[\s,]+(?:[\w’'-]+\s+){0,2}$",
    re.I,
)


@dataclass(frozen=True)
class Unit:
    """A clause: a sentence, or a part of one cut at a contrastive joint."""

    index: int
    start: int
    end: int
    paragraph: int


@dataclass
class Analysis:
    text: str
    lang: str
    reference: date | None
    units: list[Unit]
    acts: list[TermMention]
    perpetrators: list[TermMention]
    outcomes: list[TermMention]
    places: list[Any]  # vigil.reference.gazetteer.PlaceMention
    dates: list[dates.DateMention]
    ages: list[people.AgeMention]
    citizenship: list[people.CitizenshipMention]
    counts: list[people.CountMention]
    durations: list[detention.DurationMention]
    articles: list[articles.ArticleMention]
    persons: list[entities.Span]
    sources: list[sources.SourceMention]
    source_spans: list[tuple[int, int]] = field(default_factory=list)  # incl. the publisher
    person_key: dict[int, str] = field(default_factory=dict)  # person index -> cluster key
    headline: set[int] = field(default_factory=set)  # units of the headline (places only as a fallback)
    dateline_places: list[Any] = field(default_factory=list)  # "OSH, Kyrgyzstan — ": the last fallback
    _starts: list[int] = field(default_factory=list)

    def unit_of(self, position: int) -> int:
        if not self._starts:
            self._starts = [u.start for u in self.units]
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def in_units(self, mentions: list[Any], units: set[int]) -> list[Any]:
        return [m for m in mentions if self.unit_of(m.start) in units]

    def unit_text(self, index: int) -> str:
        unit = self.units[index]
        return self.text[unit.start : unit.end]


def _units(sentences: list[entities.Sentence]) -> list[Unit]:
    out: list[Unit] = []
    for sentence in sentences:
        cuts = [sentence.start] + [sentence.start + m.end() for m in CLAUSE_SPLIT.finditer(sentence.text)]
        ends = [*cuts[1:], sentence.end]
        for start, end in zip(cuts, ends, strict=True):
            out.append(Unit(len(out), start, end, sentence.paragraph))
    return out


def _persons(
    text: str,
    lang: str,
    places: list[Any],
    source_spans: list[sources.SourceMention],
    names_needed: bool = True,
) -> tuple[list[entities.Span], list[entities.Sentence]]:
    if lang == "ru" and not names_needed:
        # Prefilter: a message with no act trigger yields no incident, so Natasha's NER (the bulk of
        # the time on Russian Telegram exports) is skipped; sentences come from the cheap splitter.
        return [], entities.sentences(text)
    if lang == "ru":
        spans, sentences = entities.russian_entities(text)
        raw = [s for s in spans if s.kind == "PER"]
    else:
        raw = entities.english_names(text)
        sentences = entities.sentences(text)
        sentence_starts = {s.start for s in sentences}
        keys_inside = {entities.name_key(w) for s in raw if s.start not in sentence_starts for w in s.text.split()}
        raw = [
            s
            for s in raw
            if s.start not in sentence_starts
            or any(entities.name_key(w) in keys_inside for w in s.text.split())
            or len(s.text.split()) > 1
        ]
    taken = [(p.start, p.end) for p in places] + [(s.start, s.end) for s in source_spans]
    kept = [p for p in raw if not any(p.start < e and s < p.end for s, e in taken)]
    return [p for p in kept if not _place_name(text, p)], sentences


@cache
def _place_nouns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    from vigil.extraction.words import word_set

    en = "|".join(sorted(word_set("place_nouns", "en"), key=len, reverse=True))
    ru = "|".join(f"{w}[а-яё]*" for w in sorted(word_set("place_nouns", "ru"), key=len, reverse=True))
    nouns = rf"(?:{en}|{ru})"
    return (
        re.compile(rf"^[\s»\"”]*{nouns}\b", re.I),
        re.compile(rf"\b{nouns}(?:\s+(?:of|метро))?[\s«\"“]*$", re.I),
    )


@cache
def _street_nouns() -> re.Pattern[str]:
    from vigil.extraction.words import word_set

    en = "|".join(sorted(word_set("street_nouns", "en"), key=len, reverse=True))
    ru = "|".join(f"{w}[а-яё]*" for w in sorted(word_set("street_nouns", "ru"), key=len, reverse=True))
    return re.compile(rf"\b(?:{en}|{ru})(?:\s+метро)?[\s«\"“]*$", re.I)


STREET_AFTER = re.compile(r"^[\s»\"”]*(?:metro\s+station|street|avenue|prospekt|prospect|station)\b", re.I)


def _street_name(text: str, place: Any) -> bool:
    """ "у станции метро «Курская»", "Kurskaya metro station", «на улице Грозненской»: a station or street
    named after a place is not that place."""
    before = _street_nouns()
    return bool(
        before.search(text[max(0, place.start - 25) : place.start])
        or STREET_AFTER.match(text[place.end : place.end + 20])
    )


def _place_name(text: str, span: entities.Span) -> bool:
    """ "Kupchino district", "Ozerki metro station", «у станции метро «Курская»»: a place, not a name."""
    after, before = _place_nouns()
    return bool(
        after.match(text[span.end : span.end + 25]) or before.search(text[max(0, span.start - 25) : span.start])
    )


def _cluster(persons: list[entities.Span]) -> dict[int, str]:
    """Union persons that share a name word ("Сюй Хаоян", "Хаояном", "Сюй")."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    keys = [[entities.name_key(w) for w in p.text.split() if len(w) > 1] for p in persons]
    for words in keys:
        for word in words[1:]:
            parent[find(word)] = find(words[0])
    return {i: find(words[0]) for i, words in enumerate(keys) if words}


SPEECH_BEFORE = re.compile(
    r"(?:said|told|announced|reported|stated|wrote|added|сообщил\w*|заявил\w*|рассказал\w*|написал\w*|"
    r"сообщает|пишет|отметил\w*)[\s,]*(?:\w+\s+){0,3}$",
    re.I,
)


# "the LGBT movement, which the Supreme Court outlawed in 2023", «закон, вступивший в силу в 2022 году»: the date
# of a law or a ban, not of anything done to the victim.
LAW_BEFORE = re.compile(
    r"(?:outlaw\w*|bann(?:ed|ing)|designated|declared\s+(?:it\s+)?(?:an?\s+)?extremist|\blaws?\b|legislation|"
    r"took\s+effect|came\s+into\s+force|was\s+(?:expanded|adopted|passed)|закон\w*|запрет\w*|"
    r"признал\w*\s+(?:\w+\s+){0,3}экстремист\w*|признан\w*\s+экстремист\w*|вступил\w*\s+в\s+силу)"
    r"[^.;:!?]{0,30}$",
    re.I,
)


# «которое Верховный суд в 2023 году признал экстремистским», "which was banned in 2023 as extremist": the verb of
# the ban follows the date in the same clause.
LAW_AFTER = re.compile(
    r"^[^.;:!?,]{0,25}?\b(?:признал\w*\s+(?:\w+\s+){0,2}экстремист\w*|признан\w*\s+экстремист\w*|запретил\w*|"
    r"outlawed|banned|designated\s+(?:\w+\s+){0,3}extremist|declared\s+(?:\w+\s+){0,3}extremist)",
    re.I,
)


def _law_date(text: str, mention: dates.DateMention) -> bool:
    return bool(
        LAW_BEFORE.search(text[max(0, mention.start - 60) : mention.start])
        or LAW_AFTER.search(text[mention.end : mention.end + 80])
    )


def _report_date(text: str, mention: dates.DateMention) -> bool:
    """ "the group said on Tuesday": the day of the statement, not of the event."""
    return (
        mention.relative
        and mention.day is not None
        and bool(SPEECH_BEFORE.search(text[max(0, mention.start - 40) : mention.start]))
    )


CONTEXT_DATA = Path(__file__).with_name("data") / "context.toml"
# A wire or press-release dateline: "MOSCOW, March 28 - ", "(Berlin) – ".  Its place and date are where
# and when the report was filed, not where and when anything happened.
DATELINE = re.compile(
    r"^[ \t]*(?:[A-ZА-ЯЁ][A-ZА-ЯЁ.'’ -]{1,30}[A-ZА-ЯЁ.](?:,[^\n–—-]{1,25}?)?|\([A-ZА-ЯЁ][\w .'’-]{1,30}\))"
    r"\s*(?:-|–|—)\s",
    re.M,
)
PRESS_RELEASE = re.compile(r"^\s*\([A-ZА-ЯЁ][\w .'’-]{1,30}\)\s*(?:-|–|—)\s", re.M)
SAID_TODAY = re.compile(r"^\s*(?:said|says|stated|announced)\s+today", re.I)
HEADLINE_CHARS = 200
# A dated sentence within this many days of publication is news, not a summary of other cases.
RECENT_DAYS = 180


@cache
def _context_patterns() -> dict[str, re.Pattern[str]]:
    from vigil.reference.triggers import compile_phrases

    with CONTEXT_DATA.open("rb") as handle:
        data = tomllib.load(handle)
    out = {}
    for table in ("paragraph_openers", "aggregate"):
        phrases = tuple(str(p) for lang in ("en", "ru") for p in data[table][lang])
        out[table] = compile_phrases(phrases)
    return out


def _paragraphs(units: list[Unit]) -> dict[int, list[Unit]]:
    out: dict[int, list[Unit]] = {}
    for unit in units:
        out.setdefault(unit.paragraph, []).append(unit)
    return out


def headline_units(text: str, units: list[Unit]) -> set[int]:
    """The headline (and a subtitle line) of a report: short lines before the body."""
    paragraphs = list(_paragraphs(units).values())
    out: set[int] = set()
    for position, members in enumerate(paragraphs[:2]):
        if len(paragraphs) < position + 2:
            break
        start, end = members[0].start, members[-1].end
        body = text[start:end].strip()
        if "\n" in body or len(body) > HEADLINE_CHARS or body.endswith((".", "!", "?", ":")):
            break  # a short first sentence of the body, not a headline
        out |= {u.index for u in members}
    return out


def context_units(text: str, units: list[Unit]) -> tuple[set[int], set[int]]:
    """Units that give no incident: (background and advice paragraphs, aggregate sentences)."""
    from vigil.reference.triggers import normalise

    patterns = _context_patterns()
    folded = normalise(text)
    background: set[int] = set()
    for members in _paragraphs(units).values():
        first = members[0]
        opening = folded[first.start : first.end].lstrip(' \t—–-•*«"')
        match = patterns["paragraph_openers"].match(opening)
        if match is not None:
            background |= {u.index for u in members}
    aggregate = {u.index for u in units if patterns["aggregate"].search(folded, u.start, u.end)}
    return background, aggregate


def _datelines(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in DATELINE.finditer(text)]


def analyse(text: str, lang: str, reference: date | None, publisher: str | None = None) -> Analysis:
    from vigil.reference import gazetteer

    datelines = _datelines(text)

    def outside(mention: Any) -> bool:
        return not any(s <= mention.start < e for s, e in datelines)

    all_places = [p for p in gazetteer.find_places(text) if not _street_name(text, p)]
    places = [p for p in all_places if outside(p)]
    all_sources = sources.find_mentions(text)
    cited = sources.find_sources(text, publisher, all_sources)
    found_acts = acts.find_terms("act_types", text, lang)
    persons, sentences = _persons(text, lang, places, all_sources, names_needed=bool(found_acts))
    found_dates = [
        d
        for d in dates.find_dates(text, reference)
        if (reference is None or d.interval()[0] <= reference)
        and not _report_date(text, d)
        and not _law_date(text, d)
        and outside(d)
    ]
    units = _units(sentences)
    analysis = Analysis(
        text=text,
        lang=lang,
        reference=reference,
        units=units,
        acts=found_acts,
        perpetrators=acts.find_terms("perpetrator_types", text, lang),
        outcomes=acts.find_terms("outcomes", text, lang),
        places=places,
        dates=found_dates,
        ages=people.find_ages(text),
        citizenship=people.find_citizenship(text),
        counts=people.find_counts(text),
        durations=detention.find_durations(text),
        articles=articles.find_articles(text),
        persons=persons,
        sources=cited,
    )
    background, aggregate = context_units(text, units)
    # A sentence that dates its event to a month or a day ("have detained at least 12 men ... since late
    # January") tells one round-up, not a sum of other cases.
    aggregate -= {
        analysis.unit_of(d.start)
        for d in found_dates
        if d.precision != "year" and (reference is None or (reference - d.interval()[0]).days <= RECENT_DAYS)
    }
    headline = headline_units(text, units)
    analysis.headline = headline
    no_incident = background | aggregate | headline

    def keep(mentions: list[Any], dropped: set[int]) -> list[Any]:
        return [m for m in mentions if analysis.unit_of(m.start) not in dropped]

    analysis.acts = keep(analysis.acts, no_incident)
    analysis.perpetrators = keep(analysis.perpetrators, no_incident)
    analysis.outcomes = keep(analysis.outcomes, no_incident)
    analysis.articles = keep(analysis.articles, no_incident)
    analysis.durations = keep(analysis.durations, no_incident)
    analysis.counts = keep(analysis.counts, background | aggregate)
    analysis.dates = keep(analysis.dates, background | headline)
    analysis.places = keep(analysis.places, background)
    # A source named only in advice or background ("write to the SK SOS bot") is not cited.
    cited_units = {
        s.name: analysis.unit_of(s.start) for s in all_sources if analysis.unit_of(s.start) not in background
    }
    analysis.sources = [s for s in cited if s.name in cited_units and not _press_release_author(text, s, all_sources)]
    analysis.dateline_places = [p for p in all_places if not outside(p)]
    analysis.person_key = _cluster(persons)
    analysis.source_spans = [(s.start, s.end) for s in all_sources]
    return analysis


def _press_release_author(text: str, source: sources.SourceMention, mentions: list[sources.SourceMention]) -> bool:
    """ "(Berlin) – ... Human Rights Watch said today.": an NGO's own press release does not cite itself."""
    if not PRESS_RELEASE.search(text):
        return False
    return any(m.name == source.name and SAID_TODAY.match(text[m.end : m.end + 30]) for m in mentions)


ROLE_AFTER = re.compile(
    r"^\s*,\s*(?:(?:a|an|the)\s+)?(?:[\w’'-]+\s+){0,3}?"
    r"(?:lawyer|attorney|spokes\w+|coordinator|director|head|chief|officer|judge|minister|activist|researcher|"
    r"адвокат\w*|юрист\w*|координатор\w*|руководител\w*|глав\w*|сотрудник\w*|судь\w*|правозащитни\w*)\b",
    re.I,
)


def role_person(analysis: Analysis, index: int) -> bool:
    """True when a name comes with a role: "Chechen leader Ramzan Kadyrov", "Olga, a lawyer with ..."."""
    person = analysis.persons[index]
    before = analysis.text[max(0, person.start - 60) : person.start]
    after = analysis.text[person.end : person.end + 60]
    return bool(ROLE_BEFORE.search(before) or ROLE_AFTER.search(after))
