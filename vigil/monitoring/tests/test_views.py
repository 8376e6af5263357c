"""The review queue pages and API: members review, outsiders get 404 for every draft URL, the pages leak nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from vigil.accounts.models import Team, User
from vigil.monitoring.ingest import ingest_files
from vigil.monitoring.models import Draft, DraftStatus, FieldDecision
from vigil.monitoring.tests.reports import RU_REPORT, write
from vigil.testing.fixtures import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(tmp_path: Path, team: Team) -> Draft:
    ingest_files([write(tmp_path, "report.txt", RU_REPORT)], team=team, reference_date=date(2025, 3, 4), progress=False)
    return Draft.objects.get()


def test_the_queue_lists_pending_drafts_of_the_team(draft: Draft, colleague: User) -> None:
    response = login_as(Client(), colleague).get(reverse("monitoring:queue"), secure=True)
    assert response.status_code == 200
    assert reverse("monitoring:draft", args=[draft.pk]) in response.content.decode()


def test_the_draft_page_marks_the_evidence_and_keeps_the_title_clean(draft: Draft, colleague: User) -> None:
    response = login_as(Client(), colleague).get(reverse("monitoring:draft", args=[draft.pk]), secure=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="ev"' in html and ">Грозном</mark>" in html
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Грозн" not in title and "Grozny" not in title
    assert "<script" not in html


def test_a_member_decides_a_field_accepts_and_lands_on_the_queue(draft: Draft, colleague: User) -> None:
    client = login_as(Client(), colleague)
    url = reverse("monitoring:decide_field", args=[draft.pk, "date_start"])
    client.post(url, {"status": "edited", "value": "2025-03"}, secure=True)
    assert FieldDecision.objects.get(draft=draft).value == "2025-03"
    response = client.post(reverse("monitoring:accept", args=[draft.pk]), secure=True)
    assert response.status_code == 302 and response["Location"] == reverse("monitoring:queue")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ACCEPTED and draft.incident is not None
    assert draft.incident.start.text() == "2025-03"


@pytest.mark.parametrize("name", ["accept", "reject", "merge"])
def test_an_outsider_gets_not_found_for_every_draft_action(name: str, draft: Draft, outsider: User) -> None:
    client = login_as(Client(), outsider)
    response = client.post(reverse(f"monitoring:{name}", args=[draft.pk]), {"incident": 1}, secure=True)
    assert response.status_code == 404
    field = client.post(
        reverse("monitoring:decide_field", args=[draft.pk, "city"]), {"status": "rejected"}, secure=True
    )
    assert field.status_code == 404
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PENDING and not FieldDecision.objects.exists()


def test_the_api_lists_and_shows_drafts_only_to_members(draft: Draft, colleague: User, outsider: User) -> None:
    member = login_as(Client(), colleague)
    listed = member.get("/api/monitoring/drafts", secure=True)
    assert [item["id"] for item in listed.json()] == [str(draft.pk)]
    shown = member.get(f"/api/monitoring/drafts/{draft.pk}", secure=True)
    assert shown.status_code == 200, shown.content
    assert shown.json()["values"]["city"] == "Grozny" and shown.json()["text"] == RU_REPORT
    stranger = login_as(Client(), outsider)
    assert stranger.get(f"/api/monitoring/drafts/{draft.pk}", secure=True).status_code == 404
    assert stranger.get("/api/monitoring/drafts", secure=True).json() == []
