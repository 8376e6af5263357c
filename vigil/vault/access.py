"""Refusing sensitive work while the vault is sealed, in views and API operations.

Views that read sealed data either run under `unsealed_required`, or let `SealedError` escape: `VaultMiddleware`
turns it into the locked page (HTML) or `423 {"detail": "locked"}` (API), never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse

from vigil.vault import state
from vigil.vault.errors import SealedError

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def unsealed_required(view: ViewFunc) -> ViewFunc:
    """Raise `SealedError` before the view runs if this process is sealed (the middleware shows the locked page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not state.check_epoch():
            raise SealedError()
        return cast(HttpResponse, view(request, *args, **kwargs))

    return cast(ViewFunc, wrapper)
