"""Running `vigil` as an operator does: a separate process with its own environment, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

VIGIL = Path(sys.executable).with_name("vigil")


def run_vigil(
    *args: str, data_dir: Path, env: Mapping[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VIGIL_") and key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update({"VIGIL_DATA_DIR": str(data_dir), "VIGIL_DEBUG": "true", "VIGIL_CHEAP_KDF_FOR_TESTS": "true"})
    if os.environ.get("VIGIL_TEST_DATABASE_URL"):
        environ["DATABASE_URL"] = os.environ["VIGIL_TEST_DATABASE_URL"]
    environ.update(env or {})
    return subprocess.run(
        [str(VIGIL), *args], capture_output=True, text=True, env=environ, input=stdin, timeout=timeout, check=False
    )


def postgres_base_url() -> str | None:
    return os.environ.get("DATABASE_URL") or None


@contextmanager
def fresh_database() -> Iterator[None]:
    """On PostgreSQL, a new empty database for one test's `vigil` processes; on SQLite, nothing to do."""
    base = postgres_base_url()
    if base is None:
        yield
        return
    import psycopg

    name = f"vigil_cli_{uuid.uuid4().hex[:12]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    previous = os.environ.get("VIGIL_TEST_DATABASE_URL")
    os.environ["VIGIL_TEST_DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("VIGIL_TEST_DATABASE_URL", None)
        else:
            os.environ["VIGIL_TEST_DATABASE_URL"] = previous
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
