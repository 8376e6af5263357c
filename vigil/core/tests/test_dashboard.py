from __future__ import annotations

import pytest
from django.test import Client

from vigil.accounts.actions import do_trigger_duress
from vigil.accounts.models import User
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


def home_of(user: User) -> str:
    return login_as(Client(), user).get("/", secure=True).content.decode()


def test_a_coordinator_is_told_the_vault_is_sealed(coordinator: User, vault: str) -> None:
    assert "The vault is sealed" in home_of(coordinator)


def test_nobody_is_told_about_the_vault_once_it_is_unsealed(coordinator: User, unsealed_vault: str) -> None:
    page = home_of(coordinator)
    assert "The vault is sealed" not in page
    assert "Nothing is waiting for you." in page


def test_a_caseworker_is_not_bothered_with_the_vault(caseworker: User, vault: str) -> None:
    assert "The vault is sealed" not in home_of(caseworker)


def test_a_coordinator_sees_who_triggered_a_duress_login(coordinator: User, caseworker: User) -> None:
    do_trigger_duress(user=caseworker)
    assert "caseworker logged in with a duress password" in home_of(coordinator)


def test_a_revoked_account_shows_nothing(caseworker: User) -> None:
    do_trigger_duress(user=caseworker)
    page = home_of(caseworker)
    assert "Nothing is waiting for you." in page
    assert "North" not in page
