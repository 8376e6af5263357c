"""Named personas and logged-in clients, made through the real actions (STYLE.md: no rows behind their back)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.actions import do_create_team, do_create_user
from vigil.accounts.middleware import start_session_clock
from vigil.accounts.models import Role, Team, User

PASSWORD = "correct horse battery staple vigil"


def make_user(username: str, role: Role, teams: list[Team] | None = None, *, with_device: bool = True) -> User:
    user = do_create_user(username=username, password=PASSWORD, role=role, teams=teams or [])
    if with_device:
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def totp_code(device: TOTPDevice, step_offset: int = 0) -> str:
    """The code an authenticator app would show now (or `step_offset` steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def login_as(client: Client, user: User) -> Client:
    """A session that has passed both factors, without replaying the login pages (tests of those pages do)."""
    client.force_login(user, backend="vigil.accounts.backends.PasswordAndDuressBackend")
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    now = int(time.time())
    session["vigil_login_at"] = now
    session["vigil_last_seen"] = now
    session["vigil_epoch"] = user.session_epoch
    session.save()
    return client


@pytest.fixture(autouse=True)
def isolated_data_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test gets its own data directory, so files and keys one test leaves behind never meet another."""
    data_dir = tmp_path / "vigil-data"
    data_dir.mkdir(mode=0o700)
    settings.DATA_DIR = data_dir
    return data_dir


@pytest.fixture
def team(db: None) -> Team:
    return do_create_team(name="North")


@pytest.fixture
def other_team(db: None) -> Team:
    return do_create_team(name="South")


@pytest.fixture
def coordinator(db: None, team: Team) -> User:
    return make_user("coordinator", Role.COORDINATOR, [team])


@pytest.fixture
def caseworker(db: None, team: Team) -> User:
    return make_user("caseworker", Role.CASEWORKER, [team])


@pytest.fixture
def colleague(db: None, team: Team) -> User:
    return make_user("colleague", Role.DOCUMENTER, [team])


@pytest.fixture
def outsider(db: None, other_team: Team) -> User:
    return make_user("outsider", Role.CASEWORKER, [other_team])


@pytest.fixture
def viewer(db: None, team: Team) -> User:
    return make_user("viewer", Role.VIEWER, [team], with_device=False)


VAULT_PASSPHRASE = "a vault passphrase only the operator knows"


@pytest.fixture
def vault(db: None) -> Iterator[str]:
    """A sealed vault created by the real action; yields its recovery key. The process is sealed afterwards."""
    from vigil.vault import state
    from vigil.vault.actions import do_create_vault

    created = do_create_vault(passphrase=VAULT_PASSPHRASE)
    yield created.recovery_key
    state.seal_process()


@pytest.fixture
def unsealed_vault(vault: str) -> Iterator[str]:
    """The vault unsealed in this process with the operator passphrase; yields the recovery key."""
    from vigil.vault import state
    from vigil.vault.actions import do_unseal
    from vigil.vault.keys import Credential

    do_unseal(credential=Credential("passphrase", secret=VAULT_PASSPHRASE))
    yield vault
    state.seal_process()


__all__ = ["PASSWORD", "VAULT_PASSPHRASE", "login_as", "make_user", "start_session_clock", "totp_code"]
