"""Unsealing with a passphrase, the recovery key or M of N shares; sealing; the operator's duress passphrase
(criteria 2, 5, 14, 15)."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.audit.models import AuditEntry
from vigil.testing.fixtures import VAULT_PASSPHRASE
from vigil.vault import actions, keys, state
from vigil.vault.errors import NotEnoughSharesError, SealedError, WrongKeyError
from vigil.vault.keys import Credential
from vigil.vault.models import OperatorNote, Vault
from vigil.vault.wrapping import KdfParams

pytestmark = pytest.mark.django_db
DURESS = "the duress words nobody should guess"


def passphrase(text: str = VAULT_PASSPHRASE) -> Credential:
    return Credential("passphrase", secret=text)


def vault_row() -> Vault:
    return Vault.objects.get()


def test_a_new_vault_starts_sealed_and_holds_no_plain_key(vault: str) -> None:
    assert not state.is_unsealed()
    with pytest.raises(SealedError):
        state.current_keyring()
    row = vault_row()
    assert {wrap["kind"] for wrap in row.wraps} == {"passphrase", "recovery"}


def test_the_operator_passphrase_unseals(vault: str) -> None:
    actions.do_unseal(credential=passphrase())
    assert state.is_unsealed()
    assert AuditEntry.objects.filter(action="vault.unseal").count() == 1


def test_a_wrong_passphrase_is_refused_and_changes_nothing(vault: str) -> None:
    before = vault_row()
    with pytest.raises(WrongKeyError, match="passphrase is wrong"):
        actions.do_unseal(credential=passphrase("a wrong passphrase of some length"))
    assert not state.is_unsealed()
    after = vault_row()
    assert (after.wraps, bytes(after.keyring), after.seal_epoch) == (
        before.wraps,
        bytes(before.keyring),
        before.seal_epoch,
    )


def test_the_recovery_key_unseals_and_a_wrong_one_is_refused(vault: str) -> None:
    with pytest.raises(WrongKeyError):
        actions.do_unseal(credential=Credential("recovery", secret=_other_recovery_key()))
    actions.do_unseal(credential=Credential("recovery", secret=vault.lower()))
    assert state.is_unsealed()


def _other_recovery_key() -> str:
    from vigil.vault.recovery import generate_recovery_key

    return generate_recovery_key()[0]


def test_m_minus_one_shares_cannot_unseal_and_m_can(vault: str) -> None:
    key = actions.unlock(passphrase())
    shares = actions.do_split_shares(vault_key=key, threshold=3, count=5)
    with pytest.raises(NotEnoughSharesError):
        actions.do_unseal(credential=Credential("shares", shares=tuple(shares[:2])))
    assert not state.is_unsealed()
    actions.do_unseal(credential=Credential("shares", shares=(shares[4], shares[0], shares[2])))
    assert state.is_unsealed()


def test_with_only_shares_no_single_operator_can_unseal(vault: str) -> None:
    key = actions.unlock(passphrase())
    shares = actions.do_split_shares(vault_key=key, threshold=2, count=3, only_shares=True)
    with pytest.raises(WrongKeyError):
        actions.do_unseal(credential=passphrase())
    assert not state.is_unsealed()
    actions.do_unseal(credential=Credential("shares", shares=(shares[1], shares[2])))
    assert state.is_unsealed()


def test_sealing_drops_the_keys_and_moves_the_epoch_every_process_watches(unsealed_vault: str) -> None:
    keyring = state.current_keyring()
    epoch = vault_row().seal_epoch
    actions.do_seal()
    assert not state.is_unsealed()
    assert len(keyring) == 0
    assert vault_row().seal_epoch == epoch + 1


def test_a_process_seals_itself_when_another_one_sealed(unsealed_vault: str) -> None:
    Vault.objects.update(seal_epoch=vault_row().seal_epoch + 1)  # what 'vigil seal' on another node does
    assert state.check_epoch() is False
    assert not state.is_unsealed()


def test_a_weak_passphrase_is_refused_when_adding_one(vault: str) -> None:
    key = actions.unlock(passphrase())
    with pytest.raises(actions.VaultActionError, match="at least 15"):
        actions.do_add_passphrase(vault_key=key, passphrase="short", label="operator 2")


def test_each_operator_may_have_their_own_passphrase(vault: str) -> None:
    key = actions.unlock(passphrase())
    actions.do_add_passphrase(vault_key=key, passphrase="second operator passphrase here", label="operator 2")
    actions.do_unseal(credential=passphrase("second operator passphrase here"))
    assert state.is_unsealed()
    actions.do_remove_passphrase(vault_key=key, label="operator 2")
    state.seal_process()
    with pytest.raises(WrongKeyError):
        actions.do_unseal(credential=passphrase("second operator passphrase here"))


def test_the_kek_wrapper_records_at_least_one_gibibyte_by_default(settings: Any, vault: str) -> None:
    assert all(KdfParams.from_dict(w["kdf"]).memory_kib < 1 << 20 for w in vault_row().wraps if w["kdf"])
    settings.VIGIL_CHEAP_KDF_FOR_TESTS = False
    params = keys.new_kdf_params()
    assert params.meets_floor and params.memory_kib >= 1 << 20
    settings.VIGIL_CHEAP_KDF_FOR_TESTS = True
    settings.CONFIGURED_DEBUG = False
    from vigil.vault.errors import InsecureParametersError

    with pytest.raises(InsecureParametersError):
        keys.new_kdf_params()


def _count_derivations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = keys.derive_kek  # type: ignore[attr-defined]

    def counting(passphrase: str, params: KdfParams) -> bytes:
        calls[0] += 1
        return original(passphrase, params)

    monkeypatch.setattr(keys, "derive_kek", counting)
    return calls


def test_the_duress_passphrase_looks_like_an_unseal_and_destroys_the_passphrase_wraps(
    vault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = actions.unlock(passphrase())
    actions.do_unseal(credential=passphrase())
    actions.do_create_operator_note(title="recovery sheet", body="in the other city")
    state.seal_process()
    actions.do_set_duress(vault_key=key, duress_passphrase=DURESS)
    calls = _count_derivations(monkeypatch)

    actions.do_unseal(credential=passphrase())
    normal_calls = calls[0]
    state.seal_process()
    actions.do_unseal(credential=passphrase(DURESS))  # returns normally, like the real passphrase
    assert calls[0] - normal_calls == normal_calls == 1

    assert not state.is_unsealed()
    assert [w["kind"] for w in vault_row().wraps] == ["recovery"]
    with pytest.raises(WrongKeyError):
        actions.do_unseal(credential=passphrase())
    # Only the recovery key kept elsewhere opens it again, with the data intact.
    actions.do_unseal(credential=Credential("recovery", secret=vault))
    assert OperatorNote.objects.get().body == "in the other city"


def test_without_a_duress_passphrase_the_database_still_holds_a_duress_verifier(vault: str) -> None:
    assert len(bytes(vault_row().duress_check)) == 32


def test_the_duress_passphrase_cannot_be_an_operator_passphrase(vault: str) -> None:
    key = actions.unlock(passphrase())
    with pytest.raises(actions.VaultActionError, match="differ"):
        actions.do_set_duress(vault_key=key, duress_passphrase=VAULT_PASSPHRASE)
