"""Finding the known incidents a draft may duplicate, among those the reviewer may see.

Retrieval is narrow on purpose: only incidents of the draft's region (or country) whose start lies within the
draft's period widened by the tolerance are scored, using the incidents' (region_code, start_date) index, so the
draft page stays fast with tens of thousands of incidents. A draft with neither place nor date is compared with
nothing: every incident would be a candidate and none a convincing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q

from vigil.incidents import vocab
from vigil.incidents.access import visible_incidents
from vigil.incidents.models import Incident, PersonKind
from vigil.monitoring.duplicates import Facts, Score, facts_from_values, period_of, score, widen
from vigil.monitoring.models import Draft
from vigil.monitoring.promotion import _codes
from vigil.monitoring.review import SPECS, display

POOL = 100
SHOWN = 3
MIN_SHOWN_SCORE = 0.35
# Report texts of drafts already linked to an incident that are compared with the new draft's text.
TEXTS_PER_INCIDENT = 3


@dataclass(frozen=True)
class Difference:
    label: str
    draft: str
    incident: str
    same: bool


@dataclass(frozen=True)
class Candidate:
    incident: Incident
    score: Score
    differences: list[Difference]


def incident_period(incident: Incident) -> tuple[Any, Any] | None:
    start = incident.start
    if start.value is None:
        return None
    low_high = period_of(start.text().lstrip("~"))
    if low_high is None:
        return None
    low, high = low_high
    if start.precision == "estimate":
        low, high = low - timedelta(days=365), high + timedelta(days=365)
    end = incident.end
    end_period = period_of(end.text().lstrip("~")) if end.value is not None else None
    return (low, max(high, end_period[1]) if end_period else high)


def incident_facts(incident: Incident) -> Facts:
    victims = [act.victim for act in incident.acts.all() if act.victim is not None]
    unique = {person.pk: person for person in victims}.values()
    count = sum((person.count_best or 1) if person.kind == PersonKind.GROUP else 1 for person in unique)
    texts = [incident.title, incident.summary]
    for draft in Draft.objects.filter(incident=incident).select_related("report")[:TEXTS_PER_INCIDENT]:
        texts.append(draft.report.text)
    return Facts(
        city=incident.place_code if "/" in incident.place_code else None,
        region=incident.region_code or None,
        country=incident.country_code or None,
        period=incident_period(incident),
        age_bands=frozenset(person.age_band for person in unique if person.age_band),
        citizenship=frozenset(person.citizenship for person in unique if person.citizenship),
        victims=count or None,
        text="\n".join(text for text in texts if text),
    )


def retrieve(user: Any, facts: Facts) -> list[Incident]:
    """At most POOL visible incidents that could be the same event: same region or country, period nearby."""
    if not (facts.region or facts.country or facts.period):
        return []
    incidents = visible_incidents(user)
    if facts.region:
        incidents = incidents.filter(region_code=facts.region)
    elif facts.country:
        incidents = incidents.filter(country_code=facts.country)
    if facts.period:
        low, high = widen(facts.period)
        # An incident known only to the year starts on 1 January: reach back a year so it is not missed.
        incidents = incidents.filter(
            Q(start_date__range=(low - timedelta(days=366), high)) | Q(start_date__isnull=True)
        )
    return list(incidents.order_by("-start_date", "-id")[:POOL])


def differences(values: dict[str, Any], incident: Incident) -> list[Difference]:
    draft_acts = {vocab.label(vocab.ACT_TYPES, code) for code in _codes(vocab.ACT_TYPES, values.get("acts"))}
    incident_acts = {vocab.label(vocab.ACT_TYPES, code) for code in incident.acts.values_list("act_type", flat=True)}
    draft_place = display(values.get("city") or values.get("region") or values.get("country"))
    incident_place = vocab.place_name(incident.place_code)
    draft_date = display(values.get("date_start"))
    incident_date = incident.start.text()
    rows = [
        Difference(str(SPECS["city"].label), draft_place, incident_place, draft_place == incident_place),
        Difference(str(SPECS["date_start"].label), draft_date, incident_date, draft_date == incident_date),
        Difference(
            str(SPECS["acts"].label),
            ", ".join(sorted(draft_acts)),
            ", ".join(sorted(incident_acts)),
            draft_acts <= incident_acts,
        ),
    ]
    return rows


def duplicate_candidates(user: Any, values: dict[str, Any], text: str) -> list[Candidate]:
    """The best few visible incidents this draft may duplicate, best first, each with its differing fields."""
    facts = facts_from_values(values, text)
    scored = [(score(facts, incident_facts(incident)), incident) for incident in retrieve(user, facts)]
    scored = [(result, incident) for result, incident in scored if result.total >= MIN_SHOWN_SCORE]
    scored.sort(key=lambda pair: (-pair[0].total, -pair[1].pk))
    return [Candidate(incident, result, differences(values, incident)) for result, incident in scored[:SHOWN]]
