"""The unseal page, "seal now" and the locked answers in the web UI and API (criteria 2, 14, 15)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from vigil.accounts.models import User
from vigil.testing.fixtures import VAULT_PASSPHRASE, login_as
from vigil.vault import actions, state
from vigil.vault.errors import SealedError
from vigil.vault.keys import Credential
from vigil.vault.middleware import VaultMiddleware
from vigil.vault.models import Vault

pytestmark = pytest.mark.django_db
DURESS = "the duress words nobody should guess"
VOLATILE_HEADERS = {"Date", "Set-Cookie", "Content-Length"}


def unseal(client: Client, secret: str, method: str = "passphrase") -> Any:
    response: Any = client.post(reverse("vault:unseal"), {"method": method, "secret": secret}, secure=True)
    return response


def test_a_coordinator_unseals_in_the_web_ui(vault: str, coordinator: User) -> None:
    client = login_as(Client(), coordinator)
    assert client.get(reverse("vault:unseal"), secure=True).status_code == 200
    response = unseal(client, VAULT_PASSPHRASE)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert state.is_unsealed()


def test_a_wrong_passphrase_shows_the_form_again_and_stays_sealed(vault: str, coordinator: User) -> None:
    client = login_as(Client(), coordinator)
    response = unseal(client, "a wrong passphrase of some length")
    assert response.status_code == 400
    assert b"does not unlock the vault" in response.content
    assert not state.is_unsealed()


def test_other_users_see_the_locked_page_not_the_unseal_form(vault: str, caseworker: User) -> None:
    client = login_as(Client(), caseworker)
    response = client.get(reverse("vault:unseal"), secure=True)
    assert response.status_code == 423
    assert b'data-testid="vault-locked"' in response.content
    assert unseal(client, VAULT_PASSPHRASE).status_code == 423
    assert not state.is_unsealed()


def test_the_duress_passphrase_answers_exactly_like_the_real_one(vault: str, coordinator: User) -> None:
    key = actions.unlock(Credential("passphrase", secret=VAULT_PASSPHRASE))
    actions.do_set_duress(vault_key=key, duress_passphrase=DURESS)
    normal_client = login_as(Client(), coordinator)
    normal = unseal(normal_client, VAULT_PASSPHRASE)
    normal_home = normal_client.get(reverse("core:home"), secure=True).content
    state.seal_process()
    duress_client = login_as(Client(), coordinator)
    duress = unseal(duress_client, DURESS)
    duress_home = duress_client.get(reverse("core:home"), secure=True).content
    # The page after it does not say "sealed" either: to the people watching, the vault opened.
    assert b"The vault is sealed" not in normal_home
    assert b"The vault is sealed" not in duress_home
    assert duress.status_code == normal.status_code == 302
    assert duress["Location"] == normal["Location"]
    assert {k: v for k, v in duress.headers.items() if k not in VOLATILE_HEADERS} == {
        k: v for k, v in normal.headers.items() if k not in VOLATILE_HEADERS
    }
    assert duress.content == normal.content
    assert [wrap["kind"] for wrap in Vault.objects.get().wraps] == ["recovery"]
    # The pretence is kept in the server's memory: the session store, in the database, shows nothing of it.
    from django.contrib.sessions.models import Session

    stored = [sorted(session.get_decoded()) for session in Session.objects.all()]
    assert len(stored) == 2 and stored[0] == stored[1]


def test_seal_now_is_a_post_that_seals_every_process(unsealed_vault: str, coordinator: User) -> None:
    client = login_as(Client(), coordinator)
    assert b'data-testid="seal-now"' in client.get(reverse("core:home"), secure=True).content
    epoch = Vault.objects.get().seal_epoch
    assert client.get(reverse("vault:seal"), secure=True).status_code == 405
    response = client.post(reverse("vault:seal"), secure=True)
    assert response.status_code == 302
    assert not state.is_unsealed()
    assert Vault.objects.get().seal_epoch == epoch + 1


def test_only_coordinators_may_seal(unsealed_vault: str, caseworker: User) -> None:
    client = login_as(Client(), caseworker)
    assert b'data-testid="seal-now"' not in client.get(reverse("core:home"), secure=True).content
    assert client.post(reverse("vault:seal"), secure=True).status_code == 423
    assert state.is_unsealed()


def test_the_api_seals_for_a_coordinator_and_reports_the_state(unsealed_vault: str, coordinator: User) -> None:
    client = login_as(Client(), coordinator)
    assert client.get("/api/vault/status", secure=True).json() == {"sealed": False}
    assert client.post("/api/vault/seal", secure=True).json() == {"sealed": True}
    assert not state.is_unsealed()
    assert client.get("/api/vault/status", secure=True).json() == {"sealed": True}


def test_sealed_data_met_by_any_view_becomes_the_locked_answer_not_a_traceback(vault: str) -> None:
    factory = RequestFactory()
    middleware = VaultMiddleware(lambda request: None)  # type: ignore[arg-type, return-value]
    api = middleware.process_exception(factory.get("/api/people/1"), SealedError())
    assert api is not None and api.status_code == 423
    assert api.content == b'{"detail": "locked"}'
    page_request = factory.get("/incidents/people/1/")
    from django.contrib.auth.models import AnonymousUser

    page_request.user = AnonymousUser()
    page = middleware.process_exception(page_request, SealedError())
    assert page is not None and page.status_code == 423
    assert b"The vault is sealed" in page.content


def test_the_audit_entry_of_a_duress_unseal_matches_a_wrong_passphrase_in_every_plain_column(
    vault: str, coordinator: User
) -> None:
    from vigil.audit.models import AuditEntry
    from vigil.vault.tests.test_unseal import plain_columns

    actions.do_set_duress(
        vault_key=actions.unlock(Credential("passphrase", secret=VAULT_PASSPHRASE)), duress_passphrase=DURESS
    )
    client = login_as(Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox/128.0"), coordinator)
    assert unseal(client, "a wrong passphrase of some length").status_code == 400
    assert unseal(client, DURESS).status_code == 302
    wrong, duress = AuditEntry.objects.filter(action="vault.unseal_failed")
    assert plain_columns(duress) == plain_columns(wrong)
    assert duress.actor_id == coordinator.pk and duress.session_ref
    stored = b"".join(
        str(value).encode() + bytes(entry.details)
        for entry in (wrong, duress)
        for value in plain_columns(entry).values()
    )
    assert b"198.51.100.7" not in stored and b"Firefox" not in stored


def test_a_genuine_unseal_after_a_duress_ends_the_pretence_on_that_sessions_home_page(
    vault: str, coordinator: User
) -> None:
    actions.do_set_duress(
        vault_key=actions.unlock(Credential("passphrase", secret=VAULT_PASSPHRASE)), duress_passphrase=DURESS
    )
    client = login_as(Client(), coordinator)
    unseal(client, DURESS)
    assert b"The vault is sealed" not in client.get(reverse("core:home"), secure=True).content
    assert unseal(client, vault, method="recovery").status_code == 302
    assert state.is_unsealed()
    actions.do_seal()  # e.g. "seal now" by another coordinator: this session must be told the truth again
    assert b"The vault is sealed" in client.get(reverse("core:home"), secure=True).content


def test_after_five_failures_a_coordinator_is_told_when_to_try_again(vault: str, coordinator: User) -> None:
    import datetime as dt

    import time_machine
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    client = login_as(Client(), coordinator)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, 30, tzinfo=dt.UTC), tick=False):
        for _ in range(5):
            assert unseal(client, "a wrong passphrase of some length").status_code == 400
        refused = unseal(client, VAULT_PASSPHRASE)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    # 09:15:30 UTC, rounded up to the minute, in the reader's time zone.
    when = date_format(localtime(dt.datetime(2026, 3, 1, 9, 16, tzinfo=dt.UTC)), "DATETIME_FORMAT")
    assert f"none is checked until {when}; try again then.".encode() in refused.content
    assert b'data-testid="unseal-error"' in refused.content
    assert not state.is_unsealed()


@pytest.mark.django_db(transaction=True)
def test_an_unseal_posted_while_another_is_computing_is_refused_at_once(
    vault: str, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from django.db import connection

    from vigil.vault import keys

    started, release = threading.Event(), threading.Event()
    calls = [0]
    original = keys.derive_kek  # type: ignore[attr-defined]

    def slow(secret: str, params: Any) -> bytes:
        calls[0] += 1
        started.set()
        release.wait(10)
        return original(secret, params)

    monkeypatch.setattr(keys, "derive_kek", slow)

    def first_attempt() -> None:
        try:
            actions.do_unseal(credential=Credential("passphrase", secret=VAULT_PASSPHRASE))
        finally:
            connection.close()

    worker = threading.Thread(target=first_attempt)
    worker.start()
    try:
        assert started.wait(10)
        response = unseal(login_as(Client(), coordinator), VAULT_PASSPHRASE)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert b"Another attempt to unseal is being checked on this server" in response.content
        assert calls[0] == 1
    finally:
        release.set()
        worker.join(10)
