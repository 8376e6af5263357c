"""The write actions: vocabulary checks, changed fields only, audit entries in the same transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vigil.accounts.models import Team, User
from vigil.audit.models import AuditEntry
from vigil.incidents.actions import (
    PerpetratorInput,
    do_attribute,
    do_create_incident,
    do_create_person,
    do_link_incidents,
    do_update_act,
    do_update_incident,
)
from vigil.incidents.models import Incident
from vigil.incidents.tests.helpers import make_act, make_incident, make_source

pytestmark = pytest.mark.django_db


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-index").first()
    assert entry is not None
    return entry


def test_creating_an_incident_stores_codes_and_derived_places_and_audits_it(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team, end="2025-04")
    assert incident.place_code == "RU/makhachkala"
    assert (incident.region_code, incident.country_code) == ("RU-DA", "RU")
    assert incident.start.text() == "2025-03"
    entry = last_entry()
    assert (entry.action, entry.object_id) == ("incident.create", str(incident.pk))
    assert "title" in entry.fields and "start" in entry.fields


def test_a_place_name_is_stored_as_its_gazetteer_code(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team, place="Грозный")
    assert incident.place_code.startswith("RU/") and incident.region_code == "RU-CE"


def test_an_unknown_act_type_is_refused_with_the_allowed_values(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    with pytest.raises(ValidationError) as caught:
        make_act(caseworker, incident, act_type="hooliganism")
    message = " ".join(caught.value.message_dict["act_type"])
    assert "hooliganism" in message and "administrative_arrest" in message and "entrapment" in message


def test_every_bad_field_is_reported_at_once(caseworker: User, team: Team) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_incident(
            actor=caseworker,
            team=team,
            values={"title": "", "place": "Atlantis", "start": "2025-13", "verification": "V9", "outcome": "won"},
        )
    assert set(caught.value.message_dict) == {"title", "place", "start", "verification", "outcome"}
    assert Incident.objects.count() == 0


def test_an_end_before_the_start_is_refused(caseworker: User, team: Team) -> None:
    with pytest.raises(ValidationError):
        make_incident(caseworker, team, start="2025-03", end="2024")
    incident = make_incident(caseworker, team, start="2025-03")
    with pytest.raises(ValidationError):
        do_update_incident(actor=caseworker, incident=incident, values={"end": "2024-01-01"})


def test_an_update_saves_and_audits_only_the_fields_that_changed(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    before = AuditEntry.objects.count()
    assert do_update_incident(actor=caseworker, incident=incident, values={"title": incident.title}) == []
    assert AuditEntry.objects.count() == before
    changed = do_update_incident(actor=caseworker, incident=incident, values={"verification": "V2", "start": "2025"})
    assert changed == ["start", "verification"]
    assert last_entry().fields == ["start", "verification"]
    incident.refresh_from_db()
    assert incident.verification == "V2" and incident.start.text() == "2025"


def test_an_outsider_cannot_write_into_another_team(caseworker: User, outsider: User, team: Team) -> None:
    with pytest.raises(PermissionDenied):
        make_incident(outsider, team)
    incident = make_incident(caseworker, team)
    with pytest.raises(PermissionDenied):
        make_act(outsider, incident)


def test_a_viewer_cannot_write(viewer: User, team: Team) -> None:
    with pytest.raises(PermissionDenied):
        make_incident(viewer, team)


def test_an_act_records_victim_perpetrators_articles_and_vocabulary_version(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    victim = do_create_person(actor=caseworker, team=team, values={"pseudonym": "R."})
    act = make_act(
        caseworker,
        incident,
        victim=victim,
        articles=["коап 19.3"],
        perpetrators=[
            PerpetratorInput("centre_e", unit="Centre E, Makhachkala"),
            PerpetratorInput("police", "ordered"),
        ],
        facility_type="police_station",
        lawyer_contact_allowed=False,
    )
    assert list(act.articles.values_list("code", flat=True)) == ["KoAP 19.3"]
    assert sorted(act.involvements.values_list("perpetrator_type", flat=True)) == ["centre_e", "police"]
    assert act.vocabulary_version and act.lawyer_contact_allowed is False
    assert do_update_act(actor=caseworker, act=act, values={"articles": ["KoAP 19.3", "KoAP 20.1"]}) == ["articles"]
    with pytest.raises(ValidationError) as caught:
        do_update_act(actor=caseworker, act=act, values={"articles": ["KoAP 999"]})
    assert "KoAP 19.3" in " ".join(caught.value.messages)


def test_a_group_has_ordered_counts(caseworker: User, team: Team) -> None:
    group = do_create_person(
        actor=caseworker,
        team=team,
        values={
            "pseudonym": "Men detained at the café",
            "kind": "group",
            "count_low": 30,
            "count_best": 40,
            "count_high": 50,
        },
    )
    assert (group.count_low, group.count_best, group.count_high) == (30, 40, 50)
    with pytest.raises(ValidationError):
        do_create_person(
            actor=caseworker, team=team, values={"pseudonym": "G", "kind": "group", "count_low": 50, "count_high": 10}
        )


def test_a_source_supports_a_field_of_an_act_with_a_grade(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident)
    source = make_source(caseworker, incident)
    attribution = do_attribute(actor=caseworker, source=source, field_name="act_type", act=act, credibility="2")
    assert (attribution.field, attribution.credibility, source.reliability) == ("act_type", "2", "B")
    with pytest.raises(ValidationError):
        do_attribute(actor=caseworker, source=source, field_name="title", act=act, credibility="2")
    with pytest.raises(ValidationError):
        do_attribute(actor=caseworker, source=source, field_name="title", credibility="9")


def test_a_source_type_sets_the_default_hand(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    assert make_source(caseworker, incident, source_type="victim").hand == "first"
    assert make_source(caseworker, incident, source_type="media").hand == "second"


def test_incidents_are_chained(caseworker: User, team: Team) -> None:
    first = make_incident(caseworker, team)
    second = make_incident(caseworker, team, title="Court hearing")
    link = do_link_incidents(actor=caseworker, from_incident=first, to_incident=second, kind="followed_by")
    assert list(first.links_out.all()) == [link]
    with pytest.raises(ValidationError):
        do_link_incidents(actor=caseworker, from_incident=first, to_incident=first, kind="related")
