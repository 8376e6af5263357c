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
    create_demo_incidents()
    return accounts


# Invented incidents (no real event, person or place detail) for the documentation pages: (title, summary, place,
# start, verification, [(act type, perpetrator, articles)], source label).
DemoIncident = tuple[str, str, str, str, str, list[tuple[str, str, list[str]]], str]
DEMO_INCIDENTS: tuple[DemoIncident, ...] = (
    (
        "Detention after a staged date (invented example)",
        "An invented example: a man is detained after a date arranged through a fake profile; his phone is searched.",
        "RU/makhachkala",
        "2025-03",
        "V1",
        [
            ("staged_date", "centre_e", []),
            ("forced_phone_unlock", "police", []),
            ("administrative_arrest", "court", ["KoAP 19.3"]),
        ],
        "Lawyer (invented)",
    ),
    (
        "Round-up at a café (invented example)",
        "An invented example: about forty men are taken to a police station; threats of outing.",
        "RU-CE",
        "~2024",
        "V0",
        [("deprivation_of_liberty", "chechen_police_units", []), ("outing_threat", "chechen_police_units", [])],
        "Telegram channel (invented)",
    ),
)


def create_demo_incidents() -> None:
    """Two invented incidents for the North Caucasus team, made through the real actions (pseudonyms only)."""
    from vigil.incidents.actions import (
        PerpetratorInput,
        do_add_act,
        do_add_source,
        do_create_incident,
        do_create_person,
    )

    author = User.objects.filter(username="documenter").first()
    team = author.teams.filter(name="North Caucasus").first() if author else None
    if author is None or team is None:
        return
    for title, summary, place, start, verification, acts, source in DEMO_INCIDENTS:
        incident = do_create_incident(
            actor=author,
            team=team,
            values={"title": title, "summary": summary, "place": place, "start": start, "verification": verification},
        )
        victim = do_create_person(actor=author, team=team, values={"pseudonym": f"Victim {incident.pk} (invented)"})
        for act_type, perpetrator, articles in acts:
            do_add_act(
                actor=author,
                incident=incident,
                values={"act_type": act_type, "start": start, "place": place, "articles": articles},
                victim=victim,
                perpetrators=[PerpetratorInput(perpetrator)],
            )
        do_add_source(
            actor=author,
            incident=incident,
            values={
                "source_type": "lawyer" if "Lawyer" in source else "telegram_channel",
                "label": source,
                "reliability": "C",
            },
        )


def create_sealed_demo_data(passphrase: str) -> None:
    """Demo data that lives in the vault: drafts in the review queue and an invented identity behind a pseudonym.

    Unseals this process with the demo passphrase for the moment it takes, then seals it again.
    """
    from vigil.incidents.actions import do_update_person
    from vigil.incidents.models import Person
    from vigil.monitoring.demo import create_demo_drafts
    from vigil.vault import state
    from vigil.vault.actions import unlock
    from vigil.vault.keys import Credential

    documenter = User.objects.filter(username="documenter").first()
    team = documenter.teams.filter(name="North Caucasus").first() if documenter else None
    if documenter is None or team is None:
        return
    state.unseal_process(unlock(Credential("passphrase", secret=passphrase)))
    try:
        create_demo_drafts(team)
        person = Person.objects.filter(team=team).order_by("created_at").first()
        if person is not None:
            do_update_person(
                actor=User.objects.get(username="coordinator"),
                person=person,
                values={},
                identity={"name": "Ибрагим Демонстрационный (invented)", "phone": "+7 900 000-00-00"},
            )
    finally:
        state.seal_process()


def write_credentials(accounts: list[DemoAccount], extra_lines: list[str]) -> str:
    lines = ["Vigil demo instance: invented data only. Log in at the address that 'vigil serve' prints.", ""]
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
