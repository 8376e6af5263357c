"""A real `vigil serve` process: unseal and seal it from the command line, duress end to end (criteria 14, 15)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.testing.cli import VIGIL, fresh_database, run_vigil

pytestmark = pytest.mark.uses_database
PASSPHRASE = "the operators long vault passphrase"
DURESS = "the duress words nobody should guess"


def environment(data_dir: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_") and k != "DATABASE_URL"}
    environ.update({"VIGIL_DATA_DIR": str(data_dir), "VIGIL_DEBUG": "true", "VIGIL_CHEAP_KDF_FOR_TESTS": "true"})
    if os.environ.get("VIGIL_TEST_DATABASE_URL"):
        environ["DATABASE_URL"] = os.environ["VIGIL_TEST_DATABASE_URL"]
    return environ


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def control(data_dir: Path, request: dict[str, object]) -> dict[str, object]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.connect(str(data_dir / "run" / "control.sock"))
        client.sendall(json.dumps(request).encode())
        client.shutdown(socket.SHUT_WR)
        answer: dict[str, object] = json.loads(client.makefile("rb").read())
        return answer


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """An initialised instance served by `vigil serve`; yields (data dir, recovery key)."""
    with fresh_database():
        data_dir = tmp_path / "instance"
        init = run_vigil(
            "init",
            "--generate-password",
            "--passphrase-file",
            write(tmp_path, "passphrase", PASSPHRASE),
            data_dir=data_dir,
        )
        assert init.returncode == 0, init.stderr
        recovery = re.search(r"Recovery key: (\S+)", init.stdout)
        assert recovery is not None
        server = subprocess.Popen(
            [str(VIGIL), "serve", "--port", str(free_port())],
            env=environment(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while not (data_dir / "run" / "control.sock").exists():
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.1)
            yield data_dir, recovery.group(1)
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_init_prints_the_recovery_key_once_with_the_instruction_to_keep_it_offline(tmp_path: Path) -> None:
    with fresh_database():
        result = run_vigil(
            "init",
            "--generate-password",
            "--passphrase-file",
            write(tmp_path, "p", PASSPHRASE),
            data_dir=tmp_path / "i",
        )
    assert result.returncode == 0, result.stderr
    assert re.search(r"Recovery key: [0-9A-Z]{5}(-[0-9A-Z]{5}){7}", result.stdout)
    assert "offline" in result.stdout


def test_init_refuses_a_weak_vault_passphrase_and_creates_nothing(tmp_path: Path) -> None:
    with fresh_database():
        result = run_vigil(
            "init",
            "--generate-password",
            "--passphrase-file",
            write(tmp_path, "p", "short"),
            data_dir=tmp_path / "i",
        )
    assert result.returncode != 0
    assert "at least 15 characters" in result.stderr
    assert not (tmp_path / "i").exists()


def test_the_server_starts_sealed_unseals_from_the_cli_and_seals_everywhere_within_a_second(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    data_dir, _ = served
    assert control(data_dir, {"op": "status"}) == {"ok": True, "sealed": True}
    wrong = run_vigil("unseal", "--passphrase-file", write(tmp_path, "w", "a wrong passphrase here"), data_dir=data_dir)
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("vigil: The passphrase is wrong")
    assert control(data_dir, {"op": "status"})["sealed"] is True
    ok = run_vigil("unseal", "--passphrase-file", write(tmp_path, "p", PASSPHRASE), data_dir=data_dir)
    assert ok.returncode == 0, ok.stderr
    assert control(data_dir, {"op": "status"})["sealed"] is False

    sealed = run_vigil("seal", data_dir=data_dir)  # another process: it only moves the seal epoch
    finished = time.monotonic()
    assert sealed.returncode == 0, sealed.stderr
    while control(data_dir, {"op": "status"})["sealed"] is False:
        assert time.monotonic() - finished < 1.0, "the server still held its keys a second after 'vigil seal'"
        time.sleep(0.02)


def test_the_operator_duress_passphrase_looks_like_an_unseal_and_only_the_recovery_key_opens_afterwards(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    data_dir, recovery_key = served
    passphrase_file = write(tmp_path, "p", PASSPHRASE)
    duress = run_vigil(
        "vault",
        "set-duress",
        "--passphrase-file",
        passphrase_file,
        "--duress-passphrase-file",
        write(tmp_path, "d", DURESS),
        data_dir=data_dir,
    )
    assert duress.returncode == 0, duress.stderr
    normal = run_vigil("unseal", "--passphrase-file", passphrase_file, data_dir=data_dir)
    assert run_vigil("seal", data_dir=data_dir).returncode == 0
    coerced = run_vigil("unseal", "--passphrase-file", write(tmp_path, "d2", DURESS), data_dir=data_dir)
    assert (coerced.returncode, coerced.stdout, coerced.stderr) == (normal.returncode, normal.stdout, normal.stderr)

    status = run_vigil("vault", "status", data_dir=data_dir)
    assert "passphrase" not in status.stdout and "recovery" in status.stdout
    again = run_vigil("unseal", "--passphrase-file", passphrase_file, data_dir=data_dir)
    assert again.returncode == 1
    recovered = run_vigil("unseal", "--recovery-key-file", write(tmp_path, "r", recovery_key), data_dir=data_dir)
    assert recovered.returncode == 0, recovered.stderr
    assert control(data_dir, {"op": "status"})["sealed"] is False


def test_unseal_without_a_running_server_is_one_clear_sentence(tmp_path: Path) -> None:
    with fresh_database():
        data_dir = tmp_path / "i"
        assert run_vigil("init", "--generate-password", "--generate-passphrase", data_dir=data_dir).returncode == 0
        result = run_vigil("unseal", "--passphrase-file", write(tmp_path, "p", PASSPHRASE), data_dir=data_dir)
    assert result.returncode == 1
    assert "no running 'vigil serve' answers" in result.stderr
    assert result.stderr.count("\n") == 1
