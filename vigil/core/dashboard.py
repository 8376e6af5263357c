"""What the home page says needs attention, from the apps' own permission-checked accessors.

Counting goes through the same accessors as every list, so the home page never shows a number about records the user
may not see (a user whose access was revoked under duress sees zeros, like an empty account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from vigil.accounts.models import DuressAlert, User


@dataclass(frozen=True)
class Dashboard:
    pending_drafts: int
    incidents_this_week: int
    vault_sealed: bool
    duress_alerts: list[DuressAlert] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.pending_drafts or self.duress_alerts or self.vault_sealed)


def dashboard_for(user: User, *, decoy_unsealed: bool = False) -> Dashboard:
    """`decoy_unsealed`: this session typed the duress passphrase, so it is not told that the vault is sealed."""
    from vigil.incidents.access import visible_incidents
    from vigil.monitoring.access import pending_drafts
    from vigil.vault import state

    week_ago = timezone.now() - timedelta(days=7)
    alerts: list[DuressAlert] = []
    if user.is_coordinator and not user.access_revoked:
        alerts = list(DuressAlert.objects.filter(acknowledged_at=None).select_related("user"))
    return Dashboard(
        pending_drafts=pending_drafts(user).count(),
        incidents_this_week=visible_incidents(user).filter(created_at__gte=week_ago).count(),
        vault_sealed=not state.is_unsealed() and user.is_coordinator and not user.access_revoked and not decoy_unsealed,
        duress_alerts=alerts,
    )
