"""Canary at rest, encrypted backups and restore onto a fresh instance (criteria 1, 2, 29), with bad input."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from vigil.testing.cli import fresh_database, run_vigil

pytestmark = pytest.mark.uses_database
PASSPHRASE = "the operators long vault passphrase"
CANARIES = ["Канарейкин Фёдор Ёжикович", "+79287654321", "@canary_handle_x", "testimony canary 7f3a9c"]
FILE_CANARY = "evidence-file-canary-91b2e"

CREATE_RECORDS = f"""
import io
from vigil.vault.actions import do_unseal, do_create_operator_note
from vigil.vault.keys import Credential
do_unseal(credential=Credential("passphrase", secret={PASSPHRASE!r}))
canaries = {CANARIES!r}
for index, canary in enumerate(canaries):
    attachment = io.BytesIO((({FILE_CANARY!r} + " ") * 2000).encode()) if index == 0 else None
    do_create_operator_note(title=f"note {{index}}", body=canary, attachment=attachment)
"""

READ_BACK = """
import hashlib
from vigil.vault.actions import do_unseal
from vigil.vault.files import read_file
from vigil.vault.keys import Credential
from vigil.vault.models import OperatorNote
do_unseal(credential=Credential("recovery", secret=open("RECOVERY").read()))
for note in OperatorNote.objects.order_by("title"):
    digest = hashlib.sha256(b"".join(read_file(note.attachment))).hexdigest() if note.attachment else "-"
    print(note.title, "|", note.body, "|", digest)
"""


def forms_of(text: str) -> list[bytes]:
    variants = {text, text.lower(), unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)}
    found: list[bytes] = []
    for variant in variants:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            found.append(variant.encode(encoding))
        raw = variant.encode("utf-8")
        for shift in range(3):
            encoded = base64.b64encode(raw[shift:])
            found.append(encoded[4 : len(encoded) - 4])  # the middle does not depend on the alignment
    return [form for form in found if len(form) >= 6]


def assert_no_canary(blob: bytes, where: str) -> None:
    for canary in [*CANARIES, FILE_CANARY]:
        for form in forms_of(canary):
            assert form not in blob, f"{canary!r} found in {where}"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def pg_dump_bytes() -> bytes | None:
    url = os.environ.get("VIGIL_TEST_DATABASE_URL")
    if not url:
        return None
    return subprocess.run(["pg_dump", url], capture_output=True, check=True).stdout


def test_no_canary_at_rest_and_a_backup_restores_onto_a_fresh_instance_with_shares(tmp_path: Path) -> None:
    passphrase_file = write(tmp_path, "passphrase", PASSPHRASE)
    outputs: list[str] = []
    with fresh_database():
        source = tmp_path / "source"
        init = run_vigil("init", "--generate-password", "--passphrase-file", passphrase_file, data_dir=source)
        assert init.returncode == 0, init.stderr
        made = run_vigil("manage", "shell", "-c", CREATE_RECORDS, data_dir=source)
        assert made.returncode == 0, made.stderr
        split = run_vigil("vault", "split-shares", "2", "3", "--passphrase-file", passphrase_file, data_dir=source)
        assert split.returncode == 0, split.stderr
        shares = re.findall(r"share \d: (\S+)", split.stdout)
        assert run_vigil("seal", data_dir=source).returncode == 0
        archive = tmp_path / "backup.vigil"
        backup = run_vigil("backup", str(archive), "--passphrase-file", passphrase_file, data_dir=source)
        assert backup.returncode == 0, backup.stderr
        assert "verified" in backup.stdout
        outputs += [made.stdout, made.stderr, backup.stdout, backup.stderr]

        for path in [*source.rglob("*"), archive]:
            if path.is_file():
                assert_no_canary(path.read_bytes(), str(path))
        assert_no_canary("".join(outputs).encode(), "the command output and logs")
        dump = pg_dump_bytes()
        if dump is not None:
            assert_no_canary(dump, "pg_dump")

        shares_file = write(tmp_path, "shares", "\n".join(shares[1:]))
        onto_source = run_vigil("restore", str(archive), "--shares-file", shares_file, data_dir=source)
        assert onto_source.returncode != 0 and "fresh instance" in onto_source.stderr

    with fresh_database():
        # Bad input first: each refused with one sentence, creating nothing.
        target = tmp_path / "restored"
        truncated = tmp_path / "truncated.vigil"
        truncated.write_bytes(archive.read_bytes()[:-100])
        tampered = tmp_path / "tampered.vigil"
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0x01
        tampered.write_bytes(bytes(data))
        for bad, expected in [(truncated, "truncated"), (tampered, "integrity")]:
            result = run_vigil("restore", str(bad), "--shares-file", shares_file, data_dir=target)
            assert result.returncode != 0 and expected in result.stderr, result.stderr
            assert result.stderr.count("\n") == 1
            assert not target.exists()
        one_share = run_vigil(
            "restore", str(archive), "--shares-file", write(tmp_path, "one", shares[0]), data_dir=target
        )
        assert one_share.returncode != 0 and "2 different shares are needed" in one_share.stderr
        # An operator passphrase (which duress may have destroyed, and which can be coerced) never opens a backup.
        by_passphrase = run_vigil("restore", str(archive), "--passphrase-file", passphrase_file, data_dir=target)
        assert by_passphrase.returncode != 0 and not target.exists()
        restored = run_vigil("restore", str(archive), "--shares-file", shares_file, data_dir=target)
        assert restored.returncode == 0, restored.stderr
        assert run_vigil("audit", "verify", data_dir=target).returncode == 0
        assert run_vigil("vault", "check-files", data_dir=target).returncode == 0
        recovery = re.search(r"Recovery key: (\S+)", init.stdout)
        assert recovery is not None
        (target / "RECOVERY").write_text(recovery.group(1))
        read = run_vigil(
            "manage", "shell", "-c", READ_BACK.replace("RECOVERY", str(target / "RECOVERY")), data_dir=target
        )
        assert read.returncode == 0, read.stderr
        lines = [line for line in read.stdout.splitlines() if " | " in line]
        assert len(lines) == len(CANARIES), read.stdout
        assert [line.split(" | ")[1] for line in lines] == CANARIES
        import hashlib

        expected_digest = hashlib.sha256(((FILE_CANARY + " ") * 2000).encode()).hexdigest()
        assert lines[0].endswith(expected_digest)


def test_check_files_names_a_row_whose_file_is_missing(tmp_path: Path) -> None:
    passphrase_file = write(tmp_path, "passphrase", PASSPHRASE)
    with fresh_database():
        data_dir = tmp_path / "i"
        assert (
            run_vigil("init", "--generate-password", "--passphrase-file", passphrase_file, data_dir=data_dir).returncode
            == 0
        )
        assert run_vigil("manage", "shell", "-c", CREATE_RECORDS, data_dir=data_dir).returncode == 0
        assert run_vigil("vault", "check-files", data_dir=data_dir).returncode == 0
        for path in (data_dir / "files" / "objects").rglob("*"):
            if path.is_file():
                path.unlink()
        result = run_vigil("vault", "check-files", data_dir=data_dir)
    assert result.returncode == 1
    assert "missing file: vault.OperatorNote" in result.stdout
    assert "1 row(s) without their file" in result.stderr
