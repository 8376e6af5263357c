"""Where each value of a JSON document starts, by path, so an import can report "line 12, column 18
(incidents[3].acts[0].act_type)" for a value `json.loads` accepted but the vocabularies refuse.

The scan runs only on text `json.loads` has already accepted, and only when there is a problem to place, so a clean
import of a large file pays nothing for it. Paths are written as the import names them: object keys joined with
".", list items as "[index]"; a repeated key keeps its last position, as `json.loads` keeps its last value.
"""

from __future__ import annotations

import re
from json.decoder import scanstring  # type: ignore[attr-defined]

_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def value_offsets(text: str) -> dict[str, int]:
    """The offset at which each value starts, by path ("" is the whole document). `text` must be valid JSON."""
    offsets: dict[str, int] = {}
    end = _value(text, _skip(text, 0), "", offsets)
    assert _skip(text, end) == len(text), "value_offsets expects a document json.loads accepted"
    return offsets


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _value(text: str, pos: int, path: str, offsets: dict[str, int]) -> int:
    offsets[path] = pos
    char = text[pos]
    if char == "{":
        pos = _skip(text, pos + 1)
        if text[pos] == "}":
            return pos + 1
        while True:
            key, pos = scanstring(text, pos + 1)
            pos = _skip(text, _skip(text, pos) + 1)  # past the colon
            pos = _skip(text, _value(text, pos, f"{path}.{key}" if path else key, offsets))
            if text[pos] == "}":
                return pos + 1
            pos = _skip(text, pos + 1)  # past the comma
    if char == "[":
        pos = _skip(text, pos + 1)
        if text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            pos = _skip(text, _value(text, pos, f"{path}[{index}]", offsets))
            if text[pos] == "]":
                return pos + 1
            pos = _skip(text, pos + 1)
            index += 1
    if char == '"':
        _string, end = scanstring(text, pos + 1)
        return int(end)
    match = _SCALAR.match(text, pos)
    assert match is not None, "value_offsets expects a document json.loads accepted"
    return match.end()


def parent_path(path: str) -> str:
    """The path of the object or list holding `path` ("a.b[2]" -> "a.b", "a.b" -> "a", "a" -> "")."""
    cut = max(path.rfind("."), path.rfind("[") if path.endswith("]") else -1)
    return path[:cut] if cut > 0 else ""


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, counted as `json.JSONDecodeError` counts them."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def locate(text: str, offsets: dict[str, int], path: str) -> tuple[int, int]:
    """Line and column of the value at `path`, or of its nearest enclosing value when it is missing (a required
    field left out is reported at the object that lacks it)."""
    while path not in offsets and path:
        path = parent_path(path)
    return line_and_column(text, offsets.get(path, 0))
