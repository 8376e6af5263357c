"""Every write of the monitoring app: storing ingested reports, field decisions, accepting, merging, rejecting.

Each action validates, saves only the fields it changed and writes its audit entry in the same transaction. The
audit entries name drafts and counts, never the words of a report (the log stores what happened, not what it
protects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import Team, User
from vigil.audit.actions import record_event
from vigil.incidents.access import can_write
from vigil.incidents.actions import do_create_incident, do_update_incident
from vigil.incidents.models import Incident, Person
from vigil.monitoring.duplicates import place_codes
from vigil.monitoring.ingest import PreparedReport
from vigil.monitoring.models import Draft, DraftStatus, FieldDecision, FieldStatus, Report
from vigil.monitoring.promotion import add_acts, add_report_source, create_victim, incident_values
from vigil.monitoring.review import SPECS, effective_values, parse_edit


def _summary_place(incident: dict[str, Any]) -> str:
    city, region, country = place_codes(incident.get("city"), incident.get("region"), incident.get("country"))
    return city or region or country or ""


@transaction.atomic
def do_ingest_batch(*, team: Team, prepared: Sequence[PreparedReport], actor: User | None = None) -> tuple[int, int]:
    """Store one batch of prepared reports and their drafts; returns (reports, drafts) created."""
    drafts = 0
    for item in prepared:
        # Sealed fields are set through a dict: the type stubs do not know their descriptors.
        sealed: dict[str, Any] = {"text": item.text, "provenance": item.provenance}
        report = Report.objects.create(
            team=team,
            fingerprint=item.fingerprint,
            kind=item.kind,
            language=item.language,
            reference_date=item.reference_date,
            outcome=item.outcome,
            **sealed,
        )
        for position, incident in enumerate(item.incidents):
            payload: dict[str, Any] = {"extraction": {"incident": incident, "sources_cited": item.sources_cited}}
            Draft.objects.create(
                report=report,
                team=team,
                position=position,
                **payload,
                language=item.language,
                place_code=_summary_place(incident),
                date_start=str(incident.get("date_start") or "")[:10],
                confidence=float(incident.get("confidence") or 0.0),
            )
            drafts += 1
    if prepared:
        record_event(
            actor_id=actor.pk if actor else None,
            action="monitoring.ingest",
            object_type="team",
            object_id=team.pk,
            details={"reports": len(prepared), "drafts": drafts},
        )
    return len(prepared), drafts


def _require_pending(draft: Draft) -> Draft:
    """The draft's row, locked, if it is still pending (two reviewers may press "accept" at the same moment)."""
    locked = Draft.objects.select_for_update().select_related("report", "team").get(pk=draft.pk)
    if locked.status != DraftStatus.PENDING:
        raise ValidationError(_("This draft was already decided."))
    return locked


def draft_values(draft: Draft) -> dict[str, Any]:
    """The draft's values after its reviewer's field decisions."""
    incident = (draft.extraction or {}).get("incident") or {}
    decisions = {decision.field: (decision.status, decision.value) for decision in draft.decisions.all()}
    return effective_values(incident, decisions)


@transaction.atomic
def do_decide_field(
    *, draft: Draft, field: str, status: str, raw_value: str = "", actor: User, request: HttpRequest | None = None
) -> FieldDecision:
    """Accept, edit (with the reviewer's typed value) or reject one field of a pending draft."""
    draft = _require_pending(draft)
    if field not in SPECS:
        raise ValidationError(_("There is no such field."))
    if status not in FieldStatus.values:
        raise ValidationError(_("Choose accept, edit or reject."))
    value = parse_edit(field, raw_value) if status == FieldStatus.EDITED else None
    decision = FieldDecision.objects.filter(draft=draft, field=field).first()
    now = timezone.now()
    if decision is None:
        sealed: dict[str, Any] = {"value": value}
        decision = FieldDecision.objects.create(
            draft=draft, field=field, status=status, decided_by=actor, decided_at=now, **sealed
        )
    else:
        decision.status, decision.value, decision.decided_by, decision.decided_at = status, value, actor, now
        decision.save(update_fields=["status", "value", "decided_by", "decided_at"])
    record_event(
        actor_id=actor.pk,
        action="monitoring.decide_field",
        object_type="draft",
        object_id=str(draft.pk),
        fields=[field],
        details={"decision": status},
        request=request,
    )
    return decision


def _close(draft: Draft, status: DraftStatus, actor: User, incident: Incident | None = None) -> None:
    draft.status = status
    draft.reviewer = actor
    draft.decided_at = timezone.now()
    draft.incident = incident
    draft.save(update_fields=["status", "reviewer", "decided_at", "incident"])


@transaction.atomic
def do_accept_draft(*, draft: Draft, actor: User, request: HttpRequest | None = None) -> Incident:
    """Create an incident from the draft as reviewed, with its acts, victim and the report as its source."""
    draft = _require_pending(draft)
    values = draft_values(draft)
    incident = do_create_incident(actor=actor, team=draft.team, values=incident_values(values), request=request)
    victim = create_victim(actor=actor, incident=incident, values=values, draft=draft)
    add_acts(actor=actor, incident=incident, values=values, victim=victim)
    add_report_source(actor=actor, incident=incident, report=draft.report)
    _close(draft, DraftStatus.ACCEPTED, actor, incident)
    record_event(
        actor_id=actor.pk,
        action="monitoring.accept_draft",
        object_type="draft",
        object_id=str(draft.pk),
        details={"incident": incident.pk},
        request=request,
    )
    return incident


@transaction.atomic
def do_merge_draft(*, draft: Draft, incident: Incident, actor: User, request: HttpRequest | None = None) -> list[str]:
    """Add the draft's new acts and its report as a source to a known incident instead of creating a second one.

    Act types the incident already has are not repeated; an unknown place or start of the incident is filled in.
    Returns the act types added. The incidents actions refuse an incident the actor may not change.
    """
    draft = _require_pending(draft)
    if not can_write(actor, incident) or incident.team_id != draft.team_id:
        raise PermissionDenied
    values = draft_values(draft)
    existing = set(incident.acts.values_list("act_type", flat=True))
    known_victim = incident.acts.exclude(victim=None).values_list("victim", flat=True).first()
    victim = (
        Person.objects.get(pk=known_victim)
        if known_victim
        else create_victim(actor=actor, incident=incident, values=values, draft=draft)
    )
    added = add_acts(actor=actor, incident=incident, values=values, victim=victim, skip=existing)
    fill = incident_values(values)
    missing = {}
    if not incident.place_code and fill["place"]:
        missing["place"] = fill["place"]
    if incident.start_date is None and fill["start"]:
        missing["start"] = fill["start"]
    if missing:
        do_update_incident(actor=actor, incident=incident, values=missing, request=request)
    add_report_source(actor=actor, incident=incident, report=draft.report)
    _close(draft, DraftStatus.MERGED, actor, incident)
    record_event(
        actor_id=actor.pk,
        action="monitoring.merge_draft",
        object_type="draft",
        object_id=str(draft.pk),
        details={"incident": incident.pk, "acts_added": len(added)},
        request=request,
    )
    return added


@transaction.atomic
def do_reject_draft(*, draft: Draft, actor: User, request: HttpRequest | None = None) -> None:
    """The draft is not an incident (a false report, an unrelated message): it leaves the queue."""
    draft = _require_pending(draft)
    _close(draft, DraftStatus.REJECTED, actor)
    record_event(
        actor_id=actor.pk,
        action="monitoring.reject_draft",
        object_type="draft",
        object_id=str(draft.pk),
        request=request,
    )
