"""The incident pages through the test client: forms validate against the vocabularies, outsiders get 404."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.accounts.models import Team, User
from vigil.audit.models import AuditEntry
from vigil.incidents.actions import do_create_person
from vigil.incidents.models import Incident
from vigil.incidents.tests.helpers import make_act, make_incident
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


def test_creating_an_incident_through_the_form(caseworker: User, team: Team) -> None:
    client = login_as(Client(), caseworker)
    response = client.post(
        "/incidents/new/",
        {
            "team": team.pk,
            "title": "Raid",
            "place": "RU-DA",
            "start": "2025-03",
            "confidentiality": "team",
            "verification": "V1",
        },
        secure=True,
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.uid}/"
    page = client.get(f"/incidents/{incident.uid}/", secure=True).content.decode()
    assert "Raid" in page and "March 2025" in page


def test_a_bad_date_in_the_form_is_shown_and_nothing_saved(caseworker: User, team: Team) -> None:
    client = login_as(Client(), caseworker)
    response = client.post(
        "/incidents/new/",
        {"team": team.pk, "title": "Raid", "start": "March", "confidentiality": "team", "verification": "V1"},
        secure=True,
    )
    assert response.status_code == 200 and "is not a date" in response.content.decode()
    assert Incident.objects.count() == 0


def test_search_is_posted_and_finds_the_incident(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team, title="Облава в кафе")
    make_act(caseworker, incident, act_type="beating")
    make_incident(caseworker, team, title="Unrelated headline")
    client = login_as(Client(), caseworker)
    page = client.post("/incidents/", {"q": "облава", "act_type": "physical_violence", "place": "RU-DA"}, secure=True)
    body = page.content.decode()
    assert "Облава в кафе" in body and "Unrelated headline" not in body


def test_an_outsider_gets_not_found(caseworker: User, outsider: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    client = login_as(Client(), outsider)
    assert client.get(f"/incidents/{incident.uid}/", secure=True).status_code == 404
    assert (
        "staged date in Makhachkala" not in client.post("/incidents/", {"q": "detention"}, secure=True).content.decode()
    )


def test_the_person_page_shows_identity_only_on_request_and_audits_it(
    unsealed_vault: str, caseworker: User, colleague: User, team: Team
) -> None:
    person = do_create_person(actor=caseworker, team=team, values={"pseudonym": "R."}, identity={"name": "Рамзан"})
    client = login_as(Client(), caseworker)
    assert "Рамзан" not in client.get(f"/incidents/people/{person.pk}/", secure=True).content.decode()
    before = AuditEntry.objects.filter(action="person.read_identity").count()
    assert "Рамзан" in client.post(f"/incidents/people/{person.pk}/", secure=True).content.decode()
    assert AuditEntry.objects.filter(action="person.read_identity").count() == before + 1
    documenter = login_as(Client(), colleague)
    assert "Рамзан" not in documenter.post(f"/incidents/people/{person.pk}/", secure=True).content.decode()


def test_an_upload_over_the_limit_is_refused_with_a_clear_message_and_nothing_stored(
    unsealed_vault: str, caseworker: User, team: Team, settings: object
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vigil.incidents.models import Evidence
    from vigil.vault.files import file_store

    settings.MAX_UPLOAD_BYTES = 4096  # type: ignore[attr-defined]
    incident = make_incident(caseworker, team)
    client = login_as(Client(), caseworker)
    url = f"/incidents/{incident.uid}/evidence/new/"
    big = SimpleUploadedFile("photo.jpg", b"x" * 10_000, content_type="image/jpeg")
    response = client.post(url, {"file": big}, secure=True)
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert Evidence.objects.count() == 0 and list(file_store().iter_addresses()) == []
    small = SimpleUploadedFile("photo.jpg", b"y" * 1000, content_type="image/jpeg")
    assert client.post(url, {"file": small}, secure=True).status_code == 302
    assert Evidence.objects.get().size == 1000
