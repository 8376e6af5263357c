"""Creating an instance, shared by `vigil init` and `vigil demo` so that a demo is built exactly like a real one."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from vigil.audit import service as audit_service
from vigil.core import instance


def create_instance() -> Path:
    """Create the data directory, database schema and audit key. Raises InstanceError before touching anything."""
    instance.check_can_create()
    directory = instance.create_data_dir()
    if not settings.SECRET_KEY_FROM_FILE and not (directory / "secret_key").exists():
        instance.write_private_file(directory / "secret_key", settings.SECRET_KEY.encode())
    call_command("migrate", interactive=False, verbosity=0)
    audit_service.create_signing_key()
    return directory
