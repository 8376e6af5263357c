"""The authorisation matrix, generated from the URL resolver and the OpenAPI schema (SECURITY-CRITERIA 6).

For every endpoint that takes an object id, a member of the owning team can open the object and an outsider gets
404 with no data, so the answer never reveals whether the object exists.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vigil.accounts.models import Team, User
from vigil.testing.authz import FACTORIES, NOT_OBJECT_ENDPOINTS
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")

# Each app that adds object endpoints registers their factories in its tests/authz_factories.py.
for module in (
    "vigil.incidents.tests.authz_factories",
    "vigil.monitoring.tests.authz_factories",
    "vigil.vault.tests.authz_factories",
):
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name is None or not module.startswith(error.name):
            raise


def url_names_with_parameters(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names_with_parameters(pattern.url_patterns, inner)
        elif pattern.name and PARAMETER.search(str(pattern.pattern)):
            yield f"{namespace}{pattern.name}"


def api_operations_with_parameters() -> Iterator[str]:
    from vigil.api.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        if PARAMETER.search(path) and "get" in operations:
            yield f"GET {path}"


def endpoints() -> list[str]:
    return sorted({*url_names_with_parameters(), *api_operations_with_parameters()} - {"api:api-root"})


def test_every_object_endpoint_has_a_factory_in_the_matrix() -> None:
    missing = [name for name in endpoints() if name not in FACTORIES and name not in NOT_OBJECT_ENDPOINTS]
    assert missing == [], "register these in an authz_factories module (vigil/testing/authz.py explains how)"


def fetch(client: Client, endpoint: str, params: dict[str, Any]) -> Any:
    if endpoint.startswith("GET "):
        path = endpoint.removeprefix("GET ")
        return client.get(PARAMETER.sub(lambda match: str(params[match.group(1) or match.group(2)]), path), secure=True)
    return client.get(reverse(endpoint, kwargs=params), secure=True)


@pytest.mark.parametrize("endpoint", [name for name in endpoints() if name in FACTORIES])
def test_a_member_sees_the_object_and_an_outsider_gets_not_found(
    endpoint: str, team: Team, caseworker: User, outsider: User, unsealed_vault: str
) -> None:
    params = FACTORIES[endpoint](team, caseworker)
    member = fetch(login_as(Client(), caseworker), endpoint, params)
    assert member.status_code == 200, f"{endpoint}: the owning team cannot open its own object"
    stranger = fetch(login_as(Client(), outsider), endpoint, params)
    assert stranger.status_code == 404, f"{endpoint}: an outsider got {stranger.status_code}"
    for value in params.values():
        assert str(value) not in stranger.content.decode("utf-8", "replace")
