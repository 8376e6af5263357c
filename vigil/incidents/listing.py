"""Filtering the incident list (web UI, API and benchmark share it): place, period, act type, perpetrator, legal
article, verification and full-text words. Filters on acts use EXISTS over the (code, incident) indexes, so the
list never joins a million acts row by row; an act type includes its finer types (the vocabulary's hierarchy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from vigil.incidents import vocab
from vigil.incidents.models import Act, ActArticle, Incident, Involvement
from vigil.incidents.search import search_incidents


@dataclass(frozen=True)
class IncidentFilter:
    q: str = ""
    place: str = ""
    period_from: date | None = None
    period_to: date | None = None
    act_type: str = ""
    perpetrator: str = ""
    article: str = ""
    verification: str = ""


def _with_descendants(name: str, code: str) -> list[str]:
    vocabulary = vocab.vocabulary(name)
    if code not in vocabulary:
        return [code]
    return [code, *(term.code for term in vocabulary.descendants(code))]


def filter_incidents(queryset: QuerySet[Incident], wanted: IncidentFilter) -> QuerySet[Incident]:
    if wanted.place:
        if len(wanted.place) == 2:
            queryset = queryset.filter(country_code=wanted.place)
        elif "/" in wanted.place:
            queryset = queryset.filter(place_code=wanted.place)
        else:
            queryset = queryset.filter(region_code=wanted.place)
    if wanted.period_from:
        queryset = queryset.filter(start_date__gte=wanted.period_from)
    if wanted.period_to:
        queryset = queryset.filter(start_date__lte=wanted.period_to)
    if wanted.verification:
        queryset = queryset.filter(verification=wanted.verification)
    if wanted.act_type:
        codes = _with_descendants(vocab.ACT_TYPES, wanted.act_type)
        queryset = queryset.filter(Exists(Act.objects.filter(incident=OuterRef("pk"), act_type__in=codes)))
    if wanted.perpetrator:
        codes = _with_descendants(vocab.PERPETRATOR_TYPES, wanted.perpetrator)
        queryset = queryset.filter(
            Exists(Involvement.objects.filter(incident=OuterRef("pk"), perpetrator_type__in=codes))
        )
    if wanted.article:
        queryset = queryset.filter(Exists(ActArticle.objects.filter(incident=OuterRef("pk"), code=wanted.article)))
    if wanted.q:
        queryset = search_incidents(queryset, wanted.q)
    return queryset
