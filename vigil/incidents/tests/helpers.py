"""Data for the incident tests, made through the real actions."""

from __future__ import annotations

from typing import Any

from vigil.accounts.models import Team, User
from vigil.incidents.actions import PerpetratorInput, do_add_act, do_add_source, do_create_incident
from vigil.incidents.models import Act, Incident, Source


def make_incident(actor: User, team: Team, **values: Any) -> Incident:
    defaults: dict[str, Any] = {
        "title": "Detention at a staged date in Makhachkala",
        "summary": "Two men were detained after a date arranged through a fake profile.",
        "place": "RU/makhachkala",
        "start": "2025-03",
        "verification": "V1",
    }
    defaults.update(values)
    return do_create_incident(actor=actor, team=team, values=defaults)


def make_act(actor: User, incident: Incident, act_type: str = "administrative_arrest", **values: Any) -> Act:
    perpetrators = values.pop("perpetrators", [PerpetratorInput("police")])
    victim = values.pop("victim", None)
    return do_add_act(
        actor=actor,
        incident=incident,
        values={"act_type": act_type, "start": "2025-03-14", **values},
        victim=victim,
        perpetrators=perpetrators,
    )


def make_source(actor: User, incident: Incident, **values: Any) -> Source:
    return do_add_source(
        actor=actor,
        incident=incident,
        values={"source_type": "media", "label": "Local news site", "reliability": "B", **values},
    )
