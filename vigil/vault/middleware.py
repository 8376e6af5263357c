"""Turning "the vault is sealed" into the unseal page, the locked page, or HTTP 423 — never a traceback.

Threat: a sealed server must show no sealed data and leak nothing through errors. Invariant: at the start of each
request an unsealed process re-reads the seal epoch (so a "seal now" elsewhere applies before this request reads
anything), and any `SealedError` escaping a view becomes the locked answer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from vigil.accounts.access import verified_user
from vigil.vault import state
from vigil.vault.errors import SealedError

LOCKED_STATUS = 423


def locked_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "locked"}, status=LOCKED_STATUS)
    user = verified_user(request)
    can_unseal = user is not None and user.is_coordinator and not user.access_revoked
    return render(request, "vault/locked.html", {"can_unseal": can_unseal}, status=LOCKED_STATUS)


class VaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if state.is_unsealed():
            state.check_epoch(min_interval=0.05)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SealedError):
            return locked_response(request)
        return None
