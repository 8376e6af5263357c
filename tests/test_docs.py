"""Docs that cannot drift (after datasette's tests/test_docs.py): every setting, command and API endpoint is in the
README, and every environment variable the code reads is a documented setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigil.cli import STANDALONE_COMMANDS, vigil_command_modules
from vigil.conf import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_READ = re.compile(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def environment_variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "vigil").rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts:
            continue
        names.update(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("setting", [setting.name for setting in SETTINGS])
def test_every_setting_is_in_the_readme(setting: str) -> None:
    assert f"`{setting}`" in README


def test_every_variable_the_code_reads_is_a_documented_setting() -> None:
    documented = {setting.name for setting in SETTINGS}
    assert environment_variables_read_by_the_code() - documented == set()


@pytest.mark.parametrize("command", sorted({*vigil_command_modules(), *STANDALONE_COMMANDS, "manage"}))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`vigil {command}" in README


def test_every_api_endpoint_is_in_the_readme() -> None:
    from vigil.api.api import api

    schema = api.get_openapi_schema()
    missing = []
    for path, operations in schema["paths"].items():
        for method in operations:
            readable = re.sub(r"\{(\w+)\}", r"{\1}", path)
            if f"`{method.upper()} {readable}`" not in README:
                missing.append(f"{method.upper()} {readable}")
    assert missing == []
