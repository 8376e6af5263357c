"""A person's sealed identity: stored sealed, shown only to those allowed, every read audited first."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from vigil.accounts.models import Team, User
from vigil.audit.actions import AuditWriteError
from vigil.audit.models import AuditEntry
from vigil.incidents.access import read_person_identity
from vigil.incidents.actions import do_create_person, do_update_person
from vigil.incidents.identity import find_by_phone
from vigil.incidents.models import Person

pytestmark = pytest.mark.django_db
NAME = "Рамзан Тестовый"


@pytest.fixture
def person(unsealed_vault: str, caseworker: User, team: Team) -> Person:
    return do_create_person(
        actor=caseworker,
        team=team,
        values={"pseudonym": "R."},
        identity={"name": NAME, "phone": "+7 928 123-45-67", "handles": "@ramzan_test"},
    )


def test_the_identity_is_sealed_in_the_database_and_found_by_phone(person: Person) -> None:
    raw = Person.objects.filter(pk=person.pk).values_list("sealed", flat=True).get()
    assert raw is not None and NAME.encode() not in bytes(raw)
    assert list(find_by_phone(Person.objects.all(), "89281234567")) == [person]  # type: ignore[call-overload]


def test_a_caseworker_reads_the_identity_and_the_read_is_audited(person: Person, caseworker: User) -> None:
    before = AuditEntry.objects.count()
    identity = read_person_identity(caseworker, Person.objects.get(pk=person.pk))
    assert identity["name"] == NAME
    entry = AuditEntry.objects.order_by("-index").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry is not None and entry.action == "person.read_identity" and "name" in entry.fields


def test_a_documenter_sees_the_pseudonym_but_not_the_identity(person: Person, colleague: User) -> None:
    with pytest.raises(PermissionDenied):
        read_person_identity(colleague, person)


def test_when_the_audit_write_fails_no_identity_is_returned(person: Person, caseworker: User) -> None:
    with (
        mock.patch("vigil.incidents.access.record_event", side_effect=AuditWriteError("down")),
        pytest.raises(AuditWriteError),
    ):
        read_person_identity(caseworker, person)


def test_changing_the_phone_updates_its_blind_index(person: Person, caseworker: User) -> None:
    changed = do_update_person(actor=caseworker, person=person, values={}, identity={"phone": "+7 900 000-00-01"})
    assert changed == ["phone"]
    assert list(find_by_phone(Person.objects.all(), "+79000000001")) == [person]  # type: ignore[call-overload]


def test_changing_the_phone_with_update_fields_moves_its_blind_index(person: Person) -> None:
    loaded = Person.objects.get(pk=person.pk)
    loaded.phone = "+7 999 000-11-22"
    loaded.save(update_fields=["phone"])
    assert list(find_by_phone(Person.objects.all(), "89990001122")) == [person]  # type: ignore[call-overload]
    assert not find_by_phone(Person.objects.all(), "89281234567").exists()  # type: ignore[attr-defined]
    reloaded = Person.objects.get(pk=person.pk)
    assert (reloaded.name, reloaded.handles) == (NAME, "@ramzan_test")
