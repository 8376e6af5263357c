"""The instance on disk: the data directory, its marker file, and the checks that guard creating one.

`vigil init` must never overwrite an existing instance, and must fail before changing anything when the directory
is not writable or the database cannot be reached, so these checks run first and each raises `InstanceError` with a
sentence an operator can act on.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django.utils import timezone

MARKER_NAME = "instance.json"


class InstanceError(Exception):
    """An instance cannot be created or used here; the message is one sentence an operator can act on."""


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def marker_path() -> Path:
    return data_dir() / MARKER_NAME


def is_initialised() -> bool:
    return marker_path().exists()


def uses_sqlite() -> bool:
    return str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")


def check_can_create() -> None:
    """Raise unless a new instance can be created here without touching anything that exists."""
    directory = data_dir()
    if is_initialised():
        raise InstanceError(f"an instance already exists in {directory}; nothing was changed.")
    if directory.exists() and not directory.is_dir():
        raise InstanceError(f"{directory} exists and is not a directory; nothing was changed.")
    # Anything already there (files, keys, a half-finished instance) would be mixed into the new one. The secret key
    # is the exception: settings create it in an existing, empty data directory.
    if directory.is_dir() and any(entry.name != "secret_key" for entry in directory.iterdir()):
        raise InstanceError(f"the data directory {directory} is not empty; nothing was changed.")
    parent = directory if directory.exists() else _nearest_existing_parent(directory)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InstanceError(f"the data directory {directory} cannot be written; nothing was changed.")
    if uses_sqlite():
        if Path(settings.DATABASES["default"]["NAME"]).exists():
            raise InstanceError(f"a database already exists in {directory}; nothing was changed.")
    else:
        check_database_reachable()
        if "django_migrations" in connection.introspection.table_names():
            raise InstanceError("the PostgreSQL database already holds an instance; nothing was changed.")


def _nearest_existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path("/")


def check_database_reachable() -> None:
    try:
        connection.ensure_connection()
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        raise InstanceError(f"the database cannot be reached ({first_line}); nothing was changed.") from None


def create_data_dir() -> Path:
    directory = data_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    for sub in ("logs", "run"):
        (directory / sub).mkdir(mode=0o700, exist_ok=True)
    return directory


def write_private_file(path: Path, content: bytes) -> None:
    """Create `path` with mode 0600, refusing to overwrite: keys and secrets are written once."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def write_marker(extra: dict[str, str]) -> None:
    content = {"created_at": timezone.now().isoformat(), "format": "1", **extra}
    write_private_file(marker_path(), json.dumps(content, indent=2).encode())


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
