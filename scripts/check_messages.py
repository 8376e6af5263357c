"""Fail when the translation catalogues are stale or incomplete (STYLE.md: a check fails when catalogs are stale).

Runs `makemessages` into a scratch copy and compares the message ids with the committed catalogues; then checks that
the Russian catalogue translates every message and that the compiled .mo files match the .po files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "vigil" / "locale"
LANGUAGES = ("ru", "en")


def message_ids(po_file: Path) -> set[str]:
    """The msgids of a catalogue (with their plural ids), read with gettext's own tool for exactness."""
    output = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", str(po_file)],  # nosec B607 - GNU gettext from PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ids: set[str] = set()
    current: list[str] = []
    for line in output.splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = [line.split(" ", 1)[1]]
            ids.add(line)
        elif line.startswith('"') and current:
            ids.add(line)
        else:
            current = []
    return ids


def untranslated(po_file: Path, selection: str = "--untranslated") -> list[str]:
    """Message ids left untranslated (or, with `--only-fuzzy`, guessed by makemessages and never checked)."""
    output = subprocess.run(
        ["msgattrib", selection, "--no-obsolete", "--no-wrap", str(po_file)],  # nosec B607 - GNU gettext
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in output.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch_vigil = Path(scratch) / "vigil"
        shutil.copytree(ROOT / "vigil", scratch_vigil, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        env = {**os.environ, "VIGIL_DATA_DIR": str(Path(scratch) / "data"), "PYTHONPATH": str(ROOT)}
        vigil = Path(sys.executable).with_name("vigil")
        subprocess.run(
            [
                str(vigil),
                "manage",
                "makemessages",
                "--no-obsolete",
                "--no-location",
                *[f"-l{lang}" for lang in LANGUAGES],
            ],
            cwd=scratch_vigil,
            env=env,
            check=True,
            capture_output=True,
        )
        for lang in LANGUAGES:
            committed = LOCALE / lang / "LC_MESSAGES" / "django.po"
            fresh = scratch_vigil / "locale" / lang / "LC_MESSAGES" / "django.po"
            if not committed.exists():
                problems.append(f"{committed.relative_to(ROOT)} is missing; run 'make messages'.")
                continue
            if message_ids(committed) != message_ids(fresh):
                problems.append(f"{committed.relative_to(ROOT)} is stale; run 'make messages' and translate.")
            compiled = committed.with_suffix(".mo")
            if not compiled.exists() or compiled.stat().st_mtime < committed.stat().st_mtime - 1:
                problems.append(f"{compiled.relative_to(ROOT)} is older than its .po file; run 'make messages'.")
    russian = LOCALE / "ru" / "LC_MESSAGES" / "django.po"
    missing = untranslated(russian) if russian.exists() else []
    if missing:
        problems.append(f"the Russian catalogue leaves {len(missing)} message(s) untranslated, e.g. {missing[0]}")
    fuzzy = untranslated(russian, "--only-fuzzy") if russian.exists() else []
    if fuzzy:
        problems.append(f"the Russian catalogue has {len(fuzzy)} fuzzy guess(es) to check, e.g. {fuzzy[0]}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("Translation catalogues are complete and up to date.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
