"""Rationing unseal attempts: one derivation at a time per process, and at most five failures per fifteen minutes per
instance, shared by the web page, `vigil unseal` and every command that asks for a credential (criteria 5, 14)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection

from vigil.audit.models import AuditEntry
from vigil.testing.cli import run_vigil
from vigil.testing.fixtures import VAULT_PASSPHRASE
from vigil.vault import actions, keys, state
from vigil.vault.errors import WrongKeyError
from vigil.vault.keys import Credential
from vigil.vault.tests.test_server import control, served, write  # noqa: F401 (the `served` fixture)
from vigil.vault.wrapping import KdfParams

DURESS = "the duress words nobody should guess"
WRONG = "a wrong passphrase of some length"
START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def passphrase(text: str = VAULT_PASSPHRASE) -> Credential:
    return Credential("passphrase", secret=text)


def count_derivations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = keys.derive_kek  # type: ignore[attr-defined]

    def counting(secret: str, params: KdfParams) -> bytes:
        calls[0] += 1
        return original(secret, params)

    monkeypatch.setattr(keys, "derive_kek", counting)
    return calls


def fail(times: int, credential: Credential | None = None) -> None:
    for _ in range(times):
        with pytest.raises(WrongKeyError):
            actions.do_unseal(credential=credential or passphrase(WRONG))


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_after_five_failures_even_the_right_passphrase_is_refused_without_a_derivation(
    vault: str, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail(5)
    entries = AuditEntry.objects.count()
    calls = count_derivations(monkeypatch)
    with pytest.raises(actions.UnsealThrottledError, match="until 2026-03-01 09:15:00 UTC") as refused:
        actions.do_unseal(credential=passphrase())
    assert refused.value.retry_at == START + dt.timedelta(minutes=15)
    assert calls[0] == 0
    assert not state.is_unsealed()
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_the_limit_lifts_fifteen_minutes_after_the_oldest_counted_failure(vault: str, clock: Any) -> None:
    fail(1)
    clock.shift(dt.timedelta(minutes=10))
    fail(4)
    with pytest.raises(actions.UnsealThrottledError) as refused:
        actions.do_unseal(credential=passphrase())
    assert refused.value.retry_at == START + dt.timedelta(minutes=15)
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    actions.do_unseal(credential=passphrase())
    assert state.is_unsealed()


@pytest.mark.django_db
def test_the_recovery_key_and_shares_count_and_are_refused_like_a_passphrase(vault: str, clock: Any) -> None:
    shares = actions.do_split_shares(vault_key=actions.unlock(passphrase()), threshold=2, count=3)
    from vigil.vault.recovery import generate_recovery_key

    fail(2, Credential("recovery", secret=generate_recovery_key()[0]))
    fail(2, Credential("shares", shares=(shares[0],)))
    fail(1)
    with pytest.raises(actions.UnsealThrottledError):
        actions.do_unseal(credential=Credential("recovery", secret=vault))
    with pytest.raises(actions.UnsealThrottledError):
        actions.do_unseal(credential=Credential("shares", shares=(shares[0], shares[1])))
    assert not state.is_unsealed()


@pytest.mark.django_db
def test_failures_of_the_commands_count_for_the_web_and_the_server_alike(vault: str, clock: Any) -> None:
    for _ in range(5):
        with pytest.raises(WrongKeyError):
            actions.unlock(passphrase(WRONG))  # what `vigil backup` or `vigil rekey` do in their own process
    with pytest.raises(actions.UnsealThrottledError):
        actions.do_unseal(credential=passphrase())
    with pytest.raises(actions.UnsealThrottledError):
        actions.unlock(passphrase())


@pytest.mark.django_db
def test_a_duress_unseal_leaves_the_count_where_a_success_leaves_it(
    vault: str, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    actions.do_set_duress(vault_key=actions.unlock(passphrase()), duress_passphrase=DURESS)
    fail(4)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_unseal(credential=passphrase(DURESS))  # answered like a success, logged like a failure
    assert AuditEntry.objects.filter(action=actions.UNSEAL_FAILED).count() == 5
    # As after a real unseal, one more failure is still checked, and only then does the limit apply.
    fail(1)
    with pytest.raises(actions.UnsealThrottledError):
        actions.do_unseal(credential=passphrase())


@pytest.mark.django_db
def test_a_duress_passphrase_given_to_a_command_counts_like_the_wrong_passphrase_it_is_reported_as(
    vault: str, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    actions.do_set_duress(vault_key=actions.unlock(passphrase()), duress_passphrase=DURESS)
    fail(4)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WrongKeyError):
        actions.unlock(passphrase(DURESS))
    with pytest.raises(actions.UnsealThrottledError):
        actions.do_unseal(credential=Credential("recovery", secret=vault))


@pytest.mark.django_db(transaction=True)
def test_a_second_attempt_while_one_is_computing_is_refused_without_a_derivation(
    vault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    calls = [0]
    original = keys.derive_kek  # type: ignore[attr-defined]

    def slow(secret: str, params: KdfParams) -> bytes:
        calls[0] += 1
        started.set()
        release.wait(10)
        return original(secret, params)

    monkeypatch.setattr(keys, "derive_kek", slow)

    def first_attempt() -> None:
        try:
            actions.do_unseal(credential=passphrase())
        finally:
            connection.close()

    worker = threading.Thread(target=first_attempt)
    worker.start()
    try:
        assert started.wait(10)
        with pytest.raises(actions.UnsealBusyError, match="try again in a few seconds"):
            actions.do_unseal(credential=passphrase())
        assert calls[0] == 1
    finally:
        release.set()
        worker.join(10)
    assert state.is_unsealed()


@pytest.mark.uses_database
def test_vigil_unseal_refused_by_the_limit_exits_non_zero_with_one_sentence(
    served: tuple[Path, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    data_dir, _ = served
    for _ in range(5):
        answer = control(data_dir, {"op": "unseal", "method": "passphrase", "secret": WRONG})
        assert answer["ok"] is False
    result = run_vigil(
        "unseal", "--passphrase-file", write(tmp_path, "p", "the operators long vault passphrase"), data_dir=data_dir
    )
    assert result.returncode == 1
    assert result.stderr.startswith("vigil: There were 5 failed attempts to unseal the vault within 15 minutes")
    assert result.stderr.rstrip().endswith("try again then. Nothing was changed.")
    assert result.stderr.count("\n") == 1
    assert control(data_dir, {"op": "status"})["sealed"] is True
