"""The web shell in real Chromium: two-step login, language switch, logout."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.accounts.models import User
from vigil.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_logs_in_with_a_code_and_sees_the_home_page(page: Any, caseworker: User) -> None:
    log_in(page, caseworker)
    assert page.locator("h1").inner_text() == "Home"
    assert page.locator("text=North").count() == 1
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies["__Host-vigil-session"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"


def test_a_wrong_code_keeps_the_door_shut(page: Any, caseworker: User) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", "caseworker")
    page.fill("#id_password", "correct horse battery staple vigil")
    page.locator("form.stacked button[type=submit]").click()
    page.fill("#id_token", "000000")
    page.locator("form.stacked button[type=submit]").click()
    assert page.locator("[role=alert]").count() == 1
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_switching_to_russian_translates_the_page_and_back(page: Any, caseworker: User) -> None:
    log_in(page, caseworker)
    page.select_option("#language-select", "ru")
    page.locator("[data-testid=switch-language]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Главная"
    page.select_option("#language-select", "en")
    page.locator("[data-testid=switch-language]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Home"


def test_logging_out_ends_the_session(page: Any, caseworker: User) -> None:
    log_in(page, caseworker)
    page.locator("[data-testid=logout]").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "Log in"
