from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.testing.cli import fresh_database, run_vigil

pytestmark = pytest.mark.uses_database

PASSWORD = "a long enough passphrase for the coordinator"


@pytest.fixture
def instance_dir(tmp_path: Path) -> Iterator[Path]:
    with fresh_database():
        yield tmp_path / "instance"


def init(data_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD)
    return run_vigil("init", "--password-file", str(password_file), data_dir=data_dir)


def snapshot(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.name.endswith(("-wal", "-shm"))
    }


def test_init_creates_an_instance_that_the_doctor_checks(instance_dir: Path, tmp_path: Path) -> None:
    result = init(instance_dir, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "coordinator" in result.stdout
    assert (instance_dir / "instance.json").exists()
    assert oct((instance_dir).stat().st_mode & 0o777) == "0o700"
    assert oct((instance_dir / "audit_signing_key.pem").stat().st_mode & 0o777) == "0o600"
    production = {"VIGIL_DEBUG": "false", "VIGIL_CHEAP_KDF_FOR_TESTS": "false"}
    doctor = run_vigil("doctor", data_dir=instance_dir, env=production)
    assert "The audit log verifies" in doctor.stdout
    failures = [line for line in doctor.stdout.splitlines() if line.startswith("[FAIL]")]
    # The test instance was made with the test suite's cheap key derivation, and the doctor says so.
    assert failures == ["[FAIL] Passphrases are stretched with only 8 MiB; add a new passphrase to upgrade."]


def test_a_second_init_is_refused_and_changes_nothing(instance_dir: Path, tmp_path: Path) -> None:
    assert init(instance_dir, tmp_path).returncode == 0
    before = snapshot(instance_dir)
    again = init(instance_dir, tmp_path)
    assert again.returncode != 0
    assert again.stderr.strip() == f"vigil: an instance already exists in {instance_dir}; nothing was changed."
    assert snapshot(instance_dir) == before


def test_init_refuses_a_weak_password_and_creates_nothing(instance_dir: Path, tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("short")
    result = run_vigil("init", "--password-file", str(password_file), data_dir=instance_dir)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "at least 15 characters" in result.stderr
    assert not instance_dir.exists()


def test_init_in_an_unwritable_place_is_one_clear_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = init(blocker / "instance", tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "cannot be written" in result.stderr


def test_an_unreachable_database_is_one_clear_sentence(tmp_path: Path) -> None:
    result = run_vigil(
        "init",
        "--generate-password",
        data_dir=tmp_path / "instance",
        env={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "the database cannot be reached" in result.stderr
    assert not (tmp_path / "instance").exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("VIGIL_SESSION_IDLE_MINUTES", "fifteen"),
        ("VIGIL_DEBUG", "maybe"),
        ("VIGIL_LANGUAGE", "de"),
        ("VIGIL_TIME_ZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://root@localhost/vigil"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    result = run_vigil("doctor", data_dir=tmp_path, env={variable: value})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"vigil: {variable}")


def test_cheap_key_derivation_is_refused_without_debug(tmp_path: Path) -> None:
    result = run_vigil("doctor", data_dir=tmp_path, env={"VIGIL_DEBUG": "false", "VIGIL_CHEAP_KDF_FOR_TESTS": "true"})
    assert result.returncode == 2
    assert "VIGIL_CHEAP_KDF_FOR_TESTS" in result.stderr


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run_vigil("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("init", "serve", "createuser", "doctor", "audit", "extract"):
        assert f"  {command}" in result.stdout


def test_an_unknown_command_is_a_clear_error(tmp_path: Path) -> None:
    result = run_vigil("frobnicate", data_dir=tmp_path)
    assert result.returncode == 2
    assert "there is no command 'frobnicate'" in result.stderr


def test_createuser_adds_an_account_to_a_new_team(instance_dir: Path, tmp_path: Path) -> None:
    assert init(instance_dir, tmp_path).returncode == 0
    result = run_vigil(
        "createuser",
        "amina",
        "--role",
        "caseworker",
        "--team",
        "North",
        "--create-teams",
        "--generate-password",
        data_dir=instance_dir,
    )
    assert result.returncode == 0, result.stderr
    assert "Created caseworker amina" in result.stdout
    duplicate = run_vigil("createuser", "amina", "--generate-password", data_dir=instance_dir)
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr


def test_audit_verify_names_the_edited_entry_from_the_command_line(instance_dir: Path, tmp_path: Path) -> None:
    assert init(instance_dir, tmp_path).returncode == 0
    run_vigil("createuser", "amina", "--generate-password", data_dir=instance_dir)
    edit = run_vigil(
        "manage",
        "shell",
        "-c",
        "from vigil.audit.models import AuditEntry; AuditEntry.objects.filter(index=1).update(object_id='999')",
        data_dir=instance_dir,
    )
    assert edit.returncode == 0, edit.stderr
    result = run_vigil("audit", "verify", data_dir=instance_dir)
    assert result.returncode == 3
    assert "1" in result.stderr


def test_the_demo_instance_holds_sample_data_behind_a_sealed_vault(instance_dir: Path) -> None:
    result = run_vigil("demo", data_dir=instance_dir)
    assert result.returncode == 0, result.stderr
    assert "Vault passphrase:" in result.stdout
    counts = run_vigil(
        "manage",
        "shell",
        "--no-imports",
        "-c",
        "from vigil.incidents.models import Incident, Person; from vigil.monitoring.models import Draft;"
        "print(Incident.objects.count(), Draft.objects.count(), Person.objects.exclude(sealed=None).count())",
        data_dir=instance_dir,
    )
    incidents, drafts, identities = (int(number) for number in counts.stdout.split()[-3:])
    assert incidents >= 2 and drafts >= 2 and identities >= 1
    again = run_vigil("demo", data_dir=instance_dir)
    assert again.returncode == 0 and again.stdout == result.stdout
