"""The act, perpetrator and outcome codes of samples/README.md, which the vocabularies must map onto.

A plain helper rather than a conftest fixture, so the reference tests also run with ``--noconftest``
(the repository's root conftest loads Django).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

SAMPLES_README = Path(__file__).resolve().parents[4] / "shared" / "samples" / "README.md"


@functools.cache
def _parse(path: Path) -> dict[str, frozenset[str]]:
    text = path.read_text(encoding="utf-8")
    codes: dict[str, frozenset[str]] = {}
    for name in ("acts", "perpetrators", "outcome"):
        m = re.search(rf"^- {name}: (.+?)(?=^- |^\S)", text, re.MULTILINE | re.DOTALL)
        assert m, f"no '- {name}:' list in {path}"
        codes[name] = frozenset(c.strip() for c in m.group(1).replace("\n", " ").split(",") if c.strip())
    return codes


def readme_codes() -> dict[str, frozenset[str]]:
    """The code lists by name ("acts", "perpetrators", "outcome"); skips the test when the samples are absent."""
    if not SAMPLES_README.exists():
        pytest.skip(f"samples README not found at {SAMPLES_README}")
    return _parse(SAMPLES_README)
