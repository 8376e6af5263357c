"""Every permission-checked read of the review queue.

Invariant: drafts and reports belong to a team; only its members who do documentation work (coordinators,
caseworkers, documenters; not viewers, who read published material) see them, and a user whose access was revoked
(duress) sees nothing. A draft the user may not see answers exactly like one that does not exist (Http404).
Reading a draft's sealed content (the report text, the extraction) writes an audit entry first (fail-closed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from vigil.accounts.models import Role, User
from vigil.audit.actions import record_event
from vigil.monitoring.models import Draft, DraftStatus

REVIEWER_ROLES = frozenset({Role.COORDINATOR, Role.CASEWORKER, Role.DOCUMENTER})


def can_review(user: Any) -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and not user.access_revoked
        and user.role in REVIEWER_ROLES
    )


def visible_drafts(user: Any) -> QuerySet[Draft]:
    if not can_review(user):
        return Draft.objects.none()
    return Draft.objects.filter(team__in=user.teams.all())


def pending_drafts(
    user: Any, *, team_id: int | None = None, language: str = "", since: Any = None, until: Any = None
) -> QuerySet[Draft]:
    """The review queue: pending drafts of the user's teams, newest report first, with optional filters."""
    drafts = visible_drafts(user).filter(status=DraftStatus.PENDING).select_related("report", "team")
    if team_id is not None:
        drafts = drafts.filter(team_id=team_id)
    if language:
        drafts = drafts.filter(language=language)
    if since is not None:
        drafts = drafts.filter(report__reference_date__gte=since)
    if until is not None:
        drafts = drafts.filter(report__reference_date__lte=until)
    return drafts.order_by("-report__reference_date", "-id")


def access_draft(user: Any, pk: Any, *, for_update: bool = False) -> Draft:
    """The draft if the user may see it; Http404 otherwise (also for ids that are not UUIDs)."""
    try:
        key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except (TypeError, ValueError):
        raise Http404 from None
    queryset = visible_drafts(user).select_related("report", "team")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    draft = queryset.filter(pk=key).first()
    if draft is None:
        raise Http404
    return draft


@dataclass(frozen=True)
class DraftContent:
    """The unsealed content of a draft: what the reviewer reads."""

    incident: dict[str, Any]
    sources_cited: list[str]
    text: str
    provenance: dict[str, Any]
    decisions: dict[str, tuple[str, Any]]


def read_draft_content(user: User, draft: Draft, request: HttpRequest | None = None) -> DraftContent:
    """Unseal a draft for its reviewer, writing the read to the audit log before returning anything."""
    record_event(
        actor_id=user.pk,
        action="monitoring.read_draft",
        object_type="draft",
        object_id=str(draft.pk),
        fields=["text", "provenance", "extraction"],
        request=request,
    )
    payload = draft.extraction or {}
    decisions = {decision.field: (decision.status, decision.value) for decision in draft.decisions.all()}
    return DraftContent(
        incident=dict(payload.get("incident") or {}),
        sources_cited=list(payload.get("sources_cited") or []),
        text=draft.report.text,
        provenance=dict(draft.report.provenance or {}),
        decisions=decisions,
    )
