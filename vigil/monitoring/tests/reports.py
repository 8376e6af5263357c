"""Tiny invented reports for the monitoring tests (never copies of real testimonies)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RU_REPORT = (
    "Вчера в Грозном полицейские задержали 24-летнего мужчину и избили его в отделе. "
    "Суд арестовал его на 10 суток по статье 19.3 КоАП."
)
EN_REPORT = (
    "Police in Makhachkala detained a 31-year-old man on 3 March 2025 after a staged date. "
    "Officers beat him and threatened to tell his family."
)
EN_OTHER = "Police in Nalchik detained two men on 12 May 2025 and held them for two days without a lawyer."
CHATTER = "Good morning, friends. The channel will post a digest of the week on Friday."
THIRD_LANGUAGE = "Gestern wurde in der Stadt ein neues Museum eröffnet. Es zeigt Bilder aus dem Mittelalter."


def message(number: int, text: str | list[Any], unixtime: int = 1741046400, **extra: Any) -> dict[str, Any]:
    return {"id": number, "type": "message", "date_unixtime": str(unixtime), "text": text, **extra}


def telegram_chat(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "Invented channel", "type": "public_channel", "id": 4242, "messages": messages}


def write(directory: Path, name: str, content: str | bytes | dict[str, Any]) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(content, encoding="utf-8")
    return path


RSS_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Invented News</title><link>https://news.invalid/</link>
<item><title>Detention in Nalchik</title><link>https://news.invalid/1</link>
<pubDate>Tue, 13 May 2025 10:00:00 +0000</pubDate><description>{EN_OTHER}</description></item>
<item><title>Weekly digest</title><link>https://news.invalid/2</link>
<pubDate>Wed, 14 May 2025 10:00:00 +0000</pubDate><description>{CHATTER}</description></item>
</channel></rss>
"""
