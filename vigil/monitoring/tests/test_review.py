"""Reviewing a draft: field decisions, accepting into an incident with its source, rejecting, merging, access."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from vigil.accounts.models import Team, User
from vigil.incidents.models import Incident
from vigil.monitoring.access import access_draft, pending_drafts, read_draft_content
from vigil.monitoring.actions import do_accept_draft, do_decide_field, do_merge_draft, do_reject_draft
from vigil.monitoring.ingest import ingest_files
from vigil.monitoring.models import Draft, DraftStatus
from vigil.monitoring.tests.reports import EN_REPORT, RU_REPORT, message, telegram_chat, write

pytestmark = pytest.mark.django_db


def draft_from(tmp_path: Path, team: Team, text: str = RU_REPORT, name: str = "report.txt") -> Draft:
    ingest_files([write(tmp_path, name, text)], team=team, reference_date=date(2025, 3, 4), progress=False)
    return Draft.objects.filter(team=team).latest("created_at")


def test_accepting_a_draft_creates_an_incident_with_acts_and_the_report_as_source(
    tmp_path: Path, team: Team, colleague: User
) -> None:
    draft = draft_from(tmp_path, team)
    incident = do_accept_draft(draft=draft, actor=colleague)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ACCEPTED and draft.incident == incident and draft.reviewer == colleague
    assert incident.team == team and incident.place_code == "RU/grozny" and incident.region_code == "RU-CE"
    assert incident.start.text() == "2025-03-03"
    act_types = set(incident.acts.values_list("act_type", flat=True))
    assert {"deprivation_of_liberty", "administrative_arrest"} <= act_types
    arrest = incident.acts.get(act_type="administrative_arrest")
    assert list(arrest.articles.values_list("code", flat=True)) == ["KoAP 19.3"]
    source = incident.sources.get()
    assert source.source_type == "anonymous_report" and source.attributions.count() == 1
    assert "Грозн" not in incident.title  # titles are made of codes and English names, never the report's words


def test_an_edited_field_wins_and_a_rejected_one_is_left_out(tmp_path: Path, team: Team, colleague: User) -> None:
    draft = draft_from(tmp_path, team)
    do_decide_field(draft=draft, field="date_start", status="edited", raw_value="2025-03", actor=colleague)
    do_decide_field(draft=draft, field="legal_articles", status="rejected", actor=colleague)
    incident = do_accept_draft(draft=draft, actor=colleague)
    assert incident.start.text() == "2025-03"
    assert not incident.acts.filter(articles__isnull=False).exists()


def test_an_edit_that_cannot_be_coded_is_refused(tmp_path: Path, team: Team, colleague: User) -> None:
    draft = draft_from(tmp_path, team)
    with pytest.raises(ValidationError):
        do_decide_field(draft=draft, field="date_start", status="edited", raw_value="spring", actor=colleague)
    with pytest.raises(ValidationError):
        do_decide_field(draft=draft, field="victim_ages", status="edited", raw_value="300", actor=colleague)


def test_a_rejected_draft_leaves_the_queue_and_cannot_be_accepted(tmp_path: Path, team: Team, colleague: User) -> None:
    draft = draft_from(tmp_path, team)
    do_reject_draft(draft=draft, actor=colleague)
    assert not pending_drafts(colleague).exists()
    with pytest.raises(ValidationError):
        do_accept_draft(draft=draft, actor=colleague)
    assert Incident.objects.count() == 0


def test_merging_adds_new_acts_and_the_source_to_the_known_incident(
    tmp_path: Path, team: Team, colleague: User
) -> None:
    first = draft_from(tmp_path, team)
    incident = do_accept_draft(draft=first, actor=colleague)
    acts_before = incident.acts.count()
    later = "Вчера в Грозном полицейские задержали 24-летнего мужчину, избили и угрожали рассказать родственникам."
    second = draft_from(tmp_path, team, later, "later.txt")
    added = do_merge_draft(draft=second, incident=incident, actor=colleague)
    second.refresh_from_db()
    assert second.status == DraftStatus.MERGED and second.incident == incident
    assert Incident.objects.count() == 1
    assert incident.acts.count() == acts_before + len(added)
    assert "deprivation_of_liberty" not in added  # already known: not repeated
    assert incident.sources.count() == 2


def test_an_outsider_gets_not_found_for_a_draft(tmp_path: Path, team: Team, outsider: User, colleague: User) -> None:
    draft = draft_from(tmp_path, team)
    assert access_draft(colleague, draft.pk) == draft
    with pytest.raises(Http404):
        access_draft(outsider, draft.pk)
    with pytest.raises(Http404):
        access_draft(colleague, "not-a-uuid")
    assert not pending_drafts(outsider).exists()


def test_a_viewer_and_a_coerced_user_see_no_drafts(tmp_path: Path, team: Team, viewer: User, colleague: User) -> None:
    from vigil.accounts.actions import do_trigger_duress

    draft = draft_from(tmp_path, team)
    with pytest.raises(Http404):
        access_draft(viewer, draft.pk)
    do_trigger_duress(user=colleague)
    with pytest.raises(Http404):
        access_draft(colleague, draft.pk)


def test_reading_a_draft_writes_an_audit_entry_first(tmp_path: Path, team: Team, colleague: User) -> None:
    from vigil.audit.models import AuditEntry

    draft = draft_from(tmp_path, team)
    content = read_draft_content(colleague, draft)
    assert content.text == RU_REPORT
    entry = AuditEntry.objects.get(action="monitoring.read_draft")
    assert entry.actor_id == colleague.pk and entry.object_id == str(draft.pk)


def test_the_queue_filters_by_language_and_date(tmp_path: Path, team: Team, colleague: User) -> None:
    export = telegram_chat([message(1, RU_REPORT, 1741046400), message(2, EN_REPORT, 1748736000)])
    ingest_files([write(tmp_path, "result.json", export)], team=team, progress=False)
    assert pending_drafts(colleague, language="en").count() == 1
    assert pending_drafts(colleague, since=date(2025, 5, 1)).get().language == "en"
    assert pending_drafts(colleague, until=date(2025, 4, 1)).get().language == "ru"


def test_a_personal_chat_name_never_leaves_the_vault_as_a_source_label(
    tmp_path: Path, team: Team, colleague: User
) -> None:
    chat = telegram_chat([message(1, EN_REPORT, forwarded_from="Иван Петров")])
    chat.update({"name": "Иван Петров", "type": "personal_chat"})
    ingest_files([write(tmp_path, "result.json", chat)], team=team, progress=False)
    incident = do_accept_draft(draft=Draft.objects.filter(team=team).latest("created_at"), actor=colleague)
    source = incident.sources.get()
    assert "Петров" not in source.label
    assert source.url == ""
