"""Chains of events on the incident page: link by id or by a posted search, shown from both ends."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.accounts.models import Role, Team, User
from vigil.audit.models import AuditEntry
from vigil.incidents.models import IncidentLink
from vigil.incidents.tests.helpers import make_incident
from vigil.testing.fixtures import login_as, make_user

pytestmark = pytest.mark.django_db


def test_an_incident_is_linked_by_id_and_the_link_shows_both_ways(caseworker: User, team: Team) -> None:
    arrest = make_incident(caseworker, team, title="Arrest at the café")
    hearing = make_incident(caseworker, team, title="Court hearing")
    client = login_as(Client(), caseworker)
    url = f"/incidents/{arrest.uid}/links/new/"
    assert client.post(url, {"kind": "followed_by", "to": str(hearing.uid)}, secure=True).status_code == 302
    assert IncidentLink.objects.get().to_incident == hearing
    entry = AuditEntry.objects.order_by("-index").first()
    assert entry is not None and entry.action == "incident.link"
    before = AuditEntry.objects.count()
    assert client.post(url, {"kind": "followed_by", "to": str(hearing.uid)}, secure=True).status_code == 302
    assert AuditEntry.objects.count() == before and IncidentLink.objects.count() == 1
    assert "Was followed by" in client.get(f"/incidents/{arrest.uid}/", secure=True).content.decode()
    page = client.get(f"/incidents/{hearing.uid}/", secure=True).content.decode()
    assert "Came after" in page and "Arrest at the café" in page


def test_an_incident_is_found_by_words_and_picked(caseworker: User, team: Team) -> None:
    arrest = make_incident(caseworker, team, title="Arrest at the café")
    hearing = make_incident(caseworker, team, title="Court hearing in Makhachkala")
    client = login_as(Client(), caseworker)
    url = f"/incidents/{arrest.uid}/links/new/"
    page = client.post(url, {"kind": "caused", "q": "court", "find": "1"}, secure=True).content.decode()
    assert f'value="{hearing.uid}"' in page and f'name="pick" value="{arrest.uid}"' not in page
    response = client.post(url, {"kind": "caused", "q": "court", "pick": str(hearing.uid)}, secure=True)
    assert response.status_code == 302
    assert IncidentLink.objects.get().kind == "caused"


def test_an_incident_nobody_may_see_cannot_be_linked_or_found(
    caseworker: User, outsider: User, team: Team, other_team: Team
) -> None:
    mine = make_incident(caseworker, team)
    theirs = make_incident(outsider, other_team, title="Hidden hearing")
    client = login_as(Client(), caseworker)
    url = f"/incidents/{mine.uid}/links/new/"
    response = client.post(url, {"kind": "related", "to": str(theirs.uid)}, secure=True)
    assert response.status_code == 200 and "no incident with this id" in response.content.decode()
    page = client.post(url, {"kind": "related", "q": "hidden", "find": "1"}, secure=True).content.decode()
    assert "Hidden hearing" not in page
    assert client.post(url, {"kind": "related", "to": str(mine.uid)}, secure=True).status_code == 200
    assert not IncidentLink.objects.exists()


def test_a_published_incident_of_another_team_can_be_linked_to_and_the_link_is_hidden_from_them(
    caseworker: User, outsider: User, team: Team, other_team: Team
) -> None:
    mine = make_incident(caseworker, team, title="Our team-only incident")
    their_coordinator = make_user("their-coordinator", Role.COORDINATOR, [other_team])
    published = make_incident(their_coordinator, other_team, title="Published raid", confidentiality="public")
    client = login_as(Client(), caseworker)
    response = client.post(
        f"/incidents/{mine.uid}/links/new/", {"kind": "related", "to": str(published.uid)}, secure=True
    )
    assert response.status_code == 302
    page = login_as(Client(), outsider).get(f"/incidents/{published.uid}/", secure=True).content.decode()
    assert "Our team-only incident" not in page
