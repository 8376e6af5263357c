import io
import json
import sys
from pathlib import Path

import pytest

from vigil.extraction.cli import EXIT_ITEM_ERRORS, EXIT_OK, EXIT_USAGE, main

REPORT = "Police in Grozny detained a 22-year-old man yesterday, SK SOS said.\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_single_text_file_prints_the_gold_shaped_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    code, out, _ = run(capsys, "--reference-date", "2024-01-17", str(path))
    result = json.loads(out)
    assert code == EXIT_OK
    assert set(result) >= {"incidents", "sources_cited"}
    assert result["incidents"][0]["date_start"] == "2024-01-16"
    assert result["sources_cited"] == ["SK SOS"]


def test_several_files_print_a_list_with_per_item_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "a.txt"
    good.write_text(REPORT, encoding="utf-8")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    code, out, err = run(capsys, str(good), str(binary), str(tmp_path / "missing.txt"))
    records = json.loads(out)
    assert code == EXIT_ITEM_ERRORS
    assert [("result" in r, "error" in r) for r in records] == [(True, False), (False, True), (False, True)]
    assert "binary" in records[1]["error"] and "no such file" in records[2]["error"]
    assert "no such file" in err


def test_a_telegram_export_prints_one_record_per_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = {
        "name": "c",
        "id": 7,
        "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1705449600", "text": "Вчера в Грозном задержали мужчину."},
            {
                "id": 2,
                "type": "message",
                "date_unixtime": "1705449600",
                "text": "Der Mann wurde gestern in Berlin festgenommen und die Frau auch.",
            },
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, str(path))
    first, second = json.loads(out)
    assert code == EXIT_OK
    assert first["reference_date"] == "2024-01-17"
    assert first["result"]["incidents"][0]["date_start"] == "2024-01-16"
    assert "skipped" in second["error"]


def test_standard_input_is_read_with_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(REPORT.encode())))
    code, out, _ = run(capsys, "--format", "text", "-")
    assert code == EXIT_OK and "Grozny" in out


def test_a_bad_reference_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--reference-date", "17.01.2024", "x.txt")
    assert code == EXIT_USAGE and "YYYY-MM-DD" in err
