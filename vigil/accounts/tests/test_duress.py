from __future__ import annotations

from typing import Any
from unittest import mock

import argon2
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.actions import do_set_duress_password
from vigil.accounts.models import DuressAlert, Team, User
from vigil.testing.fixtures import PASSWORD, login_as, totp_code

pytestmark = pytest.mark.django_db

DURESS = "the river is cold tonight, my friend"
HEADERS_THAT_MAY_DIFFER = {"Date", "Set-Cookie"}


def attempt(password: str, ip: str, username: str = "caseworker") -> tuple[Any, int]:
    """Log in and count the Argon2id computations the attempt cost."""
    calls = 0
    original = argon2.low_level.hash_secret

    def counting(*args: Any, **kwargs: Any) -> bytes:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    with mock.patch("argon2.low_level.hash_secret", counting):
        response = Client().post(
            reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, secure=True
        )
    return response, calls


def test_a_duress_login_looks_exactly_like_a_normal_one(caseworker: User) -> None:
    do_set_duress_password(user=caseworker, duress_password=DURESS)
    normal, normal_calls = attempt(PASSWORD, "10.3.0.1")
    duress, duress_calls = attempt(DURESS, "10.3.0.2")
    assert normal.status_code == duress.status_code == 302
    assert normal["Location"] == duress["Location"]
    assert {k for k in normal.headers if k not in HEADERS_THAT_MAY_DIFFER} == {
        k for k in duress.headers if k not in HEADERS_THAT_MAY_DIFFER
    }
    assert normal_calls == duress_calls == 1


def test_a_wrong_password_costs_the_same_hashing_as_a_right_one(caseworker: User) -> None:
    do_set_duress_password(user=caseworker, duress_password=DURESS)
    _, right_calls = attempt(PASSWORD, "10.4.0.1")
    _, wrong_calls = attempt("an entirely wrong passphrase", "10.4.0.2")
    assert right_calls == wrong_calls == 1
    _, unknown_calls = attempt("an entirely wrong passphrase", "10.4.0.3", username="nobody")
    assert unknown_calls == 1


def test_after_duress_the_account_is_empty_others_are_alerted_and_data_survives(
    caseworker: User, coordinator: User, team: Team
) -> None:
    do_set_duress_password(user=caseworker, duress_password=DURESS)
    other_session = login_as(Client(), caseworker)
    coerced = Client()
    coerced.post(reverse("accounts:login"), {"username": "caseworker", "password": DURESS}, secure=True)
    device = TOTPDevice.objects.get(user=caseworker)
    coerced.post(reverse("accounts:two_factor"), {"token": totp_code(device)}, secure=True)

    home = coerced.get(reverse("core:home"), secure=True)
    assert home.status_code == 200
    assert b"North" not in home.content
    caseworker.refresh_from_db()
    assert caseworker.access_revoked
    assert not caseworker.teams.exists()
    assert DuressAlert.objects.filter(user=caseworker).count() == 1
    assert other_session.get(reverse("core:home"), secure=True).status_code == 302
    assert Team.objects.filter(pk=team.pk).exists()
    assert coordinator.teams.filter(pk=team.pk).exists()
    coordinator_home = login_as(Client(), coordinator).get(reverse("core:home"), secure=True)
    assert b"duress password" in coordinator_home.content


def test_the_duress_password_must_differ_from_the_normal_one(caseworker: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_set_duress_password(user=caseworker, duress_password=PASSWORD)


def test_the_duress_password_keeps_working_after_a_password_change(caseworker: User) -> None:
    from vigil.accounts.actions import do_change_password

    do_set_duress_password(user=caseworker, duress_password=DURESS)
    do_change_password(user=caseworker, new_password="another long passphrase for the caseworker")
    attempt(DURESS, "10.6.0.1")
    caseworker.refresh_from_db()
    assert caseworker.access_revoked
    assert DuressAlert.objects.filter(user=caseworker).exists()
