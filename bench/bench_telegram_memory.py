"""Ingest a 100,000-message Telegram Desktop export in constant memory.

Generates ``result.json`` (single-chat shape, with text as strings and as lists of
entities, forwarded messages and service messages) in a temporary directory,
streams it through the Telegram reader and the full extraction pipeline with a
tqdm progress bar, and prints peak RSS (target < 1 GB) and messages per second.

Run: ``.venv/bin/python bench/bench_telegram_memory.py [--messages 100000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORT_RU = (
    "Вчера в Грозном сотрудники полиции задержали {age}-летнего мужчину. Его доставили в отдел, избили "
    "и заставили разблокировать телефон. Суд арестовал его на {days} суток по статье 19.3 КоАП. "
    "Об этом сообщила Российская ЛГБТ-сеть."
)
REPORT_EN = (
    "Police in Makhachkala detained a {age}-year-old man last week and threatened to open a criminal case, "
    "SK SOS said. He was released after {days} days."
)
CHATTER = ["Доброе утро всем", "Спасибо за информацию!", "Кто-нибудь знает адвоката в Нальчике?", "ok, thanks"]


def write_export(path: Path, count: int) -> None:
    start = 1_700_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write('{"name": "Monitoring", "type": "private_supergroup", "id": 777, "messages": [\n')
        for number in range(1, count + 1):
            if number % 10 == 0:
                text: object = REPORT_RU.format(age=18 + number % 30, days=1 + number % 15)
            elif number % 10 == 5:
                text = [
                    "Forwarded: ",
                    {"type": "bold", "text": REPORT_EN.format(age=20 + number % 20, days=number % 9 + 1)},
                ]
            else:
                text = CHATTER[number % len(CHATTER)]
            message: dict[str, object] = {
                "id": number,
                "type": "message",
                "date": "2023-11-14T12:00:00",
                "date_unixtime": str(start + number * 60),
                "from": "user",
                "text": text,
            }
            if number % 10 == 5:
                message["forwarded_from"] = "SK SOS"
            if number % 1000 == 0:
                message = {"id": number, "type": "service", "action": "pin_message", "date_unixtime": str(start)}
            out.write(json.dumps(message, ensure_ascii=False))
            out.write(",\n" if number < count else "\n")
        out.write("]}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Telegram export memory benchmark.")
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args(argv)

    from tqdm import tqdm

    from vigil.extraction import entities
    from vigil.extraction.items import ReadError
    from vigil.extraction.pipeline import extract_report
    from vigil.extraction.readers import read_path

    entities.load_models()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "result.json"
        write_export(path, args.messages)
        size = path.stat().st_size
        started = time.perf_counter()
        items = errors = incidents = 0
        for item in tqdm(read_path(path), total=args.messages, unit=" msg", file=sys.stderr):
            if isinstance(item, ReadError):
                errors += 1
                continue
            items += 1
            incidents += len(extract_report(item.text, item.reference_date).incidents)
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"export: {args.messages} messages, {size / 1e6:.1f} MB")
    print(
        f"processed {items} messages ({errors} errors, {incidents} incidents) in {elapsed:.1f} s: "
        f"{items / elapsed:.0f} messages/s"
    )
    print(f"peak RSS: {peak_mb:.0f} MB (target < 1024 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
