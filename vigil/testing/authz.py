"""The registry behind the generated authorisation matrix (SECURITY-CRITERIA 6).

Every URL or API path that takes an object id must have a factory here that creates such an object belonging to the
"North" team and returns the path parameters. `tests/test_authz_matrix.py` walks the URL resolver and the OpenAPI
schema, and fails for any object-id endpoint without a factory, so a new endpoint cannot escape the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigil.accounts.models import Team, User

# A factory receives the owning team and a member of it, and returns the path parameters of an object they own.
ObjectFactory = Callable[[Team, User], dict[str, Any]]
FACTORIES: dict[str, ObjectFactory] = {}
# Endpoints whose parameter is not an object id (nothing to hide), with the reason.
NOT_OBJECT_ENDPOINTS: dict[str, str] = {}


def object_endpoint(*names: str) -> Callable[[ObjectFactory], ObjectFactory]:
    """Register a factory for URL names (`app:name`) or API paths (`GET /api/things/{thing_id}`)."""

    def register(factory: ObjectFactory) -> ObjectFactory:
        for name in names:
            FACTORIES[name] = factory
        return factory

    return register
