"""A demonstration instance: the real thing (same code, same protections) filled with invented people and events.

Used by `make run` so that a newcomer sees what Vigil does within a minute. Every account's password and
authenticator key are written to DEMO-CREDENTIALS.txt in the data directory, which a real instance never has.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.actions import do_create_team, do_create_user
from vigil.accounts.models import Role, User
from vigil.core import instance

CREDENTIALS_NAME = "DEMO-CREDENTIALS.txt"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    password: str
    totp_secret: str


DEMO_PEOPLE = (
    ("coordinator", Role.COORDINATOR, ["North Caucasus"]),
    ("caseworker", Role.CASEWORKER, ["North Caucasus"]),
    ("documenter", Role.DOCUMENTER, ["North Caucasus", "Monitoring"]),
    ("outsider", Role.CASEWORKER, ["Moscow"]),
    ("viewer", Role.VIEWER, ["Monitoring"]),
)


def is_demo_instance() -> bool:
    if not instance.is_initialised():
        return False
    return bool(json.loads(instance.marker_path().read_text(encoding="utf-8")).get("demo"))


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    teams = {name: do_create_team(name=name) for name in sorted({t for _, _, names in DEMO_PEOPLE for t in names})}
    accounts = []
    for username, role, team_names in DEMO_PEOPLE:
        password = "-".join(secrets.token_hex(3) for _ in range(4))
        user = User.objects.filter(username=username).first()
        if user is None:
            user = do_create_user(
                username=username, password=password, role=role, teams=[teams[name] for name in team_names]
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.teams.set([teams[name] for name in team_names])
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        accounts.append(DemoAccount(username, role, password, base64.b32encode(device.bin_key).decode()))
    return accounts


def write_credentials(accounts: list[DemoAccount], extra_lines: list[str]) -> str:
    lines = ["Vigil demo instance: invented data only. Log in at http://127.0.0.1:8000/", ""]
    for account in accounts:
        lines.append(
            f"  {account.username:<12} role {account.role.value:<12} password {account.password}"
            f"   authenticator key {account.totp_secret}"
        )
    lines += [
        "",
        "Add the authenticator key to an app such as FreeOTP or Aegis, or print the current code with:",
        "  VIGIL_DATA_DIR=var/demo .venv/bin/vigil demo --code USERNAME",
        *extra_lines,
    ]
    text = "\n".join(lines) + "\n"
    instance.write_private_file(instance.data_dir() / CREDENTIALS_NAME, text.encode())
    return text


def read_credentials() -> str:
    return (instance.data_dir() / CREDENTIALS_NAME).read_text(encoding="utf-8")


def current_code(username: str) -> str:
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
