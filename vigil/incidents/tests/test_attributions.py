"""Linking a source to a field of an incident or of an act on the incident page, with a credibility grade, and
showing which sources support which field."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.accounts.models import Team, User
from vigil.audit.models import AuditEntry
from vigil.incidents.models import Attribution
from vigil.incidents.tests.helpers import make_act, make_incident, make_source
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


def test_a_source_is_linked_to_an_act_field_and_shown_in_the_table(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident)
    source = make_source(caseworker, incident, label="Lawyer of R.")
    client = login_as(Client(), caseworker)
    page = client.get(f"/incidents/{incident.uid}/", secure=True).content.decode()
    assert 'data-testid="attribution-form"' in page and f'value="{act.pk}:act_type"' in page
    form = {"source": str(source.pk), "field": f"{act.pk}:act_type", "credibility": "2"}
    response = client.post(f"/incidents/{incident.uid}/attributions/new/", form, secure=True)
    assert response.status_code == 302
    attribution = Attribution.objects.get(act=act)
    assert (attribution.field, attribution.credibility) == ("act_type", "2")
    entry = AuditEntry.objects.order_by("-index").first()
    assert entry is not None and (entry.action, entry.object_id, entry.fields) == (
        "source.attribute",
        str(act.pk),
        ["act_type"],
    )
    page = client.get(f"/incidents/{incident.uid}/", secure=True).content.decode()
    assert "Act type: Lawyer of R. (B2)" in page


def test_a_source_is_linked_to_an_incident_field_and_a_repeat_writes_nothing(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    source = make_source(caseworker, incident)
    client = login_as(Client(), caseworker)
    url = f"/incidents/{incident.uid}/attributions/new/"
    form = {"source": str(source.pk), "field": "incident:start", "credibility": "3"}
    assert client.post(url, form, secure=True).status_code == 302
    before = AuditEntry.objects.count()
    assert client.post(url, form, secure=True).status_code == 302
    assert AuditEntry.objects.count() == before
    page = client.get(f"/incidents/{incident.uid}/", secure=True).content.decode()
    assert "Start: Local news site (B3)" in page


def test_unknown_fields_grades_and_foreign_sources_are_refused(
    caseworker: User, outsider: User, team: Team, other_team: Team
) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident)
    source = make_source(caseworker, incident)
    other = make_incident(caseworker, team, title="Other")
    foreign = make_source(caseworker, other)
    client = login_as(Client(), caseworker)
    url = f"/incidents/{incident.uid}/attributions/new/"
    for form in (
        {"source": str(source.pk), "field": f"{act.pk}:title", "credibility": "2"},
        {"source": str(source.pk), "field": "incident:act_type", "credibility": "2"},
        {"source": str(source.pk), "field": "incident:title", "credibility": "9"},
        {"source": str(foreign.pk), "field": "incident:title", "credibility": "2"},
    ):
        assert client.post(url, form, secure=True).status_code == 200, form
    form = {"source": str(source.pk), "field": "incident:title", "credibility": "2"}
    assert login_as(Client(), outsider).post(url, form, secure=True).status_code == 404
    assert not Attribution.objects.filter(field__in=["title", "act_type"]).exists()
