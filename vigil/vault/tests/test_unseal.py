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


# Columns an examiner reads without any key; only `details` is sealed (its length is plain, so it is compared too).
UNSEALED_COLUMNS_EXCEPT = {"id", "index", "time", "leaf_hash", "details"}


def plain_columns(entry: AuditEntry) -> dict[str, Any]:
    columns = {
        field.attname: getattr(entry, field.attname)
        for field in AuditEntry._meta.concrete_fields
        if field.name not in UNSEALED_COLUMNS_EXCEPT
    }
    return {**columns, "details length": len(bytes(entry.details))}


def sealed_details(entry: AuditEntry, vault_key: bytes) -> dict[str, Any]:
    from vigil.audit.details import open_details
    from vigil.audit.details_keys import current_private_key

    return open_details(bytes(entry.details), entry.index, current_private_key(vault_key))


def test_a_seized_audit_log_shows_a_duress_unseal_as_one_more_wrong_passphrase(vault: str) -> None:
    key = actions.unlock(passphrase())
    actions.do_set_duress(vault_key=key, duress_passphrase=DURESS)
    with pytest.raises(WrongKeyError):
        actions.do_unseal(credential=passphrase("a wrong passphrase of some length"))
    actions.do_unseal(credential=passphrase(DURESS))
    actions.do_set_duress(vault_key=key, duress_passphrase=DURESS)  # set again: the duress destroyed it too
    with pytest.raises(WrongKeyError):
        actions.unlock(passphrase("a wrong passphrase of some length"))  # a command, e.g. 'vigil backup'
    with pytest.raises(WrongKeyError):
        actions.unlock(passphrase(DURESS))

    wrong, duress, wrong_command, duress_command = AuditEntry.objects.filter(action="vault.unseal_failed")
    assert not AuditEntry.objects.filter(action="vault.duress").exists()
    assert (
        plain_columns(duress) == plain_columns(wrong) == plain_columns(wrong_command) == plain_columns(duress_command)
    )
    # The truth is kept, sealed to a key that only an unsealed vault opens.
    assert sealed_details(duress, key)["duress"] is True
    assert sealed_details(duress_command, key)["duress"] is True
    assert sealed_details(wrong, key)["duress"] is False
    assert sealed_details(wrong_command, key)["method"] == "passphrase"


def test_whoever_later_unseals_with_the_recovery_key_reads_the_duress_in_audit_show(
    vault: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    actions.do_set_duress(vault_key=actions.unlock(passphrase()), duress_passphrase=DURESS)
    actions.do_unseal(credential=passphrase(DURESS))
    actions.do_unseal(credential=Credential("recovery", secret=vault))
    assert state.is_unsealed()
    recovery_file = tmp_path / "recovery"
    recovery_file.write_text(vault)
    call_command("audit", "show", "--last", "5", "--recovery-key-file", str(recovery_file))
    lines = [line for line in capsys.readouterr().out.splitlines() if "vault.unseal_failed" in line]
    assert len(lines) == 1
    assert '"duress": true' in lines[0]
    assert "every passphrase wrap was destroyed" in lines[0]


def _postgres_table_reader(table: str) -> Any:
    """A function returning the bytes PostgreSQL keeps for `table` on disk, or skip when this role may not read them.

    Preferably the files themselves (after a checkpoint): the main fork, its TOAST table and the file the table had
    before, through `pg_read_binary_file`. Otherwise every page of the live relation through pageinspect.
    """
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("CHECKPOINT")
            cursor.execute("SELECT pg_read_binary_file(pg_relation_filepath(%s))", [table])
        except DatabaseError:
            pass
        else:
            paths: set[str] = set()

            def read_files() -> bytes:
                with connection.cursor() as cursor:
                    cursor.execute("CHECKPOINT")
                    cursor.execute(
                        "SELECT pg_relation_filepath(c.oid), pg_relation_filepath(NULLIF(c.reltoastrelid, 0)) "
                        "FROM pg_class c WHERE c.oid = %s::regclass",
                        [table],
                    )
                    paths.update(path for path in cursor.fetchone() if path)
                    content = b""
                    for path in sorted(paths):  # includes files the table used before a rewrite
                        cursor.execute("SELECT (pg_stat_file(%s, true)).size", [path])
                        if cursor.fetchone()[0] is not None:  # an old file is unlinked at a later checkpoint
                            cursor.execute("SELECT pg_read_binary_file(%s)", [path])
                            content += bytes(cursor.fetchone()[0])
                    return content

            return read_files
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        except DatabaseError:
            pytest.skip(
                "this PostgreSQL role may neither read relation files (superuser, or pg_read_server_files and "
                "pg_checkpoint) nor use pageinspect, so the table's bytes cannot be inspected"
            )

    def read_pages() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
            (blocks,) = cursor.fetchone()
            content = b""
            for block in range(blocks):
                cursor.execute("SELECT get_raw_page(%s, %s)", [table, block])
                content += bytes(cursor.fetchone()[0])
            return content

    return read_pages


@pytest.mark.django_db(transaction=True)  # the flush runs when the duress transaction really commits
def test_on_postgresql_the_destroyed_wrap_is_gone_from_the_vault_table_file(vault: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's tests run on an in-memory database, which has no file to read")
    actions.do_set_duress(vault_key=actions.unlock(passphrase()), duress_passphrase=DURESS)
    wrap = next(data["blob"] for data in vault_row().wraps if data["kind"] == "passphrase").encode("ascii")
    read_table = _postgres_table_reader(Vault._meta.db_table)
    assert wrap in read_table(), "the test must see the wrap where it was, or it proves nothing"

    actions.do_unseal(credential=passphrase(DURESS))

    assert [data["kind"] for data in vault_row().wraps] == ["recovery"]
    assert actions.wait_for_flushes(timeout=30)
    assert wrap not in read_table()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_long_reader_postpones_the_flush_without_holding_up_the_duress_answer(vault: str) -> None:
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: VACUUM FULL must wait for a reader such as a running backup")
    actions.do_set_duress(vault_key=actions.unlock(passphrase()), duress_passphrase=DURESS)
    wrap = next(data["blob"] for data in vault_row().wraps if data["kind"] == "passphrase").encode("ascii")
    read_table = _postgres_table_reader(Vault._meta.db_table)
    holding, release = threading.Event(), threading.Event()
    released_in_time: list[bool] = []

    def backup_like_reader() -> None:
        try:
            with transaction.atomic():  # like `vigil backup`: one snapshot, the vault table read first
                list(Vault.objects.values_list("seal_epoch"))
                holding.set()
                released_in_time.append(release.wait(30))
        finally:
            connection.close()

    reader = threading.Thread(target=backup_like_reader)
    reader.start()
    try:
        assert holding.wait(10)
        actions.do_unseal(credential=passphrase(DURESS))  # returns while the reader still holds the table
    finally:
        release.set()
        reader.join(30)
    assert released_in_time == [True]
    assert actions.wait_for_flushes(timeout=30)
    assert wrap not in read_table()
