"""The incidents API: list with filters and pages, read, create, update; outsiders get 404."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from vigil.accounts.actions import do_create_api_token
from vigil.accounts.models import Team, User
from vigil.incidents.tests.helpers import make_act, make_incident

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_token(user=user, label='test')}")


def test_a_member_creates_lists_filters_and_updates_incidents(caseworker: User, team: Team) -> None:
    client = api(caseworker)
    created = client.post(
        "/api/incidents",
        json.dumps({"team": "North", "title": "Raid on a café", "place": "RU-DA", "start": "2025-03"}),
        content_type="application/json",
        secure=True,
    )
    assert created.status_code == 201, created.content
    incident_id = created.json()["id"]
    act = client.post(
        f"/api/incidents/{incident_id}/acts",
        json.dumps({"act_type": "beating", "perpetrators": [{"type": "police"}], "articles": ["KoAP 19.3"]}),
        content_type="application/json",
        secure=True,
    )
    assert act.status_code == 201 and act.json()["articles"] == ["KoAP 19.3"]
    listed = client.post(
        "/api/incidents/search",
        json.dumps({"q": "café", "act_type": "physical_violence"}),
        content_type="application/json",
        secure=True,
    ).json()
    assert listed["count"] == 1 and listed["items"][0]["start"] == "2025-03"
    assert client.get("/api/incidents", {"act_type": "physical_violence"}, secure=True).json()["count"] == 1
    # Words never travel in a URL: the list ignores a `q` parameter rather than searching by it.
    assert client.get("/api/incidents", {"q": "no-such-word-anywhere"}, secure=True).json()["count"] == 1
    assert client.get("/api/incidents", {"perpetrator": "fsb"}, secure=True).json()["count"] == 0
    patched = client.patch(
        f"/api/incidents/{incident_id}",
        json.dumps({"verification": "V2"}),
        content_type="application/json",
        secure=True,
    )
    assert patched.json()["verification"] == "V2"


def test_an_unknown_code_answers_422_listing_the_allowed_values(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    response = api(caseworker).post(
        f"/api/incidents/{incident.uid}/acts",
        json.dumps({"act_type": "hooliganism"}),
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 422 and "entrapment" in response.content.decode()


def test_an_outsider_gets_404_and_an_empty_list(caseworker: User, outsider: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident)
    client = api(outsider)
    assert client.get(f"/api/incidents/{incident.uid}", secure=True).status_code == 404
    assert client.get(f"/api/acts/{act.pk}", secure=True).status_code == 404
    assert (
        client.patch(
            f"/api/incidents/{incident.uid}", json.dumps({"title": "x"}), content_type="application/json", secure=True
        ).status_code
        == 404
    )
    assert client.get("/api/incidents", secure=True).json()["count"] == 0
