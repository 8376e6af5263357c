"""The extraction pipeline: one report text in, draft incidents out.

``extract_report`` is pure: no Django, no database, no network.  Its JSON has
exactly the fields of ``samples/*.gold.json`` for each incident, plus an
``evidence`` object (field -> spans with confidence) and a ``confidence`` so a
reviewer can see why each value was proposed.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from vigil.extraction import dates, detention
from vigil.extraction.analysis import Analysis, analyse
from vigil.extraction.items import Evidence
from vigil.extraction.language import detect_language
from vigil.extraction.segmenting import (
    Plan,
    _word_clusters,
    age_owner,
    citizenship_owner,
    heading_places,
    segment,
)

MAX_CHARS = 200_000
SUPPORTED = ("ru", "en")
# Acts that locate an incident: where someone was detained or abused, not where the
# denouncer lives or where the victim was deported to.
NOT_LOCATING = frozenset({"denunciation", "deportation_or_expulsion", "discrimination_other"})
PLACES_DATA = Path(__file__).with_name("data") / "places.toml"


def _entry_regex(entry: str) -> str:
    """One word list entry ("родственник* в") as a regular expression: "*" is any ending."""
    words = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in entry.split()]
    return r"(?<!\w)" + r"\s+".join(words)


@cache
def _not_locating_contexts() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for the text right before a place: origin/citizenship/relatives, and destination."""
    with PLACES_DATA.open("rb") as handle:
        data = tomllib.load(handle)
    origin = [_entry_regex(e) for lang in ("ru", "en") for e in data["origin"][lang]]
    leaving = [_entry_regex(e) for lang in ("ru", "en") for e in data["destination"][lang]]
    return (
        re.compile(r"(?:" + "|".join(origin) + r")\s+$", re.I),
        # "put on a flight to Dushanbe", «выслали из страны в Таджикистан»: where the victim was sent.
        re.compile(r"(?:" + "|".join(leaving) + r")\s+(?:\w+\s+){0,2}(?:to|в|во|на)\s+$", re.I),
    )


PROSECUTION = frozenset({"criminal_prosecution"})
GENERIC_FORCES = re.compile(r"силовик|силовых\s+структур|siloviki", re.I)
COURT_STAGE_PERPS = frozenset({"court", "prosecutor"})
POLICE_ACTS = frozenset({"arbitrary_detention", "administrative_arrest", "incommunicado_detention"})
HOME = re.compile(
    r"(?:жител\w*|жительниц\w*|проживал\w*\s+в|жил[аи]?\s+в(?:\s+(?:городе|селе|поселке))?|"
    r"работал[аи]?(?:\s+\w+)?\s+в|работает\s+в|resident\s+of|lived\s+in|living\s+in|worked\s+in|working\s+in|"
    r"(?:man|woman|student|person|resident|girl|boy|парень|девушка|мужчина|женщина|студент\w*)\s+(?:from|из))\s+$",
    re.I,
)
STATE_AGENTS = frozenset({"police", "security_service", "military", "court", "prosecutor", "other_state"})
# Acts that private people commit as often as the state does; with no agent named, they point to them.
PRIVATE_STYLE_ACTS = frozenset(
    {
        "entrapment",
        "extortion",
        "filming_or_humiliation",
        "outing_or_threat_of_outing",
        "beating_or_torture",
        "threats_or_intimidation",
        "denunciation",
        "discrimination_other",
        "coerced_device_search",
        "sexual_violence_or_harassment",
    }
)
DETAINING_AGENTS = frozenset({"police", "security_service", "military", "unknown", "other_state"})
PRIVATE_AGENTS = frozenset({"family", "private_individual"})
STATE_ACTS_BY_COURT = frozenset({"administrative_arrest"})
OUTCOME_FROM_ACT = {
    "administrative_arrest": "administrative_arrest",
    "deportation_or_expulsion": "deported",
    "fine": "fined",
    "criminal_prosecution": "criminal_case_opened",
    "killing": "killed",
    "abduction_or_disappearance": "disappeared",
}
# A sanction that followed the release from the police station is the outcome: "released after a
# protocol was drawn up" and then fined, arrested for days, deported or sentenced is not "released".
SANCTION_OUTCOMES = frozenset({"fined", "administrative_arrest", "deported", "convicted"})
HOLDING_ACTS = frozenset(
    {"arbitrary_detention", "administrative_arrest", "incommunicado_detention", "abduction_or_disappearance"}
)
FINAL_OUTCOMES = frozenset({"released", "deported", "fled_country", "killed", "convicted", "fined"})
FIELDS = (
    "city",
    "region",
    "country",
    "date_start",
    "victims",
    "victim_ages",
    "victim_citizenship",
    "acts",
    "perpetrators",
    "legal_articles",
    "detention_days",
    "outcome",
)


@dataclass
class Incident:
    values: dict[str, Any]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {name: self.values[name] for name in FIELDS}
        out["evidence"] = {k: [e.as_dict() for e in v] for k, v in self.evidence.items() if v}
        scores = [e.confidence for spans in self.evidence.values() for e in spans]
        out["confidence"] = round(sum(scores) / len(scores), 2) if scores else 0.0
        return out


@dataclass
class ExtractionResult:
    language: str
    reference_date: date | None
    incidents: list[Incident] = field(default_factory=list)
    sources_cited: list[str] = field(default_factory=list)
    source_evidence: list[Evidence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "incidents": [i.as_dict() for i in self.incidents],
            "sources_cited": list(self.sources_cited),
            "language": self.language,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "evidence": {"sources_cited": [e.as_dict() for e in self.source_evidence]},
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.skipped:
            out["skipped"] = self.skipped
        return out


def extract_report(
    text: str,
    reference_date: date | None = None,
    lang: str | None = None,
    publisher: str | None = None,
) -> ExtractionResult:
    """Extract incidents from one report.

    ``reference_date`` is the report's publication date (relative dates resolve
    against it); ``lang`` forces "ru" or "en"; ``publisher`` (a URL or outlet
    name) keeps the report's own outlet out of ``sources_cited``.  Text in any
    other language yields a result with ``skipped`` set and no incidents.
    """
    warnings: list[str] = []
    if len(text) > MAX_CHARS:
        warnings.append(f"text of {len(text)} characters was cut to the first {MAX_CHARS}")
        text = text[:MAX_CHARS]
    language = lang or detect_language(text)
    if language not in SUPPORTED:
        return ExtractionResult(
            language,
            reference_date,
            warnings=warnings,
            skipped="skipped: the text is not in Russian or English",
        )
    analysis = analyse(text, language, reference_date, publisher)
    result = ExtractionResult(language, reference_date, warnings=warnings)
    result.sources_cited = [s.name for s in analysis.sources]
    result.source_evidence = [Evidence(s.start, s.end, s.surface, 0.8 if s.known else 0.6) for s in analysis.sources]
    plans = segment(analysis)
    result.incidents = [_incident(analysis, plan) for plan in plans]
    _share_victim_facts(plans, result.incidents)
    _narrative_dates(analysis, plans, result.incidents)
    return result


def _narrative_dates(analysis: Analysis, plans: list[Plan], incidents: list[Incident]) -> None:
    """An incident whose own clauses give no date happened at the time the narrative has reached: the
    latest date mentioned before its first act ("Тогда же задержали ещё двоих", "The others were held
    too"), else the date of the report's first dated incident."""
    dated = [(i, p) for i, p in zip(incidents, plans, strict=True) if i.values["date_start"]]
    for incident, plan in zip(incidents, plans, strict=True):
        if incident.values["date_start"]:
            continue
        starts = [m.start for m in analysis.acts if plan.keeps(analysis, m.start)]
        if not starts:
            continue
        first = min(starts)
        before = [d for d in analysis.dates if d.start < first]
        best = before[-1] if before else None
        if best is not None:
            incident.values["date_start"] = best.value
            incident.evidence["date_start"] = [_ev(best, 0.4)]
        elif dated:
            source = dated[0][0]
            incident.values["date_start"] = source.values["date_start"]
            incident.evidence["date_start"] = [
                replace(e, confidence=0.4) for e in source.evidence.get("date_start", [])
            ]


def _share_victim_facts(plans: list[Plan], incidents: list[Incident]) -> None:
    """Episodes of one victim share who the victim is (age, citizenship) and where the victim ended up
    (fled the country), even when an episode's own paragraphs do not repeat it."""
    by_person: dict[str, list[Incident]] = {}
    for plan, incident in zip(plans, incidents, strict=True):
        # an unnamed main victim's episodes are one person too ("a 29-year-old Tajik national ... deported ...
        # summoned in Dushanbe")
        person = plan.person or ("" if plan.main_victim else None)
        if person is not None and plan.kind == "person" and not plan.group and plan.only is None:
            by_person.setdefault(person, []).append(incident)
    for group in by_person.values():
        if len(group) < 2:
            continue
        for name in ("victim_ages", "victim_citizenship"):
            known = next((i for i in group if i.values[name]), None)
            for incident in group:
                if known is not None and not incident.values[name]:
                    incident.values[name] = list(known.values[name])
                    incident.evidence[name] = [replace(e, confidence=0.5) for e in known.evidence.get(name, [])]
        fled = next((i for i in group if "fled_country" in i.values["outcome"]), None)
        for incident in group:
            outcome = incident.values["outcome"]
            if fled is None or "fled_country" in outcome or {"killed", "disappeared"} & set(outcome):
                continue
            index = fled.values["outcome"].index("fled_country")
            if outcome == ["unknown"]:
                outcome.clear()
                incident.evidence["outcome"] = []
            outcome.append("fled_country")
            incident.evidence.setdefault("outcome", []).append(replace(fled.evidence["outcome"][index], confidence=0.5))


def _ev(mention: Any, confidence: float | None = None) -> Evidence:
    score = confidence if confidence is not None else getattr(mention, "confidence", 0.8)
    return Evidence(mention.start, mention.end, mention.surface, score)


def _ordered(mentions: list[Any]) -> tuple[list[str], list[Evidence]]:
    codes: list[str] = []
    evidence: list[Evidence] = []
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.code not in codes:
            codes.append(mention.code)
            evidence.append(_ev(mention))
    return codes, evidence


def _administrative_charge(analysis: Analysis, mention: Any) -> bool:
    """ "charged under Article 6.21 of the Code of Administrative Offences" is not a criminal case."""
    if mention.code not in ("criminal_prosecution", "criminal_case_opened", "convicted"):
        return False
    unit = analysis.unit_of(mention.start)
    cited = [a.code for a in analysis.articles if analysis.unit_of(a.start) == unit]
    return bool(cited) and all(code.startswith("KoAP") for code in cited)


def _mine(analysis: Analysis, plan: Plan, mentions: list[Any], units: set[int] | None = None) -> list[Any]:
    return [
        m for m in mentions if plan.keeps(analysis, m.start) and (units is None or analysis.unit_of(m.start) in units)
    ]


def _incident(analysis: Analysis, plan: Plan) -> Incident:
    acts_found = [m for m in _mine(analysis, plan, analysis.acts) if not _administrative_charge(analysis, m)]
    act_units = {analysis.unit_of(m.start) for m in acts_found}
    act_codes, act_ev = _ordered(acts_found)
    perp_mentions = _mine(analysis, plan, analysis.perpetrators, act_units)
    if PROSECUTION & {m.code for m in acts_found}:
        # "Prosecutors had asked for four years": the court and the prosecution of the victim's case
        # act wherever the report names them.
        perp_mentions += [m for m in _mine(analysis, plan, analysis.perpetrators) if m.code in COURT_STAGE_PERPS]
    if any(m.code in ("police", "military") or m.term != m.code for m in perp_mentions):
        # «силовики» names no agency: with the police or the FSB named, it means them.
        perp_mentions = [m for m in perp_mentions if not GENERIC_FORCES.match(m.surface)]
    if not perp_mentions and act_units:
        # "Хеду увёл из квартиры её старший брат. ... он силой вытащил девушку": the agent named in the
        # sentence just before the act's, when the act's own sentence names none
        before = {u - 1 for u in act_units} - act_units
        perp_mentions = [
            m
            for m in _mine(analysis, plan, analysis.perpetrators, before)
            if analysis.units[analysis.unit_of(m.start)].paragraph in {analysis.units[u].paragraph for u in act_units}
        ]
    perps, perp_ev = _ordered(perp_mentions)
    if "denunciation" in act_codes and not {"private_individual", "family"} & set(perps):
        perps.append("private_individual")  # a denunciation has a denouncer
        perp_ev.append(_ev(next(m for m in acts_found if m.code == "denunciation"), 0.6))
    if set(act_codes) & STATE_ACTS_BY_COURT and "court" not in perps:
        perps.append("court")  # only a judge can order an administrative arrest
        perp_ev.append(_ev(next(m for m in acts_found if m.code in STATE_ACTS_BY_COURT), 0.6))

    unnamed_detention = next(
        (
            m
            for m in acts_found
            if m.code == "arbitrary_detention"
            and not any(
                p.code in PRIVATE_AGENTS and analysis.unit_of(p.start) == analysis.unit_of(m.start)
                for p in analysis.perpetrators
            )
        ),
        None,
    )
    if unnamed_detention is not None and perps and not DETAINING_AGENTS & set(perps):
        # "Задержали Дениса" names no agent while a court or a denouncer is named elsewhere: the police.
        perps.append("police")
        perp_ev.append(_ev(unnamed_detention, 0.4))
    if not perps and acts_found:
        # "был задержан" names no agent: detention and arrest are the police's acts; luring, extorting and
        # filming by people no state body is named for ("Four men were waiting inside") are private people's.
        state = next((m for m in acts_found if m.code in POLICE_ACTS), None)
        named_state = any(m.code in STATE_AGENTS for m in _mine(analysis, plan, analysis.perpetrators))
        private = not named_state and {m.code for m in acts_found} <= PRIVATE_STYLE_ACTS
        perps.append("police" if state else "private_individual" if private else "unknown")
        perp_ev.append(_ev(state or acts_found[0], 0.4))
    outcome_mentions = [m for m in _mine(analysis, plan, analysis.outcomes) if not _administrative_charge(analysis, m)]
    outcomes, outcome_ev = _ordered(outcome_mentions)
    for mention in acts_found:
        implied = OUTCOME_FROM_ACT.get(mention.code)
        if implied and implied not in outcomes and not (implied == "criminal_case_opened" and "convicted" in outcomes):
            outcomes.append(implied)
            outcome_ev.append(_ev(mention, 0.6))
    if "disappeared" in outcomes and "released" in outcomes and _only_to_family(outcome_mentions):
        # handed over to the relatives and not heard from since: no release, a disappearance
        index = outcomes.index("released")
        del outcomes[index], outcome_ev[index]
    if FINAL_OUTCOMES & set(outcomes) and "disappeared" in outcomes:
        index = outcomes.index("disappeared")  # "not heard from" until he was released
        del outcomes[index], outcome_ev[index]
    if "released" in outcomes and (
        "killed" in outcomes
        or (SANCTION_OUTCOMES & set(outcomes) and not _released_last(analysis, outcome_mentions, acts_found))
    ):
        # a body handed over to the family is no release, nor is a release followed by a sanction
        index = outcomes.index("released")
        del outcomes[index], outcome_ev[index]
    if "disappeared" in outcomes and "abduction_or_disappearance" not in act_codes:
        # a victim missing since is a disappearance, whatever words the report used for the taking
        act_codes.append("abduction_or_disappearance")
        act_ev.append(outcome_ev[outcomes.index("disappeared")])
    if "released" in outcomes and not HOLDING_ACTS & set(act_codes) and set(perps) <= PRIVATE_AGENTS:
        # "released" is the end of a detention: attackers "letting him go" after an ambush release no one
        index = outcomes.index("released")
        del outcomes[index], outcome_ev[index]
    if "unknown" in outcomes and len(outcomes) > 1:
        index = outcomes.index("unknown")
        del outcomes[index], outcome_ev[index]
    if not outcomes:
        outcomes = ["unknown"]

    article_codes: list[str] = []
    article_ev: list[Evidence] = []
    for mention in _mine(analysis, plan, analysis.articles):
        if mention.code not in article_codes:
            article_codes.append(mention.code)
            article_ev.append(_ev(mention, 0.7 if mention.by_description else 0.9))

    values: dict[str, Any] = {
        "acts": act_codes,
        "perpetrators": perps,
        "outcome": outcomes,
        "legal_articles": article_codes,
    }
    evidence: dict[str, list[Evidence]] = {
        "acts": act_ev,
        "perpetrators": perp_ev,
        "outcome": outcome_ev,
        "legal_articles": article_ev,
    }
    _place(analysis, plan, act_units, values, evidence)
    if values["country"] not in (None, "Russia"):
        # "propaganda of non-traditional sexual relations" in Kyrgyzstan is their law, not KoAP 6.21
        described = {m.code for m in _mine(analysis, plan, analysis.articles) if m.by_description}
        explicit = {m.code for m in _mine(analysis, plan, analysis.articles) if not m.by_description}
        for code in described - explicit:
            if code.startswith(("KoAP", "UK")):
                index = article_codes.index(code)
                del article_codes[index], article_ev[index]
    _date(analysis, plan, act_units, values, evidence)
    _people(analysis, plan, act_units, values, evidence)
    duration = detention.detention_days(_mine(analysis, plan, analysis.durations))
    values["detention_days"] = duration.days if duration else None
    evidence["detention_days"] = [_ev(duration, 0.6 if duration.approximate else 0.8)] if duration else []
    return Incident(values, evidence)


def _agents_count(analysis: Analysis, count: Any) -> bool:
    """ "three men in balaclavas surrounded him", «четверо сотрудников»: the count is of the agents."""
    return any(p.start <= count.end + 15 and count.start <= p.end for p in analysis.perpetrators)


def _released_last(analysis: Analysis, outcomes: list[Any], acts_found: list[Any]) -> bool:
    """The last thing said of the victim is a release after the sanction ("served ten days and walked free",
    «отбыв арест, вышел на свободу»): a sentence after every sanction's."""
    releases = [analysis.unit_of(m.start) for m in outcomes if m.code == "released"]
    sanctions = [analysis.unit_of(m.start) for m in outcomes if m.code in SANCTION_OUTCOMES]
    sanctions += [analysis.unit_of(m.start) for m in acts_found if OUTCOME_FROM_ACT.get(m.code) in SANCTION_OUTCOMES]
    return bool(releases and sanctions) and max(releases) > max(sanctions)


def _only_to_family(mentions: list[Any]) -> bool:
    """Every "released" of the incident is a handover to the victim's relatives."""
    released = [m for m in mentions if m.code == "released"]
    return bool(released) and all(m.term == "released_to_family" for m in released)


def _place(
    analysis: Analysis, plan: Plan, act_units: set[int], values: dict[str, Any], evidence: dict[str, list[Evidence]]
) -> None:
    from vigil.reference import gazetteer

    origin, leaving = _not_locating_contexts()
    excluded = [(c.start, c.end) for c in analysis.citizenship] + analysis.source_spans
    excluded += [
        (m.start, m.end)
        for m in analysis.places
        if origin.search(analysis.text[max(0, m.start - 30) : m.start])
        or leaving.search(analysis.text[max(0, m.start - 40) : m.start])
    ]
    locating = {analysis.unit_of(m.start) for m in analysis.acts if m.code not in NOT_LOCATING} & act_units
    candidates = [
        m for m in _mine(analysis, plan, analysis.places, locating) if not any(s <= m.start < e for s, e in excluded)
    ]
    confidence = 0.8
    heading = _heading(analysis, plan, act_units)
    if heading is not None:
        # A digest section ("Кабардино-Балкария. ... жительницы Нальчика ..."): the heading's place, or a
        # city inside it that the section names (not a destination).
        section = [
            m
            for m in _mine(analysis, plan, analysis.places)
            if analysis.units[analysis.unit_of(m.start)].paragraph
            == analysis.units[analysis.unit_of(heading.start)].paragraph
            and m.place.kind == "city"
            and not m.adjectival
            and _within(m.place, heading.place)
            and not leaving.search(analysis.text[max(0, m.start - 40) : m.start])
        ]
        candidates = section[:1] or [heading]
        confidence = 0.7
    if not candidates:
        # the scene the narrative set before the first act ("sent to a unit in Budyonnovsk ... That night they
        # beat me"): the latest place named in the incident's own sentences before it
        first_act = min((analysis.unit_of(m.start) for m in analysis.acts if plan.keeps(analysis, m.start)), default=-1)
        russian_law = any(a.code.startswith(("KoAP", "UK")) for a in analysis.articles) or any(
            m.place.code == "RU" for m in analysis.places
        )
        scene = [
            m
            for m in _mine(analysis, plan, analysis.places)
            if analysis.unit_of(m.start) < first_act
            and m.place.kind in ("city", "region")
            and not any(s <= m.start < e for s, e in excluded)
            # a home town abroad is not the scene of a case under Russian law ("жил в городе Чэнду")
            and not (russian_law and gazetteer.country_of(m.place).code != "RU")
        ]
        candidates = scene[-1:]
        confidence = 0.5
    if not candidates:
        counts = Counter(
            m.place.code
            for m in analysis.places
            if m.place.kind != "country" and not any(s <= m.start < e for s, e in excluded)
        )
        frequent = {code for code, n in counts.items() if n >= 2}
        candidates = [
            m for m in analysis.places if m.place.code in frequent and not any(s <= m.start < e for s, e in excluded)
        ]
        confidence = 0.5
    if not candidates:
        # The city named only in the headline ("в Петербурге снова работают «охотники»").
        candidates = [
            m
            for m in analysis.places
            if analysis.unit_of(m.start) in analysis.headline and m.place.kind in ("city", "region")
        ]
        confidence = 0.5
    if not candidates:
        candidates = _victim_home(analysis, plan)
        confidence = 0.4
    if not candidates:
        # "OSH, Kyrgyzstan — A man from Osh says ...": where the report was filed, when nothing else locates it
        candidates = [m for m in analysis.dateline_places if m.place.kind in ("city", "region")]
        confidence = 0.3
    if candidates and all(m.place.kind == "region" for m in candidates):
        # "у народа Кабардино-Балкарии" after "В Нальчике ...": the one city of that region the incident's own
        # sentences name (a city named only for another incident says nothing of this one)
        inside = {
            m.place.code: m
            for m in _mine(analysis, plan, analysis.places)
            if m.place.kind == "city"
            and not m.adjectival
            and not any(s <= m.start < e for s, e in excluded)
            and any(_within(m.place, c.place) for c in candidates)
        }
        if len(inside) == 1:
            candidates = list(inside.values())
    rank = {"city": 0, "region": 1, "country": 2}
    city = region = country = None
    chosen = None
    if candidates:
        tally = Counter(m.place.code for m in candidates)
        chosen = min(candidates, key=lambda m: (rank.get(m.place.kind, 3), -tally[m.place.code], m.start))
        place = chosen.place
        country_place = gazetteer.country_of(place)
        country = gazetteer.export_region_name(country_place)
        if place.kind == "city":
            city = place.name_en
        if place.kind in ("city", "region"):
            region = gazetteer.export_region_name(place)
        elif place.kind == "country":
            region = None if place.code == "RU" else country
    if country is None:
        # the one country the report is about, else Russia when Russian law was applied or Russia is named
        named = {gazetteer.country_of(m.place).code: m for m in analysis.places + analysis.dateline_places}
        russian_law = any(a.code.startswith(("KoAP", "UK")) and not a.by_description for a in analysis.articles)
        if len(named) == 1 and not russian_law:
            country = gazetteer.export_region_name(gazetteer.country_of(next(iter(named.values())).place))
            confidence = 0.4
        elif russian_law or "RU" in named or any(a.code.startswith(("KoAP", "UK")) for a in analysis.articles):
            country = "Russia"
            confidence = 0.5
    values.update(city=city, region=region, country=country)
    if chosen is not None:
        evidence["city" if city else "region" if region else "country"] = [_ev(chosen, confidence)]


def _heading(analysis: Analysis, plan: Plan, act_units: set[int]) -> Any:
    """The section heading place of the plan's first paragraph with acts, if it has one."""
    units = plan.units & act_units
    if not units:
        return None
    headings = heading_places(analysis)
    return headings.get(analysis.units[min(units)].paragraph)


def _within(place: Any, area: Any) -> bool:
    """``place`` is ``area`` or lies in it (a city in its region or country)."""
    from vigil.reference import gazetteer

    if place.code == area.code:
        return True
    if area.kind == "country":
        return bool(gazetteer.country_of(place).code == area.code)
    region = gazetteer.region_of(place)
    return region is not None and region.code == area.code


def _victim_home(analysis: Analysis, plan: Plan) -> list[Any]:
    """Last resort: where the victim lives ("житель Дагестана", "жил в Хасавюрте").

    Only places in the country whose law was applied (Russia for KoAP/UK articles), so a
    foreign student's home town is not taken for the place of a Russian detention.
    """
    from vigil.reference import gazetteer

    russian_law = any(a.code.startswith(("KoAP", "UK")) for a in analysis.articles)
    found = []
    for mention in _mine(analysis, plan, analysis.places):
        before = analysis.text[max(0, mention.start - 24) : mention.start]
        if mention.adjectival or mention.place.kind == "country" or not HOME.search(before):
            continue
        if russian_law and gazetteer.country_of(mention.place).code != "RU":
            continue
        if any(s <= mention.start < e for s, e in analysis.source_spans):
            continue
        found.append(mention)
    return found


def _date(
    analysis: Analysis, plan: Plan, act_units: set[int], values: dict[str, Any], evidence: dict[str, list[Evidence]]
) -> None:
    if plan.year_only:
        # A clause-level event before the dated one: only its year is certain.
        in_acts = [d for d in analysis.dates if analysis.unit_of(d.start) in plan.units]
        pool = in_acts
    else:
        in_acts = _mine(analysis, plan, analysis.dates, act_units)
        pool = in_acts or _mine(analysis, plan, analysis.dates)
    best = dates.earliest_event_date(pool)
    values["date_start"] = (best.value[:4] if plan.year_only else best.value) if best else None
    evidence["date_start"] = [_ev(best, best.confidence if in_acts else best.confidence - 0.2)] if best else []


def _people(
    analysis: Analysis, plan: Plan, act_units: set[int], values: dict[str, Any], evidence: dict[str, list[Evidence]]
) -> None:
    words = _word_clusters(analysis)
    ages: list[int] = []
    age_ev: list[Evidence] = []
    for age in _mine(analysis, plan, analysis.ages):
        owner = age_owner(analysis, words, age.name)
        if plan.kind == "pattern" or (owner and plan.person and owner != plan.person):
            continue
        if age.age not in ages:
            ages.append(age.age)
            age_ev.append(_ev(age, 0.8))
    if plan.age is not None:  # one of a pair told apart by age
        kept = [i for i, value in enumerate(ages) if value == plan.age]
        ages, age_ev = [plan.age], [age_ev[i] for i in kept]
    citizenship: list[str] = []
    cit_ev: list[Evidence] = []
    for mention in _mine(analysis, plan, analysis.citizenship):
        owner = citizenship_owner(analysis, mention.start, mention.end)
        if plan.kind == "pattern" or (owner and plan.person and owner != plan.person):
            continue
        if plan.age is not None and _nearest_age(analysis, mention.start) not in (None, plan.age):
            continue  # "... and her friend, a 25-year-old citizen of Belarus": the other one's
        if mention.country not in citizenship:
            citizenship.append(mention.country)
            cit_ev.append(_ev(mention, 0.8))
    victims: int | None = None
    if plan.group:
        counts = _mine(analysis, plan, analysis.counts, act_units) or _mine(analysis, plan, analysis.counts)
        victims = max((c.count for c in counts), default=None)
        ages, age_ev, citizenship, cit_ev = [], [], [], []
        if counts:
            evidence["victims"] = [_ev(max(counts, key=lambda c: c.count), 0.6)]
    elif plan.kind == "person":
        counts = [c for c in _mine(analysis, plan, analysis.counts, act_units) if not _agents_count(analysis, c)]
        victims = max((c.count for c in counts), default=1) if not plan.person and plan.age is None else 1
        joint = {a.age for a in _mine(analysis, plan, analysis.ages) if a.joint}
        if len(joint) > victims and plan.age is None:
            victims = len(joint)  # "two men, aged 25 and 29" counted by their ages
        if len(ages) == 1 and victims > 1:
            # "Two men say they were ambushed ... The first man, a 38-year-old": the incident follows one of them
            victims, counts = 1, []
        if counts and not plan.person:
            evidence["victims"] = [_ev(max(counts, key=lambda c: c.count), 0.6)]
    values.update(victims=victims, victim_ages=ages, victim_citizenship=citizenship)
    evidence["victim_ages"] = age_ev
    evidence["victim_citizenship"] = cit_ev


def _nearest_age(analysis: Analysis, position: int) -> int | None:
    """The age mentioned nearest to a position in its sentence, if any."""
    unit = analysis.unit_of(position)
    here = [a for a in analysis.ages if analysis.unit_of(a.start) == unit]
    return min(here, key=lambda a: abs(a.start - position)).age if here else None
