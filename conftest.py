"""Shared fixtures (named personas, logged-in clients); the test environment itself is `vigil.testing.environment`."""

import pytest

pytest_plugins = ["vigil.testing.fixtures", "vigil.testing.browser"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-only",
        action="store_true",
        help="Run only the tests that touch a database (the PostgreSQL pass of .ci/run).",
    )


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def touches_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("uses_database"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-only"):
        return
    selected = [item for item in items if touches_database(item)]
    deselected = [item for item in items if not touches_database(item)]
    config.hook.pytest_deselected(items=deselected)
    items[:] = selected
