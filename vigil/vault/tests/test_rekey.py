"""Key rotation keeps every value and file readable, resumes, and destroys the old key."""

from __future__ import annotations

import io

import pytest

from vigil.testing.fixtures import VAULT_PASSPHRASE
from vigil.vault import actions, rekey, state
from vigil.vault.aead import Keyring
from vigil.vault.files import file_store, read_file
from vigil.vault.keys import Credential
from vigil.vault.models import OperatorNote, Vault

pytestmark = pytest.mark.django_db


def test_rekey_re_encrypts_values_and_files_and_running_readers_keep_reading(unsealed_vault: str) -> None:
    note = actions.do_create_operator_note(title="a", body="Фёдор", attachment=io.BytesIO(b"evidence bytes"))
    old_id = state.current_keyring().current.key_id
    key = actions.unlock(Credential("passphrase", secret=VAULT_PASSPHRASE))
    result = rekey.rekey(key, progress_factory=lambda total: lambda step: None, settle_seconds=0)
    assert (result.values, result.files) == (1, 1)
    keyring = Keyring.unseal(key, bytes(Vault.objects.get().keyring))
    assert keyring.key_ids == (keyring.current.key_id,) and keyring.current.key_id != old_id
    # This process held the old keyring; it reloads the new one and reads on.
    loaded = OperatorNote.objects.get(pk=note.pk)
    assert loaded.body == "Фёдор"
    assert b"".join(read_file(loaded.attachment)) == b"evidence bytes"
    assert file_store().header_key_id(loaded.attachment) == keyring.current.key_id
    again = rekey.rekey(key, progress_factory=lambda total: lambda step: None, settle_seconds=0)
    assert again.values == 1
