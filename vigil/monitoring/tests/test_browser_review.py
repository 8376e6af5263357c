"""A documenter reviews a draft in real Chromium: sees the marked evidence, edits a field, accepts the draft."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from vigil.accounts.models import Team, User
from vigil.monitoring.ingest import ingest_files
from vigil.monitoring.models import Draft, DraftStatus
from vigil.monitoring.tests.reports import RU_REPORT, write
from vigil.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_documenter_edits_a_field_and_accepts_the_draft(
    page: Any, tmp_path: Path, team: Team, colleague: User, unsealed_vault: str
) -> None:
    ingest_files([write(tmp_path, "report.txt", RU_REPORT)], team=team, reference_date=date(2025, 3, 4), progress=False)
    log_in(page, colleague)
    page.locator("[data-testid=nav-review-queue]").click()
    page.locator("[data-testid=open-draft]").first.click()
    assert page.locator("mark.ev", has_text="Грозном").count() == 1
    page.fill("#edit-date_start", "2025-03")
    page.locator("[data-testid=edit-date_start]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=value-date_start]").inner_text() == "2025-03"
    page.locator("[data-testid=accept-draft]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/monitoring/")
    assert page.locator("[data-testid=queue-empty]").count() == 1
    draft = Draft.objects.get()
    assert draft.status == DraftStatus.ACCEPTED and draft.incident is not None
    assert draft.incident.start.text() == "2025-03"
