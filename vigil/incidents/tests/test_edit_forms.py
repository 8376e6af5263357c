"""Editing acts, sources and people through the pages: prefilled, checked against the vocabularies like the create
forms, only what changed is written and audited; a person's sealed identity is edited only by those who may read it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from vigil.accounts.models import Team, User
from vigil.audit.models import AuditEntry
from vigil.incidents.actions import do_create_person
from vigil.incidents.models import Act, Person, Source
from vigil.incidents.tests.helpers import make_act, make_incident, make_source
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-index").first()
    assert entry is not None
    return entry


def act_form(act: Act, **changes: Any) -> dict[str, Any]:
    values = {
        "act_type": act.act_type,
        "victim": str(act.victim_id or ""),
        "start": act.start.text(),
        "end": act.end.text(),
        "place": act.place_code,
        "place_detail": act.place_detail,
        "facility_type": act.facility_type,
        "articles": ", ".join(act.articles.values_list("code", flat=True)),
        "degree": "",
    }
    values.update(changes)
    return values


def test_the_act_form_is_prefilled_and_linked_from_the_incident(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident, articles=["KoAP 19.3"], capture_acknowledged=False)
    client = login_as(Client(), caseworker)
    assert f"/incidents/acts/{act.pk}/edit/" in client.get(f"/incidents/{incident.uid}/", secure=True).content.decode()
    page = client.get(f"/incidents/acts/{act.pk}/edit/", secure=True).content.decode()
    assert '<option value="administrative_arrest" selected>' in page
    assert 'value="KoAP 19.3"' in page and 'value="2025-03-14"' in page
    assert '<option value="no" selected>' in page


def test_editing_an_act_writes_only_what_changed_and_audits_it(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident)
    victim = do_create_person(actor=caseworker, team=team, values={"pseudonym": "R."})
    client = login_as(Client(), caseworker)
    url = f"/incidents/acts/{act.pk}/edit/"
    response = client.post(url, act_form(act, act_type="beating", victim=str(victim.pk)), secure=True)
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.uid}/"
    act.refresh_from_db()
    assert (act.act_type, act.victim_id, act.start.text()) == ("beating", victim.pk, "2025-03-14")
    entry = last_entry()
    assert (entry.action, entry.object_id, entry.fields) == ("act.update", str(act.pk), ["act_type", "victim"])
    before = AuditEntry.objects.count()
    assert client.post(url, act_form(act), secure=True).status_code == 302
    assert AuditEntry.objects.count() == before


def test_an_act_edit_refuses_an_unknown_code_and_saves_nothing(caseworker: User, team: Team) -> None:
    act = make_act(caseworker, make_incident(caseworker, team))
    client = login_as(Client(), caseworker)
    url = f"/incidents/acts/{act.pk}/edit/"
    response = client.post(url, act_form(act, act_type="hooliganism"), secure=True)
    assert response.status_code == 200 and "hooliganism" in response.content.decode()
    response = client.post(url, act_form(act, articles="KoAP 999"), secure=True)
    assert response.status_code == 200 and "KoAP 19.3" in response.content.decode()
    act.refresh_from_db()
    assert act.act_type == "administrative_arrest" and not act.articles.exists()


def test_an_act_edit_can_add_a_perpetrator(caseworker: User, team: Team) -> None:
    act = make_act(caseworker, make_incident(caseworker, team))
    client = login_as(Client(), caseworker)
    form = act_form(act, perpetrator_type="centre_e", degree="ordered", unit="Centre E")
    assert client.post(f"/incidents/acts/{act.pk}/edit/", form, secure=True).status_code == 302
    assert sorted(act.involvements.values_list("perpetrator_type", flat=True)) == ["centre_e", "police"]


def test_editing_a_source_through_its_form(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    source = make_source(caseworker, incident)
    client = login_as(Client(), caseworker)
    assert (
        f"/incidents/sources/{source.pk}/edit/"
        in client.get(f"/incidents/{incident.uid}/", secure=True).content.decode()
    )
    url = f"/incidents/sources/{source.pk}/edit/"
    page = client.get(url, secure=True).content.decode()
    assert 'value="Local news site"' in page and '<option value="B" selected>' in page
    form = {"source_type": "media", "label": "Local news site", "url": "", "hand": "second", "reliability": "D"}
    assert client.post(url, {**form, "reliability": "Q"}, secure=True).status_code == 200
    assert client.post(url, form, secure=True).status_code == 302
    source = Source.objects.get(pk=source.pk)
    assert source.reliability == "D"
    assert (last_entry().action, last_entry().fields) == ("source.update", ["reliability"])


def test_editing_a_person_and_a_bad_count_is_refused(colleague: User, team: Team) -> None:
    person = do_create_person(actor=colleague, team=team, values={"pseudonym": "Group A", "kind": "group"})
    client = login_as(Client(), colleague)
    url = f"/incidents/people/{person.pk}/edit/"
    assert url in client.get(f"/incidents/people/{person.pk}/", secure=True).content.decode()
    page = client.get(url, secure=True).content.decode()
    assert 'value="Group A"' in page and "id_name" not in page
    form = {"pseudonym": "Group A", "kind": "group", "count_low": "30", "count_best": "40", "count_high": "20"}
    assert client.post(url, form, secure=True).status_code == 200
    assert client.post(url, {**form, "count_high": "50"}, secure=True).status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert (person.count_low, person.count_best, person.count_high) == (30, 40, 50)
    assert last_entry().fields == ["count_best", "count_high", "count_low"]


def test_a_caseworker_edits_the_sealed_identity_and_the_save_is_audited(
    unsealed_vault: str, caseworker: User, team: Team
) -> None:
    person = do_create_person(actor=caseworker, team=team, values={"pseudonym": "R."}, identity={"name": "Рамзан"})
    client = login_as(Client(), caseworker)
    url = f"/incidents/people/{person.pk}/"
    shown = client.post(url, {"action": "show"}, secure=True).content.decode()
    assert 'data-testid="identity-form"' in shown and 'value="Рамзан"' in shown
    form = {"action": "identity", "name": "Рамзан", "phone": "+7 928 000-00-00", "handles": "", "documents": ""}
    assert client.post(url, form, secure=True).status_code == 302
    entry = last_entry()
    assert (entry.action, entry.fields) == ("person.update", ["phone"])
    assert "+7 928" not in str(entry.fields) and b"+7 928" not in bytes(entry.details)
    person = Person.objects.get(pk=person.pk)
    assert (person.name, person.phone) == ("Рамзан", "+7 928 000-00-00")


def test_a_documenter_neither_sees_nor_posts_the_identity_fields(
    unsealed_vault: str, caseworker: User, colleague: User, team: Team
) -> None:
    person = do_create_person(actor=caseworker, team=team, values={"pseudonym": "R."}, identity={"name": "Рамзан"})
    client = login_as(Client(), colleague)
    url = f"/incidents/people/{person.pk}/"
    page = client.post(url, {"action": "show"}, secure=True).content.decode()
    assert "identity-form" not in page and "Рамзан" not in page
    before = AuditEntry.objects.count()
    assert client.post(url, {"action": "identity", "name": "X"}, secure=True).status_code == 404
    assert AuditEntry.objects.count() == before
    assert Person.objects.get(pk=person.pk).name == "Рамзан"
    assert "id_name" not in client.get(f"{url}edit/", secure=True).content.decode()


def test_an_outsider_cannot_post_edits(caseworker: User, outsider: User, team: Team) -> None:
    incident = make_incident(caseworker, team)
    act = make_act(caseworker, incident)
    source = make_source(caseworker, incident)
    client = login_as(Client(), outsider)
    assert (
        client.post(f"/incidents/acts/{act.pk}/edit/", act_form(act, act_type="beating"), secure=True).status_code
        == 404
    )
    assert client.post(f"/incidents/sources/{source.pk}/edit/", {"label": "x"}, secure=True).status_code == 404
    assert Act.objects.get(pk=act.pk).act_type == "administrative_arrest"
