"""The review queue in the JSON API: the same accessors as the web UI (404 for what the user may not see)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from vigil.monitoring.access import access_draft, pending_drafts, read_draft_content
from vigil.monitoring.review import effective_values

router = Router(tags=["monitoring"])
MAX_LISTED = 200


class DraftSummaryOut(Schema):
    id: UUID
    team: str
    language: str
    place_code: str
    date_start: str
    confidence: float
    reported_on: date | None


class DraftOut(DraftSummaryOut):
    status: str
    values: dict[str, Any]
    evidence: dict[str, Any]
    text: str


def _summary(draft: Any) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "team": draft.team.name,
        "language": draft.language,
        "place_code": draft.place_code,
        "date_start": draft.date_start,
        "confidence": draft.confidence,
        "reported_on": draft.report.reference_date,
    }


@router.get("/drafts", response=list[DraftSummaryOut], summary="Pending draft incidents of the user's teams")
def list_drafts(request: HttpRequest, language: str = "") -> list[dict[str, Any]]:
    drafts = pending_drafts(request.auth, language=language)[:MAX_LISTED]  # type: ignore[attr-defined]
    return [_summary(draft) for draft in drafts]


@router.get("/drafts/{draft_id}", response=DraftOut, summary="One draft with its values, evidence and report text")
def get_draft(request: HttpRequest, draft_id: str) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    draft = access_draft(user, draft_id)
    content = read_draft_content(user, draft, request)
    return {
        **_summary(draft),
        "status": draft.status,
        "values": effective_values(content.incident, content.decisions),
        "evidence": content.incident.get("evidence") or {},
        "text": content.text,
    }
