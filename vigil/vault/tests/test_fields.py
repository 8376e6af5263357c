"""Sealed fields and blind indexes on a real model (criteria 1-3)."""

from __future__ import annotations

import pytest
from django.db import connection

from vigil.accounts.models import Team
from vigil.vault import state
from vigil.vault.actions import do_create_operator_note
from vigil.vault.errors import SealedError, TamperedError
from vigil.vault.fields import blind_index_for
from vigil.vault.models import OperatorNote

pytestmark = pytest.mark.django_db
CANARY = "Магомед Канареечный +79281234567"


def raw_column(note: OperatorNote) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sealed FROM vault_operatornote WHERE id = %s",
            [note.pk.hex if connection.vendor == "sqlite" else note.pk],
        )
        return bytes(cursor.fetchone()[0])


def test_a_sealed_value_reads_back_but_the_column_holds_only_ciphertext(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="where", body=CANARY)
    assert OperatorNote.objects.get(pk=note.pk).body == CANARY
    stored = raw_column(note)
    assert CANARY.encode() not in stored
    assert "Магомед".encode() not in stored


def test_reading_a_sealed_field_while_sealed_raises_a_clear_error(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="where", body=CANARY)
    loaded = OperatorNote.objects.get(pk=note.pk)
    assert loaded.body == CANARY
    state.seal_process()
    with pytest.raises(SealedError, match="sealed"):
        _ = loaded.body
    with pytest.raises(SealedError):
        _ = OperatorNote.objects.get(pk=note.pk).body


def test_a_ciphertext_moved_to_another_record_is_reported_as_tampering(unsealed_vault: str) -> None:
    first = do_create_operator_note(title="one", body="first secret")
    second = do_create_operator_note(title="two", body="second secret")
    blob = OperatorNote.objects.filter(pk=first.pk).values_list("sealed", flat=True).get()
    OperatorNote.objects.filter(pk=second.pk).update(sealed=bytes(blob))
    with pytest.raises(TamperedError, match="integrity"):
        _ = OperatorNote.objects.get(pk=second.pk).body


def test_a_flipped_bit_in_a_stored_value_is_reported_never_garbage(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="one", body="a secret")
    blob = bytearray(OperatorNote.objects.filter(pk=note.pk).values_list("sealed", flat=True).get())
    blob[-3] ^= 0x04
    OperatorNote.objects.filter(pk=note.pk).update(sealed=bytes(blob))
    with pytest.raises(TamperedError):
        _ = OperatorNote.objects.get(pk=note.pk).body


def test_plaintext_can_never_be_written_to_a_sealed_column(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="one", body="a secret")
    with pytest.raises(TypeError, match="Only ciphertext"):
        OperatorNote.objects.filter(pk=note.pk).update(sealed="plain text")


def test_writing_while_sealed_fails_and_stores_nothing(vault: str) -> None:
    with pytest.raises(SealedError):
        do_create_operator_note(title="one", body="a secret")
    assert not OperatorNote.objects.exists()


def test_editing_another_field_keeps_the_sealed_value(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="one", body=CANARY)
    loaded = OperatorNote.objects.get(pk=note.pk)
    loaded.title = "renamed"
    loaded.save(update_fields=["title"])
    assert OperatorNote.objects.get(pk=note.pk).body == CANARY


def test_blind_indexes_match_any_spelling_of_the_same_phone(unsealed_vault: str) -> None:
    spellings = ["+7 (928) 123-45-67", "89281234567", "+79281234567"]
    assert len({blind_index_for("phone", text) for text in spellings}) == 1
    assert blind_index_for("handle", "@User") == blind_index_for("handle", "user")
    assert blind_index_for("name", "Фёдор") == blind_index_for("name", "ФЕДОР")
    assert blind_index_for("phone", "+79281234567") != blind_index_for("exact", "+79281234567")


def test_an_invalid_phone_has_no_index_and_the_query_helper_says_so(unsealed_vault: str) -> None:
    with pytest.raises(ValueError, match="phone"):
        blind_index_for("phone", "not a number")


def test_the_blind_index_needs_the_vault_unsealed(vault: str) -> None:
    with pytest.raises(SealedError):
        blind_index_for("phone", "+79281234567")


def test_a_record_is_one_ciphertext_whatever_its_number_of_sealed_fields(unsealed_vault: str) -> None:
    from vigil.monitoring.models import Report

    columns = {field.column for field in Report._meta.concrete_fields}
    assert "sealed" in columns
    assert not {"text", "provenance"} & columns
    assert Report._meta.get_field("text").column is None


def test_a_list_changed_in_place_is_saved(unsealed_vault: str, team: Team) -> None:
    from vigil.monitoring.models import Report

    report = Report.objects.create(team=team, fingerprint="f", kind="text", outcome="drafted", provenance={"a": [1]})
    loaded = Report.objects.get(pk=report.pk)
    loaded.provenance["a"].append(2)
    loaded.save(update_fields=["provenance"])
    assert Report.objects.get(pk=report.pk).provenance == {"a": [1, 2]}


def test_reloading_a_record_forgets_what_it_held(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="one", body="before")
    stale = OperatorNote.objects.get(pk=note.pk)
    assert stale.body == "before"
    fresh = OperatorNote.objects.get(pk=note.pk)
    fresh.body = "after"
    fresh.save(update_fields=["body"])
    stale.refresh_from_db()
    assert stale.body == "after"


def test_a_record_loaded_without_its_sealed_column_reads_it_when_asked(unsealed_vault: str) -> None:
    note = do_create_operator_note(title="one", body=CANARY)
    assert OperatorNote.objects.only("title").get(pk=note.pk).body == CANARY


def test_a_record_with_nothing_to_hide_is_written_while_sealed_and_reads_empty_later(vault: str) -> None:
    note = OperatorNote.objects.create(title="empty")
    assert OperatorNote.objects.filter(pk=note.pk, sealed__isnull=True).exists()


def test_a_wrong_type_is_refused_when_saving_and_nothing_is_written(unsealed_vault: str) -> None:
    note = OperatorNote(title="typed")
    note.body = 42
    with pytest.raises(TypeError, match="holds text"):
        note.save()
    assert not OperatorNote.objects.exists()
