"""Telegram Desktop JSON export reader, streaming in constant memory.

Handles the single-chat export (``{"name", "type", "id", "messages": [...]}``) and
the full-account export (``{"chats": {"list": [{..., "messages": [...]}]}}``).
Messages are built one at a time from ``ijson`` events, so a 100,000-message
export never sits in memory.  Each message keeps its own date (``date_unixtime``,
which is UTC, not the exporter's local-time ``date``) as the reference date for
relative expressions, and ``forwarded_from`` as provenance.  A truncated or
invalid file yields one :class:`ReadError` after the messages read so far.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import ijson

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers.base import (
    Reader,
    Source,
    cap_text,
    open_binary,
    source_name,
)

# yajl joins a long string chunk by chunk, so parsing time grows with
# (string length / buffer size)^2; a 4 MiB buffer keeps a 50 MB message at a few seconds.
BUFFER_BYTES = 4 * 1024 * 1024
MESSAGE_PREFIXES = frozenset({"messages.item", "chats.list.item.messages.item"})
CHAT_FIELDS = {
    "name": "name",
    "id": "id",
    "type": "type",
    "chats.list.item.name": "name",
    "chats.list.item.id": "id",
    "chats.list.item.type": "type",
}


def message_text(message: dict[str, Any]) -> str:
    """Flatten ``text`` (a string or a list of strings and entity dicts).

    ``text_entities`` is used when ``text`` is absent: both carry the same words.
    """
    text = message.get("text")
    if text is None or text == "":
        text = message.get("text_entities") or ""
    if isinstance(text, str):
        return text
    parts: list[str] = []
    if isinstance(text, list):
        for part in text:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
    return "".join(parts)


def message_date(message: dict[str, Any]) -> date | None:
    stamp = message.get("date_unixtime")
    if stamp is not None:
        try:
            return datetime.fromtimestamp(int(stamp), tz=UTC).date()
        except (ValueError, OverflowError, OSError, TypeError):
            return None
    local = message.get("date")
    if isinstance(local, str) and len(local) >= 10:
        try:
            return date.fromisoformat(local[:10])
        except ValueError:
            return None
    return None


class TelegramReader(Reader):
    name: ClassVar[str] = "telegram"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def read(self, source: Source) -> Iterator[ReportItem | ReadError]:
        name = source_name(source)
        chat: dict[str, Any] = {}
        count = 0
        builder: ijson.ObjectBuilder | None = None
        depth = 0
        try:
            with open_binary(source) as handle:
                for prefix, event, value in ijson.parse(handle, buf_size=BUFFER_BYTES, use_float=True):
                    if builder is not None:
                        builder.event(event, value)
                        if event in ("start_map", "start_array"):
                            depth += 1
                        elif event in ("end_map", "end_array"):
                            depth -= 1
                            if depth == 0:
                                count += 1
                                item = self._item(name, chat, builder.value, count)
                                builder = None
                                if item is not None:
                                    yield item
                        continue
                    if event == "start_map" and prefix in MESSAGE_PREFIXES:
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        depth = 1
                    elif prefix in CHAT_FIELDS and event in ("string", "number"):
                        chat[CHAT_FIELDS[prefix]] = value
                    elif prefix == "chats.list.item" and event == "start_map":
                        chat = {}
        except ijson.common.IncompleteJSONError as exc:
            yield ReadError(
                name,
                f"truncated or invalid JSON after {count} messages: {str(exc)[:200]}",
            )
            return
        except (ijson.common.JSONError, ValueError) as exc:
            yield ReadError(name, f"invalid JSON after {count} messages: {str(exc)[:200]}")
            return
        except OSError as exc:
            yield ReadError(name, f"cannot read file: {exc.strerror or exc}")
            return
        if count == 0:
            yield ReadError(name, "no Telegram messages found (not a Telegram Desktop export?)")

    def _item(self, name: str, chat: dict[str, Any], message: Any, number: int) -> ReportItem | ReadError | None:
        if not isinstance(message, dict):
            return ReadError(f"{name}#{number}", "message is not a JSON object")
        if message.get("type", "message") != "message":
            return None  # service messages (joins, pins) carry no report
        item_id = f"{chat.get('id', name)}:{message.get('id', number)}"
        text = message_text(message)
        if not text.strip():
            return None  # media without a caption
        text, warnings = cap_text(text, self.options.max_chars)
        provenance: dict[str, Any] = {"file": name, "message_id": message.get("id")}
        if chat.get("name") is not None:
            provenance["chat"] = chat["name"]
        if message.get("forwarded_from"):
            provenance["forwarded_from"] = message["forwarded_from"]
        if message.get("from"):
            provenance["from"] = message["from"]
        return ReportItem(
            item_id=item_id,
            text=text,
            reference_date=message_date(message),
            provenance=provenance,
            warnings=warnings,
        )
