"""The vault in the JSON API: its status, "seal now", and 423 for any operation that meets a sealed vault."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Schema
from ninja.errors import HttpError

from vigil.accounts.models import User
from vigil.vault import actions, state
from vigil.vault.errors import SealedError
from vigil.vault.middleware import LOCKED_STATUS

router = Router(tags=["vault"])


class VaultStatusOut(Schema):
    sealed: bool


@router.get("/status", response=VaultStatusOut, summary="Whether this server's vault is sealed")
def vault_status(request: HttpRequest) -> dict[str, Any]:
    return {"sealed": not state.check_epoch()}


@router.post("/seal", response=VaultStatusOut, summary="Seal the vault on every server now (coordinators)")
def vault_seal(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not user.is_coordinator or user.access_revoked:
        raise HttpError(403, "Only a coordinator can seal the vault.")
    actions.do_seal(actor=user, request=request)
    return {"sealed": True}


def install(api: NinjaAPI) -> None:
    """Mount the router at /api/vault/ and answer every `SealedError` with 423 {"detail": "locked"}."""

    def locked(request: HttpRequest, exc: SealedError | type[SealedError]) -> HttpResponse:
        return api.create_response(request, {"detail": "locked"}, status=LOCKED_STATUS)

    api.add_exception_handler(SealedError, locked)
    api.add_router("/vault/", router)
