"""The JSON API: the same service functions as the web UI, described by an OpenAPI schema at /api/openapi.json.

Interactive docs are off: the usual Swagger page loads its scripts from a CDN, and Vigil makes no third-party request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, SessionAuth

from vigil.accounts.access import verified_user
from vigil.accounts.actions import user_for_api_token
from vigil.accounts.models import User
from vigil.incidents.api import router as incidents_router
from vigil.monitoring.api import router as monitoring_router
from vigil.vault import api as vault_api


class VerifiedSessionAuth(SessionAuth):
    """A browser session counts only after the second factor, as for the web UI (CSRF is checked too)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return verified_user(request)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Vigil API",
    version="1",
    description="Case work, documentation and monitoring for human-rights defenders.",
    docs_url=None,
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
)
vault_api.install(api)
api.add_router("/monitoring/", monitoring_router)
api.add_router("/", incidents_router)


class MeOut(Schema):
    username: str
    role: str
    teams: list[str]


@api.get("/me", response=MeOut, summary="The account making the request")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    teams = [] if user.access_revoked else [team.name for team in user.teams.all()]
    return {"username": user.username, "role": user.role, "teams": teams}
