"""Monitoring tests that touch the database run with the vault unsealed: reports and drafts are sealed fields."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _unsealed_for_database_tests(request: pytest.FixtureRequest) -> None:
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if uses_database:
        request.getfixturevalue("unsealed_vault")
