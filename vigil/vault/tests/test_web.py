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
