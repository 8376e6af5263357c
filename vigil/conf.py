"""Strict parsing of Vigil's environment variables.

An operator under pressure must not discover at 3 a.m. that a typo in a setting silently fell back to a default
(say, DEBUG on, or sessions that never expire). Every setting therefore goes through one of these parsers, which
reject anything they do not understand with a sentence naming the variable, and `vigil` turns that into a one-line
error and a non-zero exit before anything else happens.

`SETTINGS` documents every variable Vigil reads; the docs-drift test checks that each one is in the README.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class ConfigError(Exception):
    """A setting has a value Vigil cannot use. The message names the variable and says what is expected."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("VIGIL_DATA_DIR", "./var/vigil", "Directory that holds everything an instance owns."),
    Setting("DATABASE_URL", "(SQLite in the data directory)", "PostgreSQL URL, e.g. postgres://user@host/db."),
    Setting("VIGIL_DEBUG", "false", "Django debug mode. Never on a real instance."),
    Setting("VIGIL_ALLOWED_HOSTS", "127.0.0.1,localhost", "Host names the server answers to, comma-separated."),
    Setting("VIGIL_SECRET_KEY_FILE", "(generated in the data directory)", "File holding Django's secret key."),
    Setting("VIGIL_LANGUAGE", "ru", "Default interface language: ru or en."),
    Setting("VIGIL_TIME_ZONE", "Europe/Moscow", "Time zone in which dates are shown."),
    Setting("VIGIL_SESSION_IDLE_MINUTES", "15", "A session ends after this many minutes without a request."),
    Setting("VIGIL_SESSION_MAX_HOURS", "8", "A session ends this many hours after login, whatever happens."),
    Setting("VIGIL_LOGIN_FAILURE_LIMIT", "5", "Failed logins (per account and per address) before a lock-out."),
    Setting("VIGIL_LOGIN_COOLOFF_MINUTES", "15", "How long a lock-out lasts."),
    Setting("VIGIL_HTTPS", "false", "The server is reached over HTTPS (adds HSTS); set behind a TLS proxy."),
    Setting("VIGIL_LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
    Setting("VIGIL_MAX_UPLOAD_MB", "200", "Largest file an upload may carry, in megabytes."),
    Setting(
        "VIGIL_CHEAP_KDF_FOR_TESTS",
        "false",
        "Use fast, weak key derivation. Only for the test suite; refused unless VIGIL_DEBUG is on.",
    ),
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads typed values from an environment mapping, failing loudly on anything unparseable."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        return self.environ.get(name)

    def string(self, name: str, default: str) -> str:
        value = self.environ.get(name)
        return default if value is None else value.strip()

    def boolean(self, name: str, default: bool) -> bool:
        value = self.environ.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{name} must be true or false (got {value!r}).")

    def integer(self, name: str, default: int, *, minimum: int = 0, maximum: int = 10**9) -> int:
        value = self.environ.get(name)
        if value is None:
            return default
        try:
            number = int(value.strip())
        except ValueError:
            raise ConfigError(f"{name} must be a whole number (got {value!r}).") from None
        if not minimum <= number <= maximum:
            raise ConfigError(f"{name} must be between {minimum} and {maximum} (got {number}).")
        return number

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.string(name, default)
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)} (got {value!r}).")
        return value

    def items(self, name: str, default: str) -> list[str]:
        return [part.strip() for part in self.string(name, default).split(",") if part.strip()]

    def path(self, name: str, default: str) -> Path:
        value = self.string(name, default)
        if not value:
            raise ConfigError(f"{name} must name a directory.")
        return Path(value).expanduser().resolve()


def read_secret_file(name: str, path_text: str) -> str:
    """Read a secret from the file a `*_FILE` variable names; secrets are never passed inline."""
    path = Path(path_text).expanduser()
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"{name} names {path}, which cannot be read ({error.strerror}).") from None
    if len(value) < 32:
        raise ConfigError(f"{name} names {path}, which must hold at least 32 characters.")
    return value


def load_or_create_secret(path: Path) -> str:
    """Return the secret stored at `path`, creating it with mode 0600 if the file does not exist yet.

    The directory must already exist: creating an instance is `vigil init`'s job, not a side effect of reading
    settings. When the directory is missing the returned secret is ephemeral and nothing is written.
    """
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_urlsafe(48)
    if not path.parent.is_dir():
        return secret
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret
