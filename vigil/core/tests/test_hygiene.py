"""Deployment checks and log hygiene (SECURITY-CRITERIA 19, 20)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.models import User
from vigil.core.logging import EscapeNewlinesFilter
from vigil.testing.cli import run_vigil
from vigil.testing.fixtures import PASSWORD, totp_code


def test_the_deploy_check_is_clean_for_an_https_instance(tmp_path: Path) -> None:
    result = run_vigil(
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        data_dir=tmp_path,
        env={"VIGIL_HTTPS": "true", "VIGIL_DEBUG": "false", "VIGIL_CHEAP_KDF_FOR_TESTS": "false"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_logins_leave_no_password_code_or_session_id_in_the_logs(
    caseworker: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": "caseworker", "password": "wrong but long password"}, secure=True
    )
    client.post(reverse("accounts:login"), {"username": "caseworker", "password": PASSWORD}, secure=True)
    code = totp_code(TOTPDevice.objects.get(user=caseworker))
    client.post(reverse("accounts:two_factor"), {"token": code}, secure=True)
    session_id = client.cookies["__Host-vigil-session"].value
    logged = caplog.text
    for secret in (PASSWORD, "wrong but long password", code, session_id):
        assert secret not in logged


def test_line_breaks_in_logged_values_cannot_forge_entries() -> None:
    record = logging.LogRecord("vigil", logging.INFO, __file__, 1, "user %s", ("eve\nINFO forged entry",), None)
    EscapeNewlinesFilter().filter(record)
    assert "\n" not in record.getMessage()
    assert "eve\\nINFO forged entry" in record.getMessage()
