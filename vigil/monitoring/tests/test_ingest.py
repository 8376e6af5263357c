"""`vigil ingest`: files of every kind become reports and drafts, bad input is reported, re-ingesting adds nothing."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.accounts.models import Team
from vigil.audit.models import AuditEntry
from vigil.monitoring.ingest import ingest_files
from vigil.monitoring.models import Draft, DraftStatus, Report, ReportKind, ReportOutcome
from vigil.monitoring.tests.reports import (
    CHATTER,
    EN_OTHER,
    EN_REPORT,
    RSS_FEED,
    RU_REPORT,
    THIRD_LANGUAGE,
    message,
    telegram_chat,
    write,
)

pytestmark = pytest.mark.django_db


def ingest(paths: list[Path], team: Team, **options: object) -> object:
    return ingest_files(paths, team=team, progress=False, **options)  # type: ignore[arg-type]


def test_a_plain_text_report_becomes_a_pending_draft_with_evidence(tmp_path: Path, team: Team) -> None:
    summary = ingest([write(tmp_path, "report.txt", RU_REPORT)], team, reference_date=date(2025, 3, 4))
    draft = Draft.objects.get()
    assert draft.status == DraftStatus.PENDING and draft.team == team
    assert draft.language == "ru" and draft.place_code == "RU/grozny" and draft.date_start == "2025-03-03"
    incident = draft.extraction["incident"]
    assert "arbitrary_detention" in incident["acts"]
    assert incident["evidence"]["city"][0]["text"] == "Грозном"
    assert draft.report.kind == ReportKind.PLAIN and draft.report.text == RU_REPORT
    assert summary.drafts_created == 1  # type: ignore[attr-defined]


def test_a_telegram_chat_export_gives_one_report_per_message_with_provenance(tmp_path: Path, team: Team) -> None:
    export = telegram_chat(
        [
            message(1, RU_REPORT),
            message(2, [{"type": "bold", "text": "Срочно: "}, EN_REPORT], forwarded_from="Someone"),
            message(3, CHATTER),
            {"id": 4, "type": "service", "action": "pin_message"},
        ]
    )
    summary = ingest([write(tmp_path, "result.json", export)], team)
    assert summary.items_read == 3  # type: ignore[attr-defined]
    assert Report.objects.filter(kind=ReportKind.TELEGRAM).count() == 3
    forwarded = next(r for r in Report.objects.all() if "forwarded_from" in r.provenance)
    assert forwarded.provenance["chat"] == "Invented channel"
    assert Report.objects.get(outcome=ReportOutcome.NO_INCIDENT).text == ""  # chatter is not kept
    assert Draft.objects.count() == 2


def test_a_full_account_telegram_export_is_read_too(tmp_path: Path, team: Team) -> None:
    export = {"about": "x", "chats": {"list": [telegram_chat([message(7, EN_REPORT)])]}}
    ingest([write(tmp_path, "result.json", export)], team)
    assert Draft.objects.get().report.reference_date == date(2025, 3, 4)


def test_an_rss_feed_gives_a_report_per_entry(tmp_path: Path, team: Team) -> None:
    ingest([write(tmp_path, "feed.xml", RSS_FEED)], team)
    reports = Report.objects.filter(kind=ReportKind.RSS)
    assert reports.count() == 2
    assert Draft.objects.get().place_code == "RU/nalchik"


def test_a_bad_file_among_good_ones_is_reported_and_the_rest_ingested(tmp_path: Path, team: Team) -> None:
    truncated = json.dumps(telegram_chat([message(1, EN_REPORT), message(2, RU_REPORT)]))[:-40]
    files = [
        write(tmp_path, "broken.json", truncated),
        write(tmp_path, "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 20),
        write(tmp_path, "script.html", f"<html><script>alert(1)</script><body><p>{EN_OTHER}</p></body></html>"),
        write(tmp_path, "german.txt", THIRD_LANGUAGE),
        tmp_path / "missing.txt",
    ]
    summary = ingest(files, team)
    errors = dict(summary.errors)  # type: ignore[attr-defined]
    assert "truncated" in errors[str(files[0])] and "binary" in errors[str(files[1])]
    assert str(files[4]) in errors
    assert summary.skipped == {"not in Russian or English": 1}  # type: ignore[attr-defined]
    html = Report.objects.get(kind=ReportKind.HTML)
    assert "alert" not in html.text and html.outcome == ReportOutcome.DRAFTED


def test_re_ingesting_the_same_file_creates_nothing_new(tmp_path: Path, team: Team) -> None:
    path = write(tmp_path, "result.json", telegram_chat([message(1, RU_REPORT), message(2, RU_REPORT)]))
    ingest([path], team)
    assert (Report.objects.count(), Draft.objects.count()) == (1, 1)  # a repost is the same report
    again = ingest([path], team)
    assert again.already_known == 2 and again.reports_created == 0  # type: ignore[attr-defined]
    assert (Report.objects.count(), Draft.objects.count()) == (1, 1)


def test_fingerprints_are_keyed_not_plain_hashes(tmp_path: Path, team: Team) -> None:
    import hashlib

    ingest([write(tmp_path, "report.txt", EN_REPORT)], team)
    fingerprint = Report.objects.get().fingerprint
    assert fingerprint not in {hashlib.sha256(EN_REPORT.encode()).hexdigest(), hashlib.sha256(b"").hexdigest()}


def test_each_batch_is_audited_without_the_words_of_the_report(tmp_path: Path, team: Team) -> None:
    ingest([write(tmp_path, "report.txt", EN_REPORT)], team)
    entry = AuditEntry.objects.get(action="monitoring.ingest")
    assert entry.object_id == str(team.pk)
    assert b"Makhachkala" not in bytes(entry.details)


def test_the_command_prints_a_summary_and_fails_only_when_nothing_was_read(tmp_path: Path, team: Team) -> None:
    out, err = io.StringIO(), io.StringIO()
    good = write(tmp_path, "report.txt", EN_REPORT)
    call_command("ingest", str(good), str(tmp_path / "nope.txt"), "--team", "North", stdout=out, stderr=err)
    assert "draft incidents created: 1" in out.getvalue() and "nope.txt" in out.getvalue()
    with pytest.raises(CommandError, match="nothing could be read"):
        call_command("ingest", str(tmp_path / "nope.txt"), "--team", "North", stdout=out, stderr=err)
    with pytest.raises(CommandError, match="no team named"):
        call_command("ingest", str(good), "--team", "Nowhere", stdout=out, stderr=err)
