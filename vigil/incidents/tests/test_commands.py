"""`vigil incidents import/export` as an operator runs them: a failed import prints every problem, changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.accounts.models import Team, User
from vigil.incidents.models import Incident

pytestmark = pytest.mark.django_db
CSV = "title,place,start,act_types\nRaid,RU-DA,2025-03,beating;deprivation_of_liberty\n"


def test_a_dry_run_then_an_import_then_an_export(caseworker: User, team: Team, tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("incidents", "import", str(path), "--user", "caseworker", "--team", "North", "--dry-run", stdout=out)
    assert "would create 1 incidents with 2 acts" in out.getvalue() and Incident.objects.count() == 0
    call_command("incidents", "import", str(path), "--user", "caseworker", "--team", "North", stdout=io.StringIO())
    exported = tmp_path / "out.json"
    call_command("incidents", "export", "--user", "caseworker", "--output", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert [incident["title"] for incident in document["incidents"]] == ["Raid"]


def test_a_bad_file_prints_each_problem_and_writes_nothing(caseworker: User, team: Team, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "Other,RU-DA,someday,beating\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("incidents", "import", str(path), "--user", "caseworker", "--team", "North", stderr=err)
    assert "bad.csv: line 3, column start (3)" in err.getvalue()
    assert Incident.objects.count() == 0


def test_an_outsider_cannot_import_into_another_team(outsider: User, team: Team, tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied, whose message is empty on purpose
        call_command("incidents", "import", str(path), "--user", "outsider", "--team", "North")
    assert Incident.objects.count() == 0
