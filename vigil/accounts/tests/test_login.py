from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.models import User
from vigil.testing.fixtures import PASSWORD, login_as, totp_code

pytestmark = pytest.mark.django_db

SESSION_COOKIE = "__Host-vigil-session"


def password_step(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, secure=True
    )


def code_step(client: Client, code: str) -> Any:
    return client.post(reverse("accounts:two_factor"), {"token": code}, secure=True)


def test_a_caseworker_logs_in_with_password_and_code(caseworker: User) -> None:
    client = Client()
    response = password_step(client, "caseworker")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    device = TOTPDevice.objects.get(user=caseworker)
    response = code_step(client, totp_code(device))
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"), secure=True)
    assert home.status_code == 200
    assert b"North" in home.content


def test_the_password_alone_does_not_open_the_home_page(caseworker: User) -> None:
    client = Client()
    password_step(client, "caseworker")
    response = client.get(reverse("core:home"), secure=True)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_session_cookie_is_host_only_secure_httponly_and_strict(caseworker: User) -> None:
    client = Client()
    password_step(client, "caseworker")
    code_step(client, totp_code(TOTPDevice.objects.get(user=caseworker)))
    cookie = client.cookies[SESSION_COOKIE]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_the_session_id_changes_at_login(caseworker: User) -> None:
    client = Client()
    client.get(reverse("accounts:login"), secure=True)
    before = client.cookies[SESSION_COOKIE].value
    password_step(client, "caseworker")
    after_password = client.cookies[SESSION_COOKIE].value
    code_step(client, totp_code(TOTPDevice.objects.get(user=caseworker)))
    after_code = client.cookies[SESSION_COOKIE].value
    assert len({before, after_password, after_code}) == 3


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(caseworker: User) -> None:
    wrong = password_step(Client(), "caseworker", "not the password at all")
    unknown = password_step(Client(), "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert without_tokens(wrong.content, b"caseworker") == without_tokens(unknown.content, b"nobody-here")


def without_tokens(page: bytes, username: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page.replace(username, b"X"))


def test_a_code_can_be_used_only_once(caseworker: User) -> None:
    device = TOTPDevice.objects.get(user=caseworker)
    code = totp_code(device)
    first = Client()
    password_step(first, "caseworker")
    assert code_step(first, code)["Location"] == reverse("core:home")
    second = Client()
    password_step(second, "caseworker")
    response = code_step(second, code)
    assert response.status_code == 200
    assert b"not right" in response.content


def test_codes_one_step_away_work_and_two_steps_away_fail(caseworker: User) -> None:
    device = TOTPDevice.objects.get(user=caseworker)
    far = Client()
    password_step(far, "caseworker")
    assert code_step(far, totp_code(device, step_offset=-3)).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    near = Client()
    password_step(near, "caseworker")
    assert code_step(near, totp_code(device, step_offset=1)).status_code == 302


def test_an_account_is_locked_after_repeated_failures_but_others_are_not(caseworker: User, colleague: User) -> None:
    for attempt in range(5):
        password_step(Client(), "caseworker", f"wrong password number {attempt}", ip=f"10.1.0.{attempt}")
    locked = password_step(Client(), "caseworker", PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 200
    assert b"not right" in locked.content
    assert password_step(Client(), "colleague", PASSWORD, ip="10.9.9.9").status_code == 302


def test_an_address_is_locked_after_repeated_failures(caseworker: User, colleague: User) -> None:
    for attempt in range(5):
        password_step(Client(), f"ghost{attempt}", "wrong password", ip="10.2.0.1")
    blocked = password_step(Client(), "colleague", PASSWORD, ip="10.2.0.1")
    assert blocked.status_code == 200
    assert b"not right" in blocked.content
    assert password_step(Client(), "colleague", PASSWORD, ip="10.2.0.2").status_code == 302


def test_a_megabyte_password_is_refused_before_hashing(caseworker: User) -> None:
    with mock.patch("vigil.accounts.views.check_credentials") as check:
        response = password_step(Client(), "caseworker", "x" * 1_000_000)
    assert response.status_code == 200
    check.assert_not_called()


def test_logout_needs_post_and_kills_the_old_cookie(caseworker: User) -> None:
    client = login_as(Client(), caseworker)
    assert client.get(reverse("accounts:logout"), secure=True).status_code == 405
    old_cookie = client.cookies[SESSION_COOKIE].value
    response = client.post(reverse("accounts:logout"), secure=True)
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]
    replay = Client()
    replay.cookies[SESSION_COOKIE] = old_cookie
    assert replay.get(reverse("core:home"), secure=True).status_code == 302


def test_logout_refuses_a_post_without_the_csrf_token(caseworker: User) -> None:
    client = login_as(Client(enforce_csrf_checks=True), caseworker)
    assert client.post(reverse("accounts:logout"), secure=True).status_code == 403
    assert client.get(reverse("core:home"), secure=True).status_code == 200


def test_a_session_ends_after_fifteen_idle_minutes(caseworker: User) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = login_as(Client(), caseworker)
        clock.shift(dt.timedelta(minutes=14))
        assert client.get(reverse("core:home"), secure=True).status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        assert client.get(reverse("core:home"), secure=True).status_code == 302


def test_a_session_ends_eight_hours_after_login_even_when_busy(caseworker: User) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = login_as(Client(), caseworker)
        for _ in range(8 * 6 - 1):
            clock.shift(dt.timedelta(minutes=10))
            assert client.get(reverse("core:home"), secure=True).status_code == 200
        clock.shift(dt.timedelta(minutes=11))
        assert client.get(reverse("core:home"), secure=True).status_code == 302


def test_log_out_everywhere_ends_every_session_of_the_user(caseworker: User) -> None:
    laptop = login_as(Client(), caseworker)
    phone = login_as(Client(), caseworker)
    laptop.post(reverse("accounts:logout_everywhere"), secure=True)
    assert phone.get(reverse("core:home"), secure=True).status_code == 302


def test_a_password_change_ends_every_session(caseworker: User) -> None:
    from vigil.accounts.actions import do_change_password

    client = login_as(Client(), caseworker)
    do_change_password(user=caseworker, new_password="a completely different passphrase here")
    assert client.get(reverse("core:home"), secure=True).status_code == 302


def test_deactivation_ends_every_session(caseworker: User) -> None:
    from vigil.accounts.actions import do_deactivate_user

    client = login_as(Client(), caseworker)
    do_deactivate_user(user=caseworker)
    assert client.get(reverse("core:home"), secure=True).status_code == 302


def test_enrolment_shows_the_secret_once_and_never_after_confirmation(db: None) -> None:
    from vigil.accounts.models import Role
    from vigil.testing.fixtures import make_user

    make_user("newcomer", Role.CASEWORKER, with_device=False)
    client = Client()
    response = password_step(client, "newcomer")
    assert response["Location"] == reverse("accounts:two_factor")
    enrol = client.get(reverse("accounts:enrol"), secure=True)
    device = TOTPDevice.objects.get(user__username="newcomer")
    secret = device.bin_key.hex()
    assert b"totp-secret" in enrol.content
    assert code_step_enrol(client, totp_code(device)).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    again = Client()
    password_step(again, "newcomer")
    for url in (reverse("accounts:enrol"), reverse("accounts:two_factor")):
        page = again.get(url, secure=True, follow=True)
        assert b"totp-secret" not in page.content
        assert secret.encode() not in page.content


def code_step_enrol(client: Client, code: str) -> Any:
    return client.post(reverse("accounts:enrol"), {"token": code}, secure=True)


def test_passwords_are_hashed_with_argon2id(caseworker: User) -> None:
    caseworker.refresh_from_db()
    assert caseworker.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, caseworker.password)


def test_a_locked_out_account_gets_the_same_page_as_a_wrong_password(caseworker: User) -> None:
    wrong = password_step(Client(), "caseworker", "a wrong but long password", ip="10.5.0.1")
    for attempt in range(5):
        password_step(Client(), "caseworker", f"wrong password number {attempt}", ip=f"10.5.1.{attempt}")
    locked = password_step(Client(), "caseworker", "a wrong but long password", ip="10.5.0.1")
    assert locked.status_code == wrong.status_code == 200
    assert without_tokens(locked.content, b"caseworker") == without_tokens(wrong.content, b"caseworker")
