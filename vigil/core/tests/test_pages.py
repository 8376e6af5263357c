"""Every page: strict headers, and no resource from any other origin (SECURITY-CRITERIA 16, 17)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from vigil.accounts.models import User
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db

VIGIL_DIR = Path(__file__).resolve().parents[2]
EXTERNAL_REFERENCE = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
ANY_URL = re.compile(r"https?://", re.IGNORECASE)


def parameterless_paths(patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route:
            continue
        if isinstance(pattern, URLResolver):
            yield from parameterless_paths(pattern.url_patterns, prefix + route)
        else:
            yield "/" + (prefix + route).lstrip("^").rstrip("$")


def assert_hardened(response: object, path: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp, path
    assert "frame-ancestors 'none'" in csp, path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Referrer-Policy"] == "no-referrer", path
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert headers["Cache-Control"] == "no-store", path


def fetch_everything(client: Client) -> Iterator[tuple[str, object]]:
    for path in sorted(set(parameterless_paths())):
        yield path, client.get(path, secure=True)


def test_every_page_is_hardened_and_self_contained_for_a_visitor() -> None:
    for path, response in fetch_everything(Client()):
        assert_hardened(response, path)
        assert not EXTERNAL_REFERENCE.search(response.content.decode("utf-8", "replace")), path  # type: ignore[attr-defined]


def test_every_page_is_hardened_and_self_contained_for_a_coordinator(coordinator: User) -> None:
    client = login_as(Client(), coordinator)
    for path, response in fetch_everything(client):
        if path.endswith("logout/") or path.endswith("everywhere/"):
            continue
        assert_hardened(response, path)
        assert not EXTERNAL_REFERENCE.search(response.content.decode("utf-8", "replace")), path  # type: ignore[attr-defined]


def test_no_template_or_static_file_names_another_site() -> None:
    offenders = []
    for path in VIGIL_DIR.rglob("*"):
        is_asset = path.suffix in {".html", ".css", ".js", ".svg"} and "tests" not in path.parts
        if is_asset and ANY_URL.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(VIGIL_DIR)))
    assert offenders == []


def test_an_unknown_page_is_a_plain_not_found() -> None:
    response = Client().get("/no/such/page/", secure=True)
    assert response.status_code == 404
    assert_hardened(response, "/no/such/page/")


def test_a_crash_shows_a_generic_page_without_details(coordinator: User) -> None:
    client = login_as(Client(raise_request_exception=False), coordinator)
    failure = RuntimeError("secret-local-value")
    with mock.patch("vigil.core.views.dashboard_for", side_effect=failure):
        response = client.get("/", secure=True)
    assert response.status_code == 500
    assert_hardened(response, "/")
    assert b"secret-local-value" not in response.content
    assert b"Traceback" not in response.content
