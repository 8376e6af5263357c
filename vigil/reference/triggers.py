"""The small phrase language in which documenters write trigger phrases and article descriptions.

Why a language of our own: the phrases live in data files that documenters (not programmers) correct, so the
syntax must be readable and forgiving, yet precise enough that "задерж*" does not also catch "задержка" and
"пыта*" does not catch "пытался". Full regular expressions would let one typo swallow a whole report.

Syntax of one phrase (also documented at the top of every vocabulary file):

- Words are matched case-insensitively at the start of a word, and "ё" counts as "е".
- A word must end where the phrase word ends, unless it ends in ``*``: ``задерж*`` matches "задержали",
  "задержан". A ``*`` may also stand inside a word (``pre*trial``).
- A space matches any run of spaces and punctuation inside one sentence (not ``.``, ``!`` or ``?``).
- A hyphen matches a hyphen, a dash, a space or nothing: ``лгбт-пропаганд*`` also finds "ЛГБТ пропаганда".
- ``(a|b)`` chooses between alternatives; ``?`` makes the preceding letter or group optional. Put the
  space inside an optional group: ``unlock (his |her )?phone``.
- ``#`` is a number, in digits or words ("15", "семь", "two").
- ``..`` on its own between words allows up to three other words in between; ``...`` up to six.

Matching runs on text normalised by :func:`normalise`, which keeps every character offset unchanged, so spans
found in the normalised text are spans in the original.
"""

from __future__ import annotations

import functools
import re

__all__ = ["TriggerSyntaxError", "compile_phrases", "normalise"]

_SEP = r"[^\w.!?]+"
_HYPHEN = r"[-‐‑‒–—\s]?"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"одн\w*|один|два|двух|двое|тр(и|ех|ое)|четыр\w*|пят\w*|шест\w*|сем\w*|восем\w*|девят\w*|десят\w*|"
    r"\w+надцат\w*|двадцат\w*|тридцат\w*|сорок\w*|пятьдесят\w*|шестьдесят\w*|семьдесят\w*|восемьдесят\w*|"
    r"девяност\w*|сто|ста"
)
_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + _NUMBER_WORDS + r")"
_GAPS = {"..": 3, "...": 6}


class TriggerSyntaxError(ValueError):
    """A phrase in a data file does not follow the trigger syntax; the message names the phrase."""


def normalise(text: str) -> str:
    """Lower-case ``text`` and fold "ё" to "е" without changing its length or any character offset."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered.replace("ё", "е")


def _compile_word_sequence(phrase: str) -> str:
    out: list[str] = []
    depth = 0
    pending_space = False
    for ch in phrase:
        if ch == " ":
            pending_space = True
            continue
        if pending_space:
            # A space before a closing parenthesis or alternative belongs to the group ("(his |her )?").
            out.append(_SEP)
            pending_space = False
        if ch == "*":
            out.append(r"\w*")
        elif ch == "#":
            out.append(_NUMBER)
        elif ch == "-":
            out.append(_HYPHEN)
        elif ch == "(":
            depth += 1
            out.append("(?:")
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise TriggerSyntaxError(f"unbalanced ')' in trigger phrase {phrase!r}")
            out.append(")")
        elif ch in "[]{}\\^$":
            raise TriggerSyntaxError(
                f"{ch!r} is not part of the trigger syntax in phrase {phrase!r}; use (a|b) instead"
            )
        elif ch in "|?":
            if ch == "?" and (not out or out[-1] in ("(?:", "|")):
                raise TriggerSyntaxError(f"'?' has nothing to make optional in trigger phrase {phrase!r}")
            out.append(ch)
        else:
            out.append(re.escape(ch))
    if pending_space:
        out.append(_SEP)
    if depth != 0:
        raise TriggerSyntaxError(f"unbalanced '(' in trigger phrase {phrase!r}")
    return "".join(out)


def compile_phrase(phrase: str) -> str:
    """Translate one phrase into a regular-expression fragment (no flags, no anchors at the ends)."""
    cleaned = " ".join(normalise(phrase).split())
    if not cleaned or cleaned in _GAPS:
        raise TriggerSyntaxError(f"empty trigger phrase {phrase!r}")
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for token in cleaned.split(" "):
        if token in _GAPS:
            if depth:
                raise TriggerSyntaxError(f"a gap ('..') cannot stand inside parentheses in trigger phrase {phrase!r}")
            if not current:
                raise TriggerSyntaxError(f"a gap ('..') must stand between words in trigger phrase {phrase!r}")
            parts.append(_compile_word_sequence(" ".join(current)))
            parts.append(rf"(?:{_SEP}\w+){{0,{_GAPS[token]}}}{_SEP}")
            current = []
        else:
            depth += token.count("(") - token.count(")")
            current.append(token)
    if not current:
        raise TriggerSyntaxError(f"a gap ('..') must stand between words in trigger phrase {phrase!r}")
    parts.append(_compile_word_sequence(" ".join(current)))
    body = "".join(parts)
    tail = "" if cleaned.endswith("*") else r"(?!\w)"
    return rf"(?<!\w)(?:{body}){tail}"


@functools.cache
def compile_phrases(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern matching any of ``phrases`` in normalised text; a pattern that never matches if empty."""
    if not phrases:
        return re.compile(r"(?!)")
    fragments = [compile_phrase(p) for p in phrases]
    # Longer phrases first, so that the more specific wording wins where two start at the same place.
    order = sorted(range(len(phrases)), key=lambda i: -len(phrases[i]))
    try:
        return re.compile("|".join(fragments[i] for i in order))
    except re.error as exc:  # pragma: no cover - compile_phrase keeps the output well formed
        raise TriggerSyntaxError(f"cannot compile trigger phrases {phrases!r}: {exc}") from exc
