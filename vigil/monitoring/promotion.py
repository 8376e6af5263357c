"""From a reviewed draft to the documentation core: the incidents app's actions, with the report as the source.

Why a module of its own: this is the one seam between monitoring and `vigil.incidents`. The pipeline speaks the
samples contract (coarse export codes such as `arbitrary_detention`, place names, "YYYY-MM" dates); incidents speak
vocabulary codes, gazetteer codes and uncertain dates. Everything is written through `vigil.incidents.actions`, so
vocabulary checks, team checks and audit entries are theirs. Nothing identifying is copied into plain columns: the
title is made of codes, the report's words stay in the sealed report the draft links to.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.incidents import vocab
from vigil.incidents.actions import PerpetratorInput, do_add_act, do_add_source, do_attribute, do_create_person
from vigil.incidents.models import Degree, Incident, Person, PersonKind, Source
from vigil.monitoring.duplicates import age_band, country_code, place_codes
from vigil.monitoring.models import Draft, Report, ReportKind

SOURCE_TYPE_BY_KIND = {
    ReportKind.TELEGRAM: "telegram_channel",
    ReportKind.RSS: "media",
    ReportKind.HTML: "media",
    ReportKind.CSV: "media",
    # A file handed to a documenter: who wrote it is not known, so it is vetted like an anonymous report.
    ReportKind.PLAIN: "anonymous_report",
}
# Acts whose proceedings invoke the legal articles of a report.
PROCEEDINGS = ("administrative_arrest", "criminal_prosecution", "fine", "administrative_case", "threat_of_prosecution")


def vocabulary_code(name: str, code: str) -> str | None:
    """The vocabulary's code for a pipeline code: itself, or the broadest term exporting it; None if unknown."""
    vocabulary = vocab.vocabulary(name)
    if code in vocabulary:
        return code
    terms = vocabulary.terms_exporting(code)
    if not terms:
        return None
    return min(terms, key=lambda term: len(vocabulary.ancestors(term.code))).code


def _codes(name: str, values: Any) -> list[str]:
    found = [vocabulary_code(name, str(value)) for value in values or ()]
    return list(dict.fromkeys(code for code in found if code))


def place_of(values: Mapping[str, Any]) -> str:
    city, region, country = place_codes(values.get("city"), values.get("region"), values.get("country"))
    return city or region or country or ""


def incident_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Input for `do_create_incident`: title made of codes (no names), place, start, outcome."""
    acts = _codes(vocab.ACT_TYPES, values.get("acts"))
    outcomes = [code for code in _codes(vocab.OUTCOMES, values.get("outcome")) if code != "unknown"]
    place = place_of(values)
    what = vocab.label(vocab.ACT_TYPES, acts[0]) if acts else _("Incident")
    where = values.get("city") or values.get("region") or values.get("country") or ""
    when = values.get("date_start") or ""
    title = " — ".join(part for part in (what, str(where), str(when)) if part)
    return {
        "title": title[:300],
        "place": place,
        "start": str(when),
        "outcome": outcomes[0] if outcomes else "",
    }


# Only these kinds of report come from a public publisher whose name and link may stand in a plain source label.
PUBLIC_KINDS = frozenset({ReportKind.RSS, ReportKind.HTML})


def source_values(report: Report) -> dict[str, Any]:
    """The incident's source for an accepted report, carrying nothing from the sealed provenance that may name a person.

    A Telegram export's chat name can be a private person (a personal chat) and a forwarder is a person: neither may
    leave the vault as a plain label. Only a public feed's publisher and link do.
    """
    provenance = report.provenance or {}
    kind = ReportKind(report.kind)
    public = kind in PUBLIC_KINDS
    label = str(provenance.get("publisher") or "") if public else ""
    return {
        "source_type": SOURCE_TYPE_BY_KIND.get(kind, "anonymous_report"),
        "label": (label or _("Report received through monitoring"))[:200],
        "url": str(provenance.get("link") or "")[:500] if public else "",
        "received_on": report.reference_date,
    }


def victim_values(values: Mapping[str, Any], draft: Draft) -> dict[str, Any] | None:
    """A pseudonymous victim record with minimal attributes (age band, citizenship, count), or None if unknown."""
    count = values.get("victims")
    ages = [age for age in values.get("victim_ages") or () if isinstance(age, int)]
    citizenship = [country_code(str(name)) for name in values.get("victim_citizenship") or ()]
    if not count and not ages and not any(citizenship):
        return None
    group = isinstance(count, int) and count > 1
    # Translators: the pseudonym of a victim created from a monitoring draft; %(ref)s is a short reference
    pseudonym = _("Victim (monitoring %(ref)s)") % {"ref": str(draft.pk)[:8]}
    return {
        "pseudonym": pseudonym,
        "kind": PersonKind.GROUP if group else PersonKind.INDIVIDUAL,
        "count_best": count if group else None,
        "age_band": age_band(ages[0]) if len(ages) == 1 and not group else "",
        "citizenship": next((code for code in citizenship if code), "") if len(set(citizenship)) == 1 else "",
    }


def add_acts(
    *, actor: User, incident: Incident, values: Mapping[str, Any], victim: Person | None, skip: Collection[str] = ()
) -> list[str]:
    """Add one act per act type not in `skip`; returns the act types added."""
    acts = [code for code in _codes(vocab.ACT_TYPES, values.get("acts")) if code not in skip]
    perpetrators = [
        # The pipeline does not know who did which act: the degree of involvement stays unknown.
        PerpetratorInput(perpetrator_type=code, degree=Degree.UNKNOWN)
        for code in _codes(vocab.PERPETRATOR_TYPES, values.get("perpetrators"))
    ]
    articles = [str(code) for code in values.get("legal_articles") or ()]
    with_articles = next((code for code in acts if code in PROCEEDINGS), acts[0] if acts else None)
    place = place_of(values)
    for code in acts:
        do_add_act(
            actor=actor,
            incident=incident,
            values={
                "act_type": code,
                "place": place,
                "start": values.get("date_start") or "",
                "articles": articles if code == with_articles else [],
            },
            victim=victim,
            perpetrators=perpetrators,
        )
    return acts


def add_report_source(*, actor: User, incident: Incident, report: Report) -> Source:
    source = do_add_source(actor=actor, incident=incident, values=source_values(report))
    do_attribute(actor=actor, source=source)
    return source


def create_victim(*, actor: User, incident: Incident, values: Mapping[str, Any], draft: Draft) -> Person | None:
    person_values = victim_values(values, draft)
    if person_values is None:
        return None
    return do_create_person(actor=actor, team=incident.team, values=person_values)
