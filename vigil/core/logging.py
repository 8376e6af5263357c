"""Log hygiene: a value that contains CR or LF could forge extra log lines (SECURITY-CRITERIA 20)."""

from __future__ import annotations

import logging


def escape_newlines(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


class EscapeNewlinesFilter(logging.Filter):
    """Renders each record's message once and escapes line breaks in it, so one event is always one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = escape_newlines(record.getMessage())
        record.args = None
        return True
