"""`vigil ingest` on a large Telegram export: peak memory must stay under 1 GB, whatever the export's size.

Generates a Telegram Desktop export of N messages (BENCH_INGEST_MESSAGES, 100,000 by default) into a temporary
directory, creates a temporary instance there (SQLite, a vault with the cheap test KDF), unseals it and ingests the
export through the same `ingest_files` that `vigil ingest` runs, with the progress bar on stderr. Prints peak RSS
(target < 1 GB) and messages per second. A fifth of the messages report incidents (Russian and English, varied so
every text is new); the rest are the chatter a channel is made of. Russian messages cost about 20 ms each in the
pipeline (Natasha's named-entity tagger), so the full 100,000 take roughly 20 minutes on a 2-core machine: set
BENCH_INGEST_MESSAGES=10000 for a two-minute run.

Run: .venv/bin/python bench/bench_ingest_memory.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CITIES_RU = ("Грозном", "Махачкале", "Нальчике", "Назрани", "Владикавказе")
CITIES_EN = ("Grozny", "Makhachkala", "Nalchik", "Nazran", "Vladikavkaz")


def message_text(number: int) -> str:
    age = 18 + number % 40
    if number % 10 == 0:
        city = CITIES_RU[number % len(CITIES_RU)]
        days = 1 + number % 15
        text = f"В {city} полицейские задержали {age}-летнего мужчину и избили его."
        return f"{text} Суд арестовал его на {days} суток. №{number}"
    if number % 10 == 5:
        city = CITIES_EN[number % len(CITIES_EN)]
        return f"Police in {city} detained a {age}-year-old man after a staged date and threatened him. Ref {number}."
    if number % 2:
        return f"Good evening. Digest number {number} of the week's news will follow tomorrow."
    return f"Доброе утро, друзья. Сводка новостей номер {number} выйдет завтра."


def write_export(path: Path, count: int) -> None:
    start = 1735689600  # 2025-01-01
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"name": "Bench channel", "type": "public_channel", "id": 777, "messages": [\n')
        for number in range(count):
            message = {
                "id": number,
                "type": "message",
                "date_unixtime": str(start + number * 60),
                "text": message_text(number),
            }
            handle.write(("," if number else "") + json.dumps(message, ensure_ascii=False) + "\n")
        handle.write("]}\n")


def child(export: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from vigil.accounts.actions import do_create_team
    from vigil.monitoring.ingest import ingest_files
    from vigil.vault.actions import do_create_vault, do_unseal
    from vigil.vault.keys import Credential

    call_command("migrate", verbosity=0)
    team = do_create_team(name="Bench")
    passphrase = "a bench passphrase nobody will ever type"  # noqa: S105 - a throwaway instance
    do_create_vault(passphrase=passphrase)
    do_unseal(credential=Credential("passphrase", secret=passphrase))
    started = time.perf_counter()
    summary = ingest_files([export], team=team, progress=True)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n".join(summary.lines()[:6]))
    print(f"messages: {summary.items_read}, seconds: {elapsed:.0f}, messages/s: {summary.items_read / elapsed:.1f}")
    print(f"peak RSS: {peak_mb:.0f} MB (target < 1024 MB): {'OK' if peak_mb < 1024 else 'TOO HIGH'}")


def main() -> None:
    count = int(os.environ.get("BENCH_INGEST_MESSAGES", "100000"))
    with tempfile.TemporaryDirectory(prefix="vigil-bench-ingest-") as directory:
        export = Path(directory) / "result.json"
        (Path(directory) / "instance").mkdir(mode=0o700)
        write_export(export, count)
        print(f"export: {count} messages, {export.stat().st_size / 1e6:.1f} MB")
        env = {
            **os.environ,
            "VIGIL_DATA_DIR": str(Path(directory) / "instance"),
            "VIGIL_DEBUG": "true",
            "VIGIL_CHEAP_KDF_FOR_TESTS": "true",
            "DJANGO_SETTINGS_MODULE": "vigil.settings",
        }
        env.pop("DATABASE_URL", None)
        # A fresh process, so the peak RSS measured is the ingest's own and not the generator's.
        subprocess.run([sys.executable, __file__, "--child", str(export)], env=env, check=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        main()
