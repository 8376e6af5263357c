from __future__ import annotations

import json

import pytest
from django.test import Client

from vigil.accounts.actions import do_create_api_token, do_revoke_api_tokens
from vigil.accounts.models import User
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_served_and_names_the_endpoints() -> None:
    response = Client().get("/api/openapi.json", secure=True)
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/me" in schema["paths"]


def test_interactive_docs_that_would_load_a_cdn_are_not_served() -> None:
    assert Client().get("/api/docs", secure=True).status_code == 404


def test_an_anonymous_request_is_refused() -> None:
    assert Client().get("/api/me", secure=True).status_code == 401


def test_a_bearer_token_identifies_its_user(caseworker: User) -> None:
    token = do_create_api_token(user=caseworker, label="test")
    response = Client().get("/api/me", secure=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {"username": "caseworker", "role": "caseworker", "teams": ["North"]}


def test_a_revoked_or_made_up_token_is_refused(caseworker: User) -> None:
    token = do_create_api_token(user=caseworker, label="test")
    do_revoke_api_tokens(user=caseworker)
    assert Client().get("/api/me", secure=True, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert Client().get("/api/me", secure=True, HTTP_AUTHORIZATION="Bearer vgl_made-up").status_code == 401


def test_only_the_hash_of_a_token_is_stored(caseworker: User) -> None:
    token = do_create_api_token(user=caseworker, label="test")
    stored = json.dumps(list(caseworker.api_tokens.values()), default=str)
    assert token not in stored
    assert token.removeprefix("vgl_") not in stored


def test_a_session_that_passed_two_factor_login_can_use_the_api(caseworker: User) -> None:
    response = login_as(Client(), caseworker).get("/api/me", secure=True)
    assert response.status_code == 200
    assert response.json()["username"] == "caseworker"


def test_a_session_with_only_the_password_cannot_use_the_api(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker, backend="vigil.accounts.backends.PasswordAndDuressBackend")
    assert client.get("/api/me", secure=True).status_code == 401


def test_a_user_whose_access_was_revoked_sees_no_teams(caseworker: User) -> None:
    from vigil.accounts.actions import do_trigger_duress

    do_trigger_duress(user=caseworker)
    token = do_create_api_token(user=caseworker, label="test")
    response = Client().get("/api/me", secure=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["teams"] == []
