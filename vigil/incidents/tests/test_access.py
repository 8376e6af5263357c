"""Who sees which incident: the owner team, not outsiders, viewers only published ones, nobody after duress."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from vigil.accounts.actions import do_trigger_duress
from vigil.accounts.models import Team, User
from vigil.incidents.access import access_act, access_incident, access_person, visible_incidents
from vigil.incidents.actions import do_create_person, do_update_incident
from vigil.incidents.tests.helpers import make_act, make_incident

pytestmark = pytest.mark.django_db


def test_the_owner_team_sees_its_incident(caseworker: User, colleague: User, coordinator: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    for user in (caseworker, colleague, coordinator):
        assert access_incident(user, incident.uid) == incident


def test_an_outsider_gets_not_found_exactly_like_a_missing_incident(
    caseworker: User, outsider: User, team: Team
) -> None:
    incident = make_incident(caseworker, team)
    with pytest.raises(Http404):
        access_incident(outsider, incident.uid)
    with pytest.raises(Http404):
        access_incident(outsider, uuid.uuid4())
    with pytest.raises(Http404):
        access_incident(caseworker, "not-a-uuid")
    assert list(visible_incidents(outsider)) == []
    with pytest.raises(Http404):
        access_incident(outsider, incident.pk)
    assert access_incident(caseworker, incident.pk) == incident


def test_a_viewer_sees_only_published_incidents(
    caseworker: User, coordinator: User, viewer: User, outsider: User, team: Team
) -> None:
    unpublished = make_incident(caseworker, team)
    published = make_incident(coordinator, team, title="Published report", confidentiality="public")
    assert list(visible_incidents(viewer)) == [published]
    with pytest.raises(Http404):
        access_incident(viewer, unpublished.uid)
    assert access_incident(outsider, published.uid) == published


def test_someone_who_may_only_read_a_published_incident_cannot_change_it(
    coordinator: User, outsider: User, team: Team
) -> None:
    published = make_incident(coordinator, team, confidentiality="public")
    with pytest.raises(PermissionDenied):
        access_incident(outsider, published.uid, for_update=True)
    with pytest.raises(PermissionDenied):
        do_update_incident(actor=outsider, incident=published, values={"title": "Changed"})


def test_a_restricted_incident_is_seen_by_its_creator_and_the_coordinator_only(
    caseworker: User, colleague: User, coordinator: User, team: Team
) -> None:
    incident = make_incident(caseworker, team, confidentiality="restricted")
    assert access_incident(caseworker, incident.uid) == incident
    assert access_incident(coordinator, incident.uid) == incident
    with pytest.raises(Http404):
        access_incident(colleague, incident.uid)


def test_a_user_whose_access_was_revoked_sees_nothing(
    caseworker: User, coordinator: User, colleague: User, team: Team
) -> None:
    incident = make_incident(coordinator, team, confidentiality="public")
    act = make_act(caseworker, incident)
    do_trigger_duress(user=colleague)
    assert list(visible_incidents(colleague)) == []
    with pytest.raises(Http404):
        access_act(colleague, act.pk)


def test_people_are_team_records_hidden_from_outsiders_and_viewers(
    caseworker: User, outsider: User, viewer: User, team: Team
) -> None:
    person = do_create_person(actor=caseworker, team=team, values={"pseudonym": "A."})
    assert access_person(caseworker, person.pk) == person
    for user in (outsider, viewer):
        with pytest.raises(Http404):
            access_person(user, person.pk)
    with pytest.raises(Http404):
        access_person(caseworker, "1; drop table")


def test_only_a_coordinator_publishes_or_changes_who_may_see_an_incident(
    caseworker: User, coordinator: User, outsider: User, team: Team
) -> None:
    with pytest.raises(PermissionDenied):
        make_incident(caseworker, team, confidentiality="public")
    incident = make_incident(caseworker, team)
    for confidentiality in ("public", "restricted"):
        with pytest.raises(PermissionDenied):
            do_update_incident(actor=caseworker, incident=incident, values={"confidentiality": confidentiality})
    with pytest.raises(Http404):
        access_incident(outsider, incident.uid)
    do_update_incident(actor=coordinator, incident=incident, values={"confidentiality": "public"})
    assert access_incident(outsider, incident.uid) == incident
