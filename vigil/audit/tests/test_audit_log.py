from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from vigil.accounts.actions import do_create_team
from vigil.accounts.models import Team
from vigil.audit import service
from vigil.audit.actions import AuditWriteError, record_event
from vigil.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings: object, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    service.create_signing_key()


def write_events(count: int) -> None:
    for number in range(count):
        record_event(actor_id=1, action="case.read", object_type="case", object_id=number, fields=["name"])


def verify_failure(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", *args)
    return str(caught.value)


def test_a_clean_log_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    write_events(5)
    call_command("audit", "verify")
    assert "5 entries" in capsys.readouterr().out


def test_entries_are_numbered_without_gaps() -> None:
    write_events(4)
    assert list(AuditEntry.objects.values_list("index", flat=True)) == [0, 1, 2, 3]


def test_an_edited_entry_is_named() -> None:
    write_events(6)
    AuditEntry.objects.filter(index=3).update(action="case.update")
    assert "3" in verify_failure()


def test_a_deleted_entry_is_named() -> None:
    write_events(6)
    AuditEntry.objects.filter(index=2).delete()
    assert "2" in verify_failure()


def test_reordered_entries_are_named() -> None:
    write_events(6)
    first, second = AuditEntry.objects.get(index=1), AuditEntry.objects.get(index=4)
    with connection.cursor() as cursor:
        table = AuditEntry._meta.db_table
        cursor.execute(f'UPDATE {table} SET "index" = -1 WHERE id = %s', [first.pk])
        cursor.execute(f'UPDATE {table} SET "index" = 1 WHERE id = %s', [second.pk])
        cursor.execute(f'UPDATE {table} SET "index" = 4 WHERE id = %s', [first.pk])
    assert "1" in verify_failure()


def test_a_truncated_log_is_caught_against_an_exported_head(tmp_path: Path) -> None:
    write_events(8)
    head_file = tmp_path / "head.json"
    call_command("audit", "head", "--output", str(head_file))
    AuditEntry.objects.filter(index__gte=5).delete()
    message = verify_failure("--against", str(head_file))
    assert "5" in message


def test_a_rewritten_entry_with_a_recomputed_hash_is_named_against_the_head(tmp_path: Path) -> None:
    from vigil.audit.actions import record_from_row
    from vigil.audit.entry_codec import encode_entry
    from vigil.audit.merkle import leaf_hash

    write_events(8)
    head_file = tmp_path / "head.json"
    call_command("audit", "head", "--output", str(head_file))
    entry = AuditEntry.objects.get(index=6)
    entry.action = "case.export"
    entry.leaf_hash = leaf_hash(encode_entry(record_from_row(entry)))
    entry.save()
    message = verify_failure("--against", str(head_file))
    assert "6" in message


def test_the_log_keeps_growing_consistently_with_an_old_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(3)
    head_file = tmp_path / "head.json"
    call_command("audit", "head", "--output", str(head_file))
    write_events(5)
    call_command("audit", "verify", "--against", str(head_file))
    assert "8 entries" in capsys.readouterr().out


def test_an_action_fails_with_nothing_saved_when_the_audit_write_fails() -> None:
    failing_write = mock.patch("vigil.audit.actions.AuditEntry.objects.create", side_effect=RuntimeError("disk full"))
    with failing_write, pytest.raises(AuditWriteError):
        do_create_team(name="Ghost team")
    assert not Team.objects.filter(name="Ghost team").exists()


def test_an_unreadable_head_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "head.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "not a valid tree head" in verify_failure("--against", str(bad))
