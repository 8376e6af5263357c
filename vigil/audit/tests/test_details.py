from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.audit.details import (
    DetailsUnreadableError,
    generate_details_key,
    open_details,
    seal_details,
)

KEY = generate_details_key()
json_values = st.one_of(st.text(max_size=50), st.integers(), st.booleans(), st.none())


@given(st.dictionaries(st.text(min_size=1, max_size=20), json_values, min_size=1, max_size=5), st.integers(0, 10**9))
def test_sealed_details_read_back_exactly(details: dict[str, object], index: int) -> None:
    assert open_details(seal_details(details, index, KEY.public_key()), index, KEY) == details


def test_sealed_details_hide_what_was_looked_up() -> None:
    blob = seal_details({"searched": "+79281234567", "person": "Магомед"}, 3, KEY.public_key())
    assert b"79281234567" not in blob
    assert "Магомед".encode() not in blob


def test_details_moved_to_another_entry_are_refused() -> None:
    blob = seal_details({"field": "name"}, 7, KEY.public_key())
    with pytest.raises(DetailsUnreadableError):
        open_details(blob, 8, KEY)


@given(st.integers(min_value=8, max_value=8 * 60))
def test_any_flipped_bit_is_detected(bit: int) -> None:
    blob = bytearray(seal_details({"field": "phone"}, 1, KEY.public_key()))
    position = 8 + bit % ((len(blob) - 1) * 8)
    blob[position // 8] ^= 1 << (position % 8)
    with pytest.raises(DetailsUnreadableError):
        open_details(bytes(blob), 1, KEY)


def test_sealed_details_cannot_be_read_without_the_private_key() -> None:
    blob = seal_details({"field": "name"}, 1, KEY.public_key())
    with pytest.raises(DetailsUnreadableError):
        open_details(blob, 1, None)
    with pytest.raises(DetailsUnreadableError):
        open_details(blob, 1, generate_details_key())


def test_no_details_make_an_empty_blob() -> None:
    assert seal_details({}, 1, KEY.public_key()) == b""
    assert open_details(b"", 1, None) == {}


@pytest.mark.django_db
def test_once_the_vault_exists_details_are_sealed_and_show_reads_them(
    unsealed_vault: object, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    from pathlib import Path

    from django.core.management import call_command

    from vigil.audit.actions import record_event
    from vigil.audit.models import AuditEntry
    from vigil.testing.fixtures import VAULT_PASSPHRASE

    entry = record_event(actor_id=1, action="person.search", details={"query": "+79281234567"})
    stored = bytes(AuditEntry.objects.get(pk=entry.pk).details)
    assert stored[0] == 0x01
    assert b"79281234567" not in stored
    passphrase_file = Path(str(tmp_path)) / "passphrase"
    passphrase_file.write_text(VAULT_PASSPHRASE)
    call_command("audit", "show", "--last", "5", "--passphrase-file", str(passphrase_file))
    assert "+79281234567" in capsys.readouterr().out


@pytest.mark.django_db
def test_blanking_the_details_key_stops_audited_actions_instead_of_writing_plain_details(vault: str) -> None:
    from vigil.audit.actions import AuditWriteError, record_event
    from vigil.vault.models import Vault

    Vault.objects.update(audit_details_public_key=b"")
    with pytest.raises(AuditWriteError):
        record_event(actor_id=1, action="person.search", details={"query": "+79281234567"})
