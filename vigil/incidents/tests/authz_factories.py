"""Objects for the generated authorisation matrix (tests/test_authz_matrix.py): one per incident endpoint."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from vigil.accounts.models import Team, User
from vigil.incidents.actions import do_add_evidence, do_create_person
from vigil.incidents.tests.helpers import make_act, make_incident, make_source
from vigil.testing.authz import object_endpoint
from vigil.vault.aead import Keyring
from vigil.vault.filestore import EncryptedFileStore


@object_endpoint(
    "incidents:detail",
    "incidents:edit",
    "incidents:act_create",
    "incidents:source_create",
    "incidents:attribution_create",
    "incidents:link_create",
)
def incident_page(team: Team, member: User) -> dict[str, Any]:
    return {"pk": make_incident(member, team).uid}


@object_endpoint("incidents:evidence_upload")
def incident_upload_page(team: Team, member: User) -> dict[str, Any]:
    return {"pk": make_incident(member, team).uid}


@object_endpoint(
    "api:read_incident",
    "api:update_incident",
    "api:list_acts",
    "api:create_act",
    "api:list_sources",
    "api:create_source",
    "GET /api/incidents/{incident_id}",
    "PATCH /api/incidents/{incident_id}",
    "GET /api/incidents/{incident_id}/acts",
    "POST /api/incidents/{incident_id}/acts",
    "GET /api/incidents/{incident_id}/sources",
    "POST /api/incidents/{incident_id}/sources",
)
def incident(team: Team, member: User) -> dict[str, Any]:
    return {"incident_id": make_incident(member, team).uid}


@object_endpoint("incidents:act_edit")
def act_page(team: Team, member: User) -> dict[str, Any]:
    return {"pk": make_act(member, make_incident(member, team)).pk}


@object_endpoint("incidents:source_edit")
def source_page(team: Team, member: User) -> dict[str, Any]:
    return {"pk": make_source(member, make_incident(member, team)).pk}


@object_endpoint("api:read_act", "api:update_act", "GET /api/acts/{act_id}", "PATCH /api/acts/{act_id}")
def act(team: Team, member: User) -> dict[str, Any]:
    return {"act_id": make_act(member, make_incident(member, team)).pk}


@object_endpoint(
    "api:read_source", "api:update_source", "GET /api/sources/{source_id}", "PATCH /api/sources/{source_id}"
)
def source(team: Team, member: User) -> dict[str, Any]:
    return {"source_id": make_source(member, make_incident(member, team)).pk}


@object_endpoint("incidents:person", "incidents:person_edit")
def person_page(team: Team, member: User) -> dict[str, Any]:
    return {"pk": do_create_person(actor=member, team=team, values={"pseudonym": "Z."}).pk}


@object_endpoint("api:read_person", "api:update_person", "GET /api/people/{person_id}", "PATCH /api/people/{person_id}")
def person(team: Team, member: User) -> dict[str, Any]:
    return {"person_id": do_create_person(actor=member, team=team, values={"pseudonym": "Z."}).pk}


@object_endpoint("incidents:evidence_manifest")
def evidence(team: Team, member: User) -> dict[str, Any]:
    store = EncryptedFileStore(Path(tempfile.mkdtemp()), Keyring.generate(), b"k" * 32, durable=False)
    added = do_add_evidence(
        actor=member,
        incident=make_incident(member, team),
        stream=io.BytesIO(b"x"),
        media_type="text/plain",
        store=store,
    )
    return {"pk": added.pk}
