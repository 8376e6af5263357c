"""What a published incident shows to someone outside its team: the facts, not the team's records."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from vigil.accounts.models import Team, User
from vigil.audit.models import AuditEntry
from vigil.incidents.actions import do_add_evidence, do_create_person
from vigil.incidents.models import Evidence, Incident
from vigil.incidents.tests.helpers import make_act, make_incident
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(coordinator: User, team: Team) -> Incident:
    incident = make_incident(coordinator, team, title="Published round-up", confidentiality="public")
    victim = do_create_person(actor=coordinator, team=team, values={"pseudonym": "Witness K."})
    make_act(coordinator, incident, victim=victim)
    return incident


def test_an_outsider_reads_a_published_incident_without_its_victim_record(published: Incident, outsider: User) -> None:
    page = login_as(Client(), outsider).get(f"/incidents/{published.uid}/", secure=True)
    assert page.status_code == 200
    assert "Witness K." not in page.content.decode()
    acts = login_as(Client(), outsider).get(f"/api/incidents/{published.uid}/acts", secure=True).json()
    assert [act["victim"] for act in acts["items"]] == [None]


def test_the_owning_team_sees_the_victim(published: Incident, caseworker: User) -> None:
    page = login_as(Client(), caseworker).get(f"/incidents/{published.uid}/", secure=True)
    assert "Witness K." in page.content.decode()


def test_every_opening_of_an_incident_is_audited(published: Incident, outsider: User) -> None:
    before = AuditEntry.objects.filter(action="incident.read").count()
    login_as(Client(), outsider).get(f"/incidents/{published.uid}/", secure=True)
    login_as(Client(), outsider).get(f"/api/incidents/{published.uid}", secure=True)
    assert AuditEntry.objects.filter(action="incident.read").count() == before + 2


def test_the_manifest_naming_who_received_a_file_is_for_the_team_only(
    published: Incident, coordinator: User, outsider: User, unsealed_vault: str
) -> None:
    do_add_evidence(actor=coordinator, incident=published, stream=io.BytesIO(b"photo"), media_type="image/jpeg")
    evidence = Evidence.objects.get()
    url = f"/incidents/evidence/{evidence.pk}/manifest/"
    assert login_as(Client(), outsider).get(url, secure=True).status_code == 404
    assert login_as(Client(), coordinator).get(url, secure=True).status_code == 200


def test_an_upload_to_an_incident_one_may_not_change_is_refused_before_the_body_is_read(
    published: Incident, outsider: User
) -> None:
    big = io.BytesIO(b"x" * 3_000_000)
    big.name = "big.jpg"
    client = login_as(Client(), outsider)
    response = client.post(f"/incidents/{published.uid}/evidence/new/", {"file": big}, secure=True)
    assert response.status_code == 404
