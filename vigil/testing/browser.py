"""Browser tests with real Chromium: Debian's `chromium` driven by Playwright through `executable_path`.

Nothing is downloaded: Playwright's own browser builds are never used. Each test's page records every request it makes,
and the fixture fails the test if any went to another origin (SECURITY-CRITERIA 16).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

from vigil.accounts.models import User
from vigil.testing.fixtures import PASSWORD, totp_code

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is not installed; 'make test' installs it (apt-get install chromium).")
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser profile on the live server; fails the test if the page asked any other origin for anything."""
    context = chromium.new_context(locale="en-GB", base_url=live_server.url)
    browser_page = context.new_page()
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.set_default_timeout(10_000)
    yield browser_page
    context.close()
    foreign = [url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert foreign == [], f"the page contacted other origins: {foreign}"


def log_in(page: Any, user: User, password: str = PASSWORD) -> None:
    """Log in through the real pages: password, then the current authenticator code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto("/accounts/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.locator("form.stacked button[type=submit]").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        page.wait_for_url("**/accounts/login/code/")
        page.fill("#id_token", totp_code(device))
        page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
